import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addEmulationPrevention,
  parseH264Sps,
  removeEmulationPrevention,
  splitAnnexB,
} from '@camstream/core';
import { makeClip } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { openAnnexB } from './annexb-reader.js';
import { probeInputFile } from './input-file.js';

const dir = tempDir('camstream-clips-');
let stream: Uint8Array;

beforeAll(() => {
  stream = new Uint8Array(
    readFileSync(makeClip(dir, 'clip', { codec: 'h264', container: 'h264', frames: 5, fps: 50 })),
  );
});

/** The SPS with its VUI time_scale set to `value` (found by trying every bit position; the rest unchanged). */
function withTimeScale(sps: Uint8Array, value: number): Uint8Array {
  const original = parseH264Sps(sps);
  const rbsp = removeEmulationPrevention(sps.subarray(1));
  for (let bit = 0; bit + 32 <= rbsp.length * 8; bit++) {
    const copy = rbsp.slice();
    for (let k = 0; k < 32; k++) {
      const at = bit + k;
      const set = (value >>> (31 - k)) & 1;
      copy[at >> 3] = ((copy[at >> 3] as number) & ~(0x80 >> (at & 7))) | (set << (7 - (at & 7)));
    }
    const nal = Uint8Array.of(sps[0] as number, ...addEmulationPrevention(copy));
    try {
      const parsed = parseH264Sps(nal);
      const timing = parsed.vui?.timing;
      if (
        timing?.timeScale === value &&
        timing.numUnitsInTick === original.vui?.timing?.numUnitsInTick &&
        parsed.width === original.width
      ) {
        return nal;
      }
    } catch {
      // not this position
    }
  }
  throw new Error('no time_scale field found');
}

async function pts(path: string, fps?: number): Promise<bigint[]> {
  const reader = openAnnexB(await probeInputFile(path), fps === undefined ? {} : { fps });
  const out: bigint[] = [];
  for await (const sample of reader.samples) out.push(sample.pts);
  return out;
}

describe('openAnnexB', () => {
  it('takes the frame rate from the SPS timing', async () => {
    const path = join(dir, 'ok.h264');
    writeFileSync(path, stream);
    expect(await pts(path)).toEqual([0n, 20_000_000n, 40_000_000n, 60_000_000n, 80_000_000n]);
  });

  it('falls back to 25 fps where the SPS timing gives no frame duration (time_scale 0), not a RangeError', async () => {
    const parts: Uint8Array[] = [];
    for (const nal of splitAnnexB(stream)) {
      const data = ((nal.data[0] as number) & 0x1f) === 7 ? withTimeScale(nal.data, 0) : nal.data;
      parts.push(Uint8Array.of(0, 0, 0, 1), data);
    }
    const path = join(dir, 'time-scale-0.h264');
    writeFileSync(path, Buffer.concat(parts));
    expect(await pts(path)).toEqual([0n, 40_000_000n, 80_000_000n, 120_000_000n, 160_000_000n]);
  });

  it('refuses an --fps that gives no frame duration as a usage error', async () => {
    const path = join(dir, 'ok.h264');
    writeFileSync(path, stream);
    const file = await probeInputFile(path);
    for (const fps of [0, -1, Number.NaN, 1e-320, 1e12]) {
      expect(() => openAnnexB(file, { fps })).toThrow(CliError);
      expect(() => openAnnexB(file, { fps })).toThrow(/--fps .* is not a frame rate/);
    }
  });
});
