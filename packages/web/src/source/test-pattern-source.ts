import { frameTime } from '@camstream/core/media';
import type { ActiveSource } from '../session/session-state.js';
import { CanvasTestPattern } from './canvas-test-pattern.js';
import type { FrameHandler, FrameSource } from './frame-source.js';

/**
 * The moving test pattern as a paced frame source: one frame per frame-time slot; slots missed while the
 * main thread was busy are skipped (the stats count them as dropped).
 */
export class TestPatternSource implements FrameSource {
  readonly info: Omit<ActiveSource, 'fallback'>;
  readonly #pattern: CanvasTestPattern;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #startedAt = 0;
  #lastSlot = -1;
  /** Slots skipped since the last {@link TestPatternSource.takeMissed}. */
  #missed = 0;

  constructor(size: { width: number; height: number; frameRate: number }) {
    this.#pattern = new CanvasTestPattern({ width: size.width, height: size.height });
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
          const frame = this.#pattern.videoFrame(slot, pts);
          onFrame(frame, performance.now());
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

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
