import { describe, expect, it } from 'vitest';
import { SourceError } from './source-error.js';
import { TEST_PATTERN_BARS, type TestPatternRect, testPatternLayout } from './test-pattern-layout.js';

const isBar = (r: TestPatternRect) => TEST_PATTERN_BARS.includes(r.colour);

/** The colour name at column `x` of the bar rows (below the counter, away from the box). */
function barAt(rects: readonly TestPatternRect[], x: number): string | undefined {
  return rects.find((r) => isBar(r) && x >= r.x && x < r.x + r.width)?.colour.name;
}

describe('testPatternLayout', () => {
  it('keeps every rectangle inside the picture, and the bars cover each column once', () => {
    for (const [width, height] of [
      [2, 2],
      [33, 17],
      [640, 480],
      [1280, 720],
    ] as const) {
      for (const pts of [0n, 333_333_333n, 1_000_000_000n, 7_654_321_000n]) {
        const rects = testPatternLayout({ width, height, index: 17, pts });
        for (const r of rects) {
          expect(r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0).toBe(true);
          expect(r.x + r.width <= width && r.y + r.height <= height).toBe(true);
        }
        const columns = new Array<number>(width).fill(0);
        for (const r of rects.filter(isBar)) {
          expect([r.y, r.height]).toEqual([0, height]);
          for (let x = r.x; x < r.x + r.width; x++) columns[x] = (columns[x] ?? 0) + 1;
        }
        expect(columns.every((n) => n === 1)).toBe(true);
      }
    }
  });

  it('scrolls the bars left one bar width per second; the box moves 2 px per frame', () => {
    const at = (index: number, pts: bigint) => testPatternLayout({ width: 640, height: 480, index, pts });
    expect(barAt(at(0, 0n), 0)).toBe('grey');
    expect(barAt(at(0, 0n), 639)).toBe('black');
    expect(barAt(at(30, 1_000_000_000n), 0)).toBe('yellow');
    expect(barAt(at(30, 1_000_000_000n), 639)).toBe('grey');
    const box = (index: number) => at(index, 0n).find((r) => r.colour.name === 'white' && r.width === 80);
    expect(box(0)?.x).toBe(0);
    expect(box(5)?.x).toBe(10);
  });

  it('shows the frame counter and the clock', () => {
    const digits = (index: number, pts: bigint) =>
      testPatternLayout({ width: 640, height: 480, index, pts })
        .filter((r) => r.colour.name === 'white' && r.width === 8)
        .map((r) => `${r.x},${r.y}`);
    expect(digits(1, 0n)).not.toEqual(digits(2, 0n));
    expect(digits(1, 0n)).not.toEqual(digits(1, 5_000_000n));
  });

  it('gives each colour as BT.601 Y′CbCr and the RGB a decoder shows for it', () => {
    const rgb = Object.fromEntries(TEST_PATTERN_BARS.map((b) => [b.name, b.rgb]));
    expect(rgb).toEqual({
      grey: [191, 191, 191],
      yellow: [192, 191, 1],
      cyan: [0, 191, 190],
      green: [0, 191, 0],
      magenta: [191, 0, 192],
      red: [191, 0, 1],
      blue: [0, 1, 192],
      black: [0, 0, 0],
    });
  });

  it('rejects sizes below 2 and negative frames', () => {
    expect(() => testPatternLayout({ width: 1, height: 8, index: 0, pts: 0n })).toThrow(SourceError);
    expect(() => testPatternLayout({ width: 8, height: 8, index: -1, pts: 0n })).toThrow(/negative/);
    expect(() => testPatternLayout({ width: 8, height: 8, index: 0, pts: -1n })).toThrow(/negative/);
  });
});
