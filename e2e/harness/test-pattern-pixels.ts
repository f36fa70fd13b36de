import { TEST_PATTERN_BARS } from '@camstream/core';
import { countColours } from './pixels.js';

/** BT.601 limited-range Y'CbCr to 8-bit RGB (what a decoder shows for x264 output without colour tags). */
function yuvToRgb([y, u, v]: readonly [number, number, number]): [number, number, number] {
  const c = 1.164 * (y - 16);
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  return [
    clamp(c + 1.596 * (v - 128)),
    clamp(c - 0.392 * (u - 128) - 0.813 * (v - 128)),
    clamp(c + 2.017 * (u - 128)),
  ];
}

/** The saturated bars of core's test pattern (yellow … blue; white and black are left out: the UI has them). */
export const TEST_PATTERN_COLOURS: Record<string, readonly [number, number, number]> = Object.fromEntries(
  ['yellow', 'cyan', 'green', 'magenta', 'red', 'blue'].map((name, i) => [
    name,
    yuvToRgb(TEST_PATTERN_BARS[i + 1]!),
  ]),
);

/**
 * Whether a screenshot shows core's moving test pattern (what `camstream capture` makes by default): at least
 * `minColours` of its bar colours with `minPixels` each.
 */
export function showsTestPattern(
  png: Buffer,
  minColours = 4,
  minPixels = 300,
): { ok: boolean; counts: Record<string, number> } {
  const counts = countColours(png, TEST_PATTERN_COLOURS, 36);
  const present = Object.values(counts).filter((n) => n >= minPixels).length;
  return { ok: present >= minColours, counts };
}
