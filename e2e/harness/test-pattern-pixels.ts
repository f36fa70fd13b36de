import { TEST_PATTERN_BARS } from '@camstream/core';
import { countColours } from './pixels.js';

/**
 * The test pattern's saturated bars (yellow … blue) as a BT.601 decoder shows them, from core's one description
 * of the pattern; grey and black are left out: the viewer's UI has them.
 */
export const TEST_PATTERN_COLOURS: Record<string, readonly [number, number, number]> = Object.fromEntries(
  TEST_PATTERN_BARS.slice(1, 7).map((bar) => [bar.name, bar.rgb]),
);

/**
 * Whether a screenshot shows the moving test pattern (core's I420 frames, what `camstream capture` makes by
 * default, or `@camstream/web`'s canvas pattern): at least `minColours` of its bar colours with `minPixels` each.
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
