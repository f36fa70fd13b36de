import { readTimeStamp } from '@camstream/core/media';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestPatternSource } from './test-pattern-source.js';

/**
 * The 2D context of {@link PixelCanvas}: opaque integer rectangles in `rgb(r, g, b)` or `#rrggbb` painted
 * into an RGBA buffer, which is all the test pattern and the time stamp draw.
 */
class PixelContext {
  fillStyle = '#000000';
  globalAlpha = 1;
  globalCompositeOperation = 'source-over';
  readonly data: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }

  save(): void {}
  restore(): void {}
  setTransform(): void {}

  fillRect(x: number, y: number, width: number, height: number): void {
    const style = this.fillStyle;
    const rgb = style.startsWith('#')
      ? [1, 3, 5].map((i) => Number.parseInt(style.slice(i, i + 2), 16))
      : (style.match(/\d+/g) ?? []).map(Number);
    expect(rgb, style).toHaveLength(3);
    for (let row = y; row < y + height; row++) {
      for (let col = x; col < x + width; col++) this.data.set([...rgb, 255], (row * this.width + col) * 4);
    }
  }

  getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } {
    expect([x, y, width, height]).toEqual([0, 0, this.width, this.height]);
    return { data: new Uint8ClampedArray(this.data) };
  }
}

/** An `OffscreenCanvas` with one 2D context, given back by every `getContext('2d')`, as a browser does. */
class PixelCanvas {
  #ctx: PixelContext | undefined;

  constructor(
    public width: number,
    public height: number,
  ) {}

  getContext(kind: string): PixelContext | null {
    if (kind !== '2d') return null;
    this.#ctx ??= new PixelContext(this.width, this.height);
    return this.#ctx;
  }
}

/** A `VideoFrame` made from an RGBA buffer, which keeps its pixels to be read back. */
class PixelFrame {
  readonly data: Uint8ClampedArray;
  readonly timestamp: number;

  constructor(data: Uint8ClampedArray, init: { format: string; codedWidth: number; timestamp: number }) {
    expect(init.format).toBe('RGBA');
    this.data = data;
    this.timestamp = init.timestamp;
  }

  close(): void {}
}

/** The first frame of a test pattern source, with what its handler was given. */
function firstFrame(width: number, height: number, stamp: boolean) {
  const source = new TestPatternSource({ width, height, frameRate: 30, stamp });
  let delivered: { frame: PixelFrame; capturedAt: number; wallClockMs: number | undefined } | undefined;
  source.start(
    (frame, capturedAt, wallClockMs) => {
      delivered = { frame: frame as unknown as PixelFrame, capturedAt, wallClockMs };
    },
    (error) => {
      throw error;
    },
  );
  source.close();
  if (delivered === undefined) throw new Error('the source delivered no frame');
  return delivered;
}

describe('TestPatternSource with stamp', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ] as const) {
    it(`draws the Date.now() it hands on as the frame's wall clock, over the same pattern, ${width}x${height}`, () => {
      vi.stubGlobal('OffscreenCanvas', PixelCanvas);
      vi.stubGlobal('VideoFrame', PixelFrame);
      const before = Date.now();
      const stamped = firstFrame(width, height, true);
      const after = Date.now();
      const plain = firstFrame(width, height, false);
      const ms = stamped.wallClockMs;
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
      expect(readTimeStamp(stamped.frame.data, width, height)).toMatchObject({ ms });
      // Without stamp: no band and no wall clock; below the band both frames are the same pattern.
      expect(plain.wallClockMs).toBeUndefined();
      expect(readTimeStamp(plain.frame.data, width, height)).toEqual({ error: 'not-found' });
      const band = Math.max(24, Math.round(height / 16) * 2);
      const below = (frame: PixelFrame) => frame.data.subarray(band * width * 4);
      expect(below(stamped.frame).findIndex((v, i) => v !== below(plain.frame)[i])).toBe(-1);
      expect(stamped.frame.timestamp).toBe(plain.frame.timestamp);
    });
  }
});
