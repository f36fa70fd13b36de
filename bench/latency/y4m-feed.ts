import type { Writable } from 'node:stream';
import { y4mHeaderBytes } from '@camstream/core/media';
import { StampedFrames } from './stamped-frames.js';

const FRAME_LINE = Buffer.from('FRAME\n');

/** Counters of a {@link StampedY4mFeed}. */
export interface Y4mFeedStats {
  readonly frames: number;
  /** Frames written more than one frame interval after their slot (the feeding loop fell behind). */
  readonly late: number;
  /** Most bytes Node held for the pipe at once (the reader did not keep up). */
  readonly maxQueuedBytes: number;
}

/**
 * A camera that pipes Y4M: writes the stamped test pattern to `out` at `fps`, paced on the clock from the
 * first frame (a late frame does not shift the ones after it), each stamped with `Date.now()` right before its
 * write.
 */
export class StampedY4mFeed {
  readonly #out: Writable;
  readonly #frames: StampedFrames;
  readonly #fps: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #count = 0;
  /** The stamp of each frame written, wall-clock ms. */
  readonly stampsMs: number[] = [];
  #late = 0;
  #maxQueued = 0;
  #running = false;

  constructor(out: Writable, width: number, height: number, fps: number) {
    this.#out = out;
    this.#fps = fps;
    this.#frames = new StampedFrames(width, height, fps);
    out.write(y4mHeaderBytes(width, height, fps));
  }

  /** Starts writing frames; returns the wall-clock time of the first. */
  start(): number {
    this.#running = true;
    const t0 = performance.now();
    const startedAt = Date.now();
    const next = (): void => {
      if (!this.#running) return;
      const slot = t0 + (this.#count * 1000) / this.#fps;
      if (performance.now() - slot > 1000 / this.#fps) this.#late++;
      const stamp = Date.now();
      this.stampsMs.push(stamp);
      const frame = this.#frames.frame(this.#count, stamp);
      this.#out.write(Buffer.concat([FRAME_LINE, frame]));
      this.#maxQueued = Math.max(this.#maxQueued, this.#out.writableLength);
      this.#count++;
      this.#timer = setTimeout(next, Math.max(0, t0 + (this.#count * 1000) / this.#fps - performance.now()));
    };
    next();
    return startedAt;
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  get stats(): Y4mFeedStats {
    return { frames: this.#count, late: this.#late, maxQueuedBytes: this.#maxQueued };
  }
}
