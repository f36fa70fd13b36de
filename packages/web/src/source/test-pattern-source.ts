import { frameTime, toMicros } from '@camstream/core/media';
import { WebError } from '../errors.js';
import type { ActiveSource } from '../session/session-state.js';
import { CanvasTestPattern } from './canvas-test-pattern.js';
import type { FrameHandler, FrameSource } from './frame-source.js';
import { drawTimeStampOnCanvas, type TimeStampCanvasContext } from './time-stamp-canvas.js';

/** The 2D context `pattern` draws with: a canvas has one, and getContext() gives it back. */
function contextOf(pattern: CanvasTestPattern): TimeStampCanvasContext {
  const ctx = pattern.canvas.getContext('2d') as TimeStampCanvasContext | null;
  if (ctx === null) throw new WebError('unsupported', 'this browser cannot create a 2D canvas context');
  return ctx;
}

/** What {@link TestPatternSource} is asked for. */
export interface TestPatternSize {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  /** Draw each frame's capture time (`Date.now()`) into it, handed on as the frame's wall clock. */
  readonly stamp?: boolean;
}

/**
 * The moving test pattern as a paced frame source: one frame per frame-time slot; slots missed while the
 * main thread was busy are skipped (the stats count them as dropped). With `stamp`, each frame carries its
 * capture time as core's time stamp band, and that same `Date.now()` goes to the frame handler as its wall
 * clock.
 */
export class TestPatternSource implements FrameSource {
  readonly info: Omit<ActiveSource, 'fallback'>;
  readonly #pattern: CanvasTestPattern;
  /** The pattern canvas's 2D context, for the stamp; `undefined` without `stamp`. */
  readonly #stampContext: TimeStampCanvasContext | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #startedAt = 0;
  #lastSlot = -1;
  /** Slots skipped since the last {@link TestPatternSource.takeMissed}. */
  #missed = 0;

  constructor(size: TestPatternSize) {
    this.#pattern = new CanvasTestPattern({ width: size.width, height: size.height });
    this.#stampContext = size.stamp === true ? contextOf(this.#pattern) : undefined;
    this.info = {
      kind: 'test-pattern',
      label: 'test pattern',
      deviceId: undefined,
      width: size.width,
      height: size.height,
      frameRate: size.frameRate,
      reader: 'canvas',
    };
  }

  /** Frame slots skipped (main thread too busy) since the last call. */
  takeMissed(): number {
    const missed = this.#missed;
    this.#missed = 0;
    return missed;
  }

  start(onFrame: FrameHandler, onError: (error: unknown) => void): void {
    this.#startedAt = performance.now();
    const tick = (): void => {
      if (this.#closed) return;
      const frameMs = 1000 / this.info.frameRate;
      const slot = Math.floor((performance.now() - this.#startedAt) / frameMs);
      if (slot > this.#lastSlot) {
        if (this.#lastSlot >= 0) this.#missed += slot - this.#lastSlot - 1;
        this.#lastSlot = slot;
        const pts = frameTime(slot, this.info.frameRate);
        try {
          if (this.#stampContext === undefined) {
            const frame = this.#pattern.videoFrame(slot, pts);
            onFrame(frame, performance.now());
          } else {
            const wallClockMs = Date.now();
            const frame = this.#stampedFrame(this.#stampContext, slot, pts, wallClockMs);
            onFrame(frame, performance.now(), wallClockMs);
          }
        } catch (error) {
          onError(error);
          return;
        }
      }
      const next = this.#startedAt + (this.#lastSlot + 1) * frameMs;
      this.#timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }

  /** Frame `index` with `wallClockMs` drawn over the pattern, as `CanvasTestPattern.videoFrame` makes it. */
  #stampedFrame(ctx: TimeStampCanvasContext, index: number, pts: bigint, wallClockMs: number): VideoFrame {
    const { width, height } = this.info;
    this.#pattern.draw(index, pts);
    drawTimeStampOnCanvas(ctx, width, height, wallClockMs);
    return new VideoFrame(this.#pattern.imageData().data, {
      format: 'RGBA',
      codedWidth: width,
      codedHeight: height,
      timestamp: toMicros(pts),
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
