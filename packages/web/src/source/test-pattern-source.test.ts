import { drawTimeStamp, frameTime, readTimeStamp, renderTestPattern } from '@camstream/core/media';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestPatternSource } from './test-pattern-source.js';

/** A `VideoFrame` made from a buffer: keeps a copy of its bytes (as a browser does) to be read back. */
class CopiedFrame {
  readonly data: Uint8Array;
  readonly format: string;
  readonly timestamp: number;

  constructor(data: Uint8Array, init: { format: string; codedWidth: number; timestamp: number }) {
    this.data = new Uint8Array(data);
    this.format = init.format;
    this.timestamp = init.timestamp;
  }

  close(): void {}
}

/** The frames a test pattern source delivers over `ms`, with what its handler was given. */
async function framesOf(width: number, height: number, stamp: boolean, ms: number) {
  const source = new TestPatternSource({ width, height, frameRate: 30, stamp });
  const delivered: { frame: CopiedFrame; wallClockMs: number | undefined }[] = [];
  source.start(
    (frame, _capturedAt, wallClockMs) => {
      delivered.push({ frame: frame as unknown as CopiedFrame, wallClockMs });
    },
    (error) => {
      throw error;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  source.close();
  return delivered;
}

/** The luma plane as grey RGBA: all the time stamp reader needs of a picture. */
function greyRgba(i420: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++)
    rgba.fill(i420[i]!, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
  return rgba;
}

describe('TestPatternSource', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("delivers core's I420 pattern, one frame per slot, each its own copy", async () => {
    vi.stubGlobal('VideoFrame', CopiedFrame);
    const frames = await framesOf(64, 48, false, 120);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    const slots = frames.map(({ frame }) => Math.round((frame.timestamp * 30) / 1e6));
    expect(slots[0]).toBe(0);
    expect(slots.every((slot, i) => i === 0 || slot > slots[i - 1]!)).toBe(true);
    frames.forEach(({ frame, wallClockMs }, i) => {
      const slot = slots[i]!;
      expect(frame.format).toBe('I420');
      expect(wallClockMs).toBeUndefined();
      const expected = renderTestPattern({ width: 64, height: 48, fpsNum: 30 }, slot).data;
      expect(frame.data.findIndex((v, j) => v !== expected[j])).toBe(-1);
      expect(frame.timestamp).toBe(Number(frameTime(slot, 30) / 1000n));
    });
  });

  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ] as const) {
    it(`with stamp, draws the Date.now() it hands on as the frame's wall clock, ${width}x${height}`, async () => {
      vi.stubGlobal('VideoFrame', CopiedFrame);
      const before = Date.now();
      const [stamped] = await framesOf(width, height, true, 10);
      const after = Date.now();
      const ms = stamped!.wallClockMs!;
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
      // Exactly the pattern with core's stamp of that time drawn in, and the stamp reads back.
      const expected = renderTestPattern({ width, height, fpsNum: 30 }, 0);
      drawTimeStamp(expected, ms);
      expect(stamped!.frame.data.findIndex((v, j) => v !== expected.data[j])).toBe(-1);
      expect(readTimeStamp(greyRgba(stamped!.frame.data, width, height), width, height)).toMatchObject({
        ms,
      });
    });
  }
});
