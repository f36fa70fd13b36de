import { type RawFrame, type TestPatternColour, testPatternLayout, toMicros } from '@camstream/core/media';
import { WebError } from '../errors.js';

/** Options of {@link CanvasTestPattern}. */
export interface CanvasTestPatternOptions {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Draw on this canvas (e.g. one shown in the page); by default an `OffscreenCanvas`. */
  readonly canvas?: HTMLCanvasElement | OffscreenCanvas;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** `rgb(r, g, b)` of a pattern colour, made once per colour. */
const cssColours = new WeakMap<TestPatternColour, string>();
function css(colour: TestPatternColour): string {
  let value = cssColours.get(colour);
  if (value === undefined) {
    value = `rgb(${colour.rgb.join(', ')})`;
    cssColours.set(colour, value);
  }
  return value;
}

/**
 * The moving test pattern drawn on a 2D canvas: the same picture as core's I420 test pattern
 * (`renderTestPattern`), painted from core's one description of it (`testPatternLayout`): eight colour bars
 * scrolling left one bar per second, a white box bouncing across the middle, the frame counter and the clock.
 *
 * Frames are grabbed on the CPU (`getImageData` on a `willReadFrequently` context) and wrapped in
 * `VideoFrame`s from the pixel buffer: a `VideoFrame` made from a GPU canvas can stall a software encoder.
 */
export class CanvasTestPattern {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** The canvas drawn on. */
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  readonly #ctx: Context2D;

  constructor(options: CanvasTestPatternOptions) {
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
      throw new WebError(
        'invalid-argument',
        `test pattern size must be whole pixels ≥ 16, got ${width}x${height}`,
      );
    }
    this.width = width;
    this.height = height;
    const canvas = options.canvas ?? new OffscreenCanvas(width, height);
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false }) as Context2D | null;
    if (ctx === null) throw new WebError('unsupported', 'this browser cannot create a 2D canvas context');
    this.canvas = canvas;
    this.#ctx = ctx;
  }

  /** Draws frame `index` at stream time `pts` (ns). */
  draw(index: number, pts: bigint): void {
    const ctx = this.#ctx;
    for (const rect of testPatternLayout({ width: this.width, height: this.height, index, pts })) {
      ctx.fillStyle = css(rect.colour);
      ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
    }
  }

  /** The current canvas pixels, read on the CPU. */
  imageData(): ImageData {
    return this.#ctx.getImageData(0, 0, this.width, this.height);
  }

  /** Draws a frame and returns it as a `VideoFrame` (RGBA, timestamp in µs). The caller must `close()` it. */
  videoFrame(index: number, pts: bigint): VideoFrame {
    this.draw(index, pts);
    const image = this.imageData();
    return new VideoFrame(image.data, {
      format: 'RGBA',
      codedWidth: this.width,
      codedHeight: this.height,
      timestamp: toMicros(pts),
    });
  }

  /** Draws a frame and returns it as a core `RawFrame` (RGBA), e.g. for an encoder that is not WebCodecs. */
  rawFrame(index: number, pts: bigint): RawFrame {
    this.draw(index, pts);
    const { data } = this.imageData();
    return {
      format: 'RGBA',
      width: this.width,
      height: this.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      pts,
      index,
    };
  }
}
