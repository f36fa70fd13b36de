import { type RawFrame, toMicros } from '@camstream/core/media';
import { WebError } from '../errors.js';

/** The saturated bar colours of ffmpeg's `testsrc2`, left to right. */
export const TEST_PATTERN_COLOURS = [
  '#ffff00',
  '#00ffff',
  '#00ff00',
  '#ff00ff',
  '#ff0000',
  '#0000ff',
] as const;

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

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `mm:ss.mmm` of a time in ns. */
function formatElapsed(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return `${pad(Math.floor(ms / 60_000), 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}`;
}

/** `hh:mm:ss.mmm` local wall-clock time. */
function formatWallClock(date: Date): string {
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * A moving test pattern drawn on a 2D canvas, in the spirit of ffmpeg's `testsrc2`: six saturated colour
 * bars, a grey ramp, a disc that moves with time, the frame number, the stream time and the wall clock.
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
  readonly #font: string;
  readonly #smallFont: string;

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
    this.#font = `bold ${Math.round(height * 0.075)}px "Liberation Mono", Menlo, Consolas, monospace`;
    this.#smallFont = `${Math.round(height * 0.045)}px "Liberation Mono", Menlo, Consolas, monospace`;
  }

  /** Draws frame `index` at stream time `pts` (ns); `now` is the wall clock shown (default: now). */
  draw(index: number, pts: bigint, now: Date = new Date()): void {
    const { width: w, height: h } = this;
    const ctx = this.#ctx;
    const barsHeight = Math.round(h * 0.6);
    const rampTop = barsHeight;
    const rampHeight = Math.round(h * 0.08);
    const infoTop = rampTop + rampHeight;

    // Colour bars.
    const barWidth = w / TEST_PATTERN_COLOURS.length;
    TEST_PATTERN_COLOURS.forEach((colour, i) => {
      ctx.fillStyle = colour;
      ctx.fillRect(Math.round(i * barWidth), 0, Math.ceil(barWidth), barsHeight);
    });

    // Grey ramp.
    const ramp = ctx.createLinearGradient(0, 0, w, 0);
    ramp.addColorStop(0, '#000000');
    ramp.addColorStop(1, '#ffffff');
    ctx.fillStyle = ramp;
    ctx.fillRect(0, rampTop, w, rampHeight);

    // A disc moving along the bars with time: one sweep there and back every four seconds.
    const seconds = Number(pts) / 1e9;
    const phase = (seconds % 4) / 4;
    const travel = phase < 0.5 ? phase * 2 : 2 - phase * 2;
    const radius = Math.round(h * 0.08);
    const x = radius + travel * (w - 2 * radius);
    const y = barsHeight / 2 + Math.sin(seconds * Math.PI) * (barsHeight / 2 - radius * 1.2);
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, Math.PI * 2);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = Math.max(2, Math.round(radius * 0.15));
    ctx.strokeStyle = '#000000';
    ctx.stroke();

    // Frame number, stream time and wall clock.
    ctx.fillStyle = '#000000';
    ctx.fillRect(0, infoTop, w, h - infoTop);
    const infoHeight = h - infoTop;
    const margin = Math.round(w * 0.03);
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#ffffff';
    ctx.font = this.#font;
    ctx.textAlign = 'left';
    ctx.fillText(`frame ${pad(index, 6)}`, margin, infoTop + infoHeight * 0.35);
    ctx.textAlign = 'right';
    ctx.fillText(formatElapsed(pts), w - margin, infoTop + infoHeight * 0.35);
    ctx.font = this.#smallFont;
    ctx.fillStyle = '#bbbbbb';
    ctx.textAlign = 'left';
    ctx.fillText(`camstream test pattern ${w}x${h}`, margin, infoTop + infoHeight * 0.75);
    ctx.textAlign = 'right';
    ctx.fillText(formatWallClock(now), w - margin, infoTop + infoHeight * 0.75);
  }

  /** The current canvas pixels, read on the CPU. */
  imageData(): ImageData {
    return this.#ctx.getImageData(0, 0, this.width, this.height);
  }

  /** Draws a frame and returns it as a `VideoFrame` (RGBA, timestamp in µs). The caller must `close()` it. */
  videoFrame(index: number, pts: bigint, now?: Date): VideoFrame {
    this.draw(index, pts, now);
    const image = this.imageData();
    return new VideoFrame(image.data, {
      format: 'RGBA',
      codedWidth: this.width,
      codedHeight: this.height,
      timestamp: toMicros(pts),
    });
  }

  /** Draws a frame and returns it as a core `RawFrame` (RGBA), e.g. for an encoder that is not WebCodecs. */
  rawFrame(index: number, pts: bigint, now?: Date): RawFrame {
    this.draw(index, pts, now);
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
