import { describe, expect, it } from 'vitest';
import { i420Layout, nv12ToI420, rgbToI420 } from './i420.js';

describe('i420Layout', () => {
  it('packs Y, U, V one after another (chroma rounded up for odd sizes)', () => {
    expect(i420Layout(4, 2)).toEqual([
      { offset: 0, stride: 4 },
      { offset: 8, stride: 2 },
      { offset: 10, stride: 2 },
    ]);
    expect(i420Layout(3, 3)[2]).toEqual({ offset: 13, stride: 2 });
  });
});

describe('nv12ToI420', () => {
  it('copies luma rows past the stride padding and splits the interleaved chroma', () => {
    // 4x2, Y stride 6 (2 bytes padding per row), UV stride 4.
    const data = Uint8Array.from([1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 0, 10, 20, 11, 21]);
    const dst = new Uint8Array(12);
    nv12ToI420({ data, yOffset: 0, yStride: 6, uvOffset: 12, uvStride: 4 }, 4, 2, dst);
    expect([...dst]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 20, 21]);
  });

  it('refuses a destination too small for the size', () => {
    const data = new Uint8Array(16);
    expect(() =>
      nv12ToI420({ data, yOffset: 0, yStride: 4, uvOffset: 8, uvStride: 4 }, 4, 2, new Uint8Array(11)),
    ).toThrow(/must hold 12 bytes, got 11/);
  });
});

describe('rgbToI420', () => {
  function solid(r: number, g: number, b: number, order: 'RGBA' | 'BGRA'): Uint8Array {
    const px = order === 'RGBA' ? [r, g, b, 255] : [b, g, r, 255];
    return Uint8Array.from({ length: 4 * 4 * 2 }, (_, i) => px[i % 4] ?? 0);
  }

  it('gives BT.601 limited-range values for white, black and the primaries', () => {
    const dst = new Uint8Array(12);
    const cases: [number, number, number, number, number, number][] = [
      [255, 255, 255, 235, 128, 128],
      [0, 0, 0, 16, 128, 128],
      [255, 0, 0, 82, 90, 240],
      [0, 255, 0, 144, 54, 34],
      [0, 0, 255, 41, 240, 110],
    ];
    for (const [r, g, b, y, u, v] of cases) {
      for (const order of ['RGBA', 'BGRA'] as const) {
        rgbToI420(solid(r, g, b, order), 4, 2, 16, order, dst);
        expect([dst[0], dst[8], dst[10]], `${order} ${r},${g},${b}`).toEqual([y, u, v]);
      }
    }
  });

  it('averages chroma over each 2x2 block', () => {
    // Left 2x2 block red, right block blue.
    const src = new Uint8Array(4 * 4 * 2);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 4; x++) src.set(x < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 4 + x) * 4);
    const dst = new Uint8Array(12);
    rgbToI420(src, 4, 2, 16, 'RGBA', dst);
    expect([...dst.subarray(8)]).toEqual([90, 240, 240, 110]);
  });

  it('refuses a source shorter than the stride says', () => {
    expect(() => rgbToI420(new Uint8Array(20), 4, 2, 16, 'RGBA', new Uint8Array(12))).toThrow(
      /needs 32 bytes, got 20/,
    );
  });
});
