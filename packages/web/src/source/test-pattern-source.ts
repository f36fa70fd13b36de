import {
  drawTimeStamp,
  frameByteLength,
  frameTime,
  renderTestPattern,
  toMicros,
} from '@camstream/core/media';
import type { ActiveSource } from '../session/session-state.js';
import type { FrameHandler, FrameSource } from './frame-source.js';

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
 *
 * Frames are rendered by core's I420 renderer (the picture `CanvasTestPattern` paints) straight into a buffer
 * and wrapped in I420 `VideoFrame`s: no canvas drawing, no `getImageData` read-back and no RGBA conversion in
 * the encoder, which keeps the main thread free for several cameras.
 */
export class TestPatternSource implements FrameSource {
  readonly info: Omit<ActiveSource, 'fallback'>;
  readonly #stamp: boolean;
  /** The frame being made, reused: a `VideoFrame` copies what it is made from. */
  readonly #i420: Uint8Array;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #startedAt = 0;
  #lastSlot = -1;
  /** Slots skipped since the last {@link TestPatternSource.takeMissed}. */
  #missed = 0;

  constructor(size: TestPatternSize) {
    this.#stamp = size.stamp === true;
    this.#i420 = new Uint8Array(frameByteLength('I420', size.width, size.height));
    this.info = {
      kind: 'test-pattern',
      label: 'test pattern',
      deviceId: undefined,
      width: size.width,
      height: size.height,
      frameRate: size.frameRate,
      reader: 'rendered',
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
          const wallClockMs = this.#stamp ? Date.now() : undefined;
          const frame = this.#frame(slot, pts, wallClockMs);
          onFrame(frame, performance.now(), wallClockMs);
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

  /** Frame `index` of the pattern at `pts`, with `wallClockMs` drawn into it when given. */
  #frame(index: number, pts: bigint, wallClockMs: number | undefined): VideoFrame {
    const { width, height, frameRate } = this.info;
    // The renderer takes a whole-number rate: 29.97 as 29970/1000, so its clock digits show this frame's time.
    const rate = { fpsNum: Math.round(frameRate * 1000), fpsDen: 1000 };
    const frame = renderTestPattern({ width, height, ...rate }, index, this.#i420);
    if (wallClockMs !== undefined) drawTimeStamp(frame, wallClockMs);
    return new VideoFrame(this.#i420, {
      format: 'I420',
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
