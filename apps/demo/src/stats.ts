/** What the stats line shows. */
export interface StreamStats {
  /** Samples encoded and logged this session. */
  readonly frames: number;
  /** Samples per second over the last second. */
  readonly fps: number;
  /** Encoded kilobits per second over the last second. */
  readonly kbps: number;
  /** Encode latency (frame in → sample out), smoothed, ms; `undefined` before the first sample. */
  readonly latencyMs: number | undefined;
  /** Source frames skipped because the encoder or the page fell behind. */
  readonly dropped: number;
}

const WINDOW_MS = 1000;

/** Counts encoded samples and bytes over a sliding one-second window. */
export class RateMeter {
  readonly #events: { at: number; bytes: number }[] = [];
  readonly #startedAt: number;
  #frames = 0;
  #latencyMs: number | undefined;
  #dropped = 0;

  constructor(now: number = performance.now()) {
    this.#startedAt = now;
  }

  /** Records one encoded sample of `bytes` that took `latencyMs` to encode. */
  sample(bytes: number, latencyMs: number | undefined, now: number = performance.now()): void {
    this.#frames++;
    this.#events.push({ at: now, bytes });
    if (latencyMs !== undefined) {
      this.#latencyMs = this.#latencyMs === undefined ? latencyMs : this.#latencyMs * 0.9 + latencyMs * 0.1;
    }
  }

  /** Records `n` dropped source frames. */
  drop(n = 1): void {
    this.#dropped += n;
  }

  /** The current numbers. */
  read(now: number = performance.now()): StreamStats {
    while (this.#events.length > 0 && this.#events[0]!.at < now - WINDOW_MS) this.#events.shift();
    const span = Math.min(WINDOW_MS, Math.max(now - this.#startedAt, 1)) / 1000;
    const bytes = this.#events.reduce((sum, e) => sum + e.bytes, 0);
    return {
      frames: this.#frames,
      fps: this.#events.length / span,
      kbps: (bytes * 8) / 1000 / span,
      latencyMs: this.#latencyMs,
      dropped: this.#dropped,
    };
  }
}
