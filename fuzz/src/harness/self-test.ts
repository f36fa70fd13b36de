import { CamstreamError } from '@camstream/core';
import type { Harness } from '../targets.js';

const seeds = () => [Uint8Array.of(0, 1, 2, 3), Uint8Array.of(0x42, 0x42), Uint8Array.of(1, 2, 3)];
const hints = { tokens: [Uint8Array.of(0x42)], magic: [Uint8Array.of(0x42)], maxBytes: 64 };

/** Typed error on empty input, TypeError on an odd first byte. */
export function typeErrorHarness(): Harness {
  return {
    seeds,
    hints,
    typed: [CamstreamError],
    run: (input) => {
      if (input.length === 0) throw new CamstreamError('invalid-argument', 'empty');
      if ((input[0] as number) & 1) void (undefined as unknown as { x: number }).x;
    },
  };
}

/** An endless loop when the input starts with 0x42. */
export function hangHarness(): Harness {
  return {
    seeds,
    hints,
    typed: [CamstreamError],
    run: (input) => {
      while (input[0] === 0x42) {
        // spins until the watchdog stops the worker
      }
    },
  };
}
