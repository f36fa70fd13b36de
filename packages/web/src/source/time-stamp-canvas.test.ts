import { drawTimeStamp, readTimeStamp, SourceError } from '@camstream/core/media';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { drawTimeStampOnCanvas, type TimeStampCanvasContext } from './time-stamp-canvas.js';

/**
 * A 2D context reduced to what the stamp uses, painting opaque `#rrggbb` rectangles into an RGBA buffer. It
 * honours a translation and the global alpha the way a canvas does, so a drawer that forgot to reset them
 * paints in the wrong place or half-transparent.
 */
class PixelContext implements TimeStampCanvasContext {
  readonly data: Uint8ClampedArray;
  fillStyle: string | CanvasGradient | CanvasPattern = '#000000';
  globalAlpha = 1;
  globalCompositeOperation: GlobalCompositeOperation = 'source-over';
  #dx = 0;
  #dy = 0;
  readonly #saved: { dx: number; dy: number; alpha: number; op: GlobalCompositeOperation; style: unknown }[] =
    [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
    // Mid-grey with a little texture, as a camera picture.
    for (let i = 0; i < this.data.length; i++) this.data[i] = i % 4 === 3 ? 255 : 100 + ((i * 7) % 50);
  }

  save(): void {
    const { globalAlpha: alpha, globalCompositeOperation: op, fillStyle: style } = this;
    this.#saved.push({ dx: this.#dx, dy: this.#dy, alpha, op, style });
  }

  restore(): void {
    const state = this.#saved.pop();
    if (state === undefined) return;
    this.#dx = state.dx;
    this.#dy = state.dy;
    this.globalAlpha = state.alpha;
    this.globalCompositeOperation = state.op;
    this.fillStyle = state.style as string;
  }

  setTransform(a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: number, f?: number): void {
    expect([a, b, c, d]).toEqual([1, 0, 0, 1]);
    this.#dx = e ?? 0;
    this.#dy = f ?? 0;
  }

  /** The current translation, [dx, dy]. */
  get translation(): [number, number] {
    return [this.#dx, this.#dy];
  }

  /** Moves later drawing by (`dx`, `dy`), as `ctx.translate` does. */
  translate(dx: number, dy: number): void {
    this.#dx += dx;
    this.#dy += dy;
  }

  fillRect(x: number, y: number, width: number, height: number): void {
    expect(this.globalCompositeOperation).toBe('source-over');
    const style = String(this.fillStyle);
    expect(style).toMatch(/^#[0-9a-f]{6}$/);
    const rgb = [1, 3, 5].map((i) => Number.parseInt(style.slice(i, i + 2), 16));
    const [x0, y0] = [x + this.#dx, y + this.#dy];
    for (let row = Math.max(0, y0); row < Math.min(this.height, y0 + height); row++) {
      for (let col = Math.max(0, x0); col < Math.min(this.width, x0 + width); col++) {
        const p = (row * this.width + col) * 4;
        for (let c = 0; c < 3; c++) {
          const v = this.data[p + c] as number;
          this.data[p + c] = v + ((rgb[c] as number) - v) * this.globalAlpha;
        }
      }
    }
  }
}

describe('drawTimeStampOnCanvas', () => {
  it('takes a browser 2D context or an OffscreenCanvas one', () => {
    expectTypeOf<CanvasRenderingContext2D>().toExtend<TimeStampCanvasContext>();
    expectTypeOf<OffscreenCanvasRenderingContext2D>().toExtend<TimeStampCanvasContext>();
  });

  for (const [width, height] of [
    [320, 240],
    [640, 480],
    [1280, 720],
  ] as const) {
    it(`paints the pixels core's drawTimeStamp writes into an RGBA frame, ${width}x${height}`, () => {
      const ms = 1_760_000_246_813;
      const ctx = new PixelContext(width, height);
      const frame = { format: 'RGBA' as const, width, height, data: new Uint8ClampedArray(ctx.data) };
      drawTimeStampOnCanvas(ctx, width, height, ms);
      drawTimeStamp(frame, ms);
      // The first differing byte, if any (a typed-array diff of a whole frame would take minutes to print).
      expect(ctx.data.findIndex((v, i) => v !== frame.data[i])).toBe(-1);
      expect(readTimeStamp(ctx.data, width, height)).toMatchObject({ ms });
    });
  }

  it('paints in canvas pixels, opaque, whatever the context state, and leaves that state as it was', () => {
    const ctx = new PixelContext(640, 480);
    ctx.translate(50, 100);
    ctx.globalAlpha = 0.3;
    ctx.fillStyle = '#123456';
    drawTimeStampOnCanvas(ctx, 640, 480, 42, { top: 200, height: 30 });
    expect(readTimeStamp(ctx.data, 640, 480)).toEqual({ ms: 42, rows: 30 });
    expect([ctx.translation, ctx.globalAlpha, ctx.fillStyle]).toEqual([[50, 100], 0.3, '#123456']);
  });

  it('refuses a time outside [0, 2^48) or a canvas narrower than the band has modules', () => {
    const ctx = new PixelContext(320, 240);
    expect(() => drawTimeStampOnCanvas(ctx, 320, 240, -1)).toThrow(SourceError);
    expect(() => drawTimeStampOnCanvas(ctx, 60, 240, 0)).toThrow(SourceError);
  });
});
