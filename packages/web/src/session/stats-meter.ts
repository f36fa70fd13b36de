import type { CaptureStats } from './session-state.js';

/** The value at quantile `q` (0–1) of ascending `sorted`, nearest rank; `undefined` when empty. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Counts a recording's frames and samples and turns them into rates over a sliding window. Times are
 * `performance.now()` ms, passed in so the arithmetic is testable.
 */
export class StatsMeter {
  readonly #windowMs: number;
  readonly #captures: number[] = [];
  readonly #samples: { at: number; bytes: number; latencyMs: number | undefined }[] = [];
  readonly #startedAt: number;
  #framesCaptured = 0;
  #framesEncoded = 0;
  #dropped = 0;
  #bytes = 0;

  constructor(startedAt: number, windowMs = 2000) {
    this.#startedAt = startedAt;
    this.#windowMs = windowMs;
  }

  /** A frame arrived from the source at `at`. */
  captured(at: number): void {
    this.#framesCaptured++;
    this.#captures.push(at);
  }

  /** `count` frames were dropped (encoder behind, or source slots missed). */
  dropped(count = 1): void {
    this.#dropped += count;
  }

  /** A sample of `bytes` was logged at `at`, `latencyMs` after its frame was captured. */
  encoded(at: number, bytes: number, latencyMs: number | undefined): void {
    this.#framesEncoded++;
    this.#bytes += bytes;
    this.#samples.push({ at, bytes, latencyMs });
  }

  /** Samples per second, bit/s and the frames dropped so far, at time `now`: cheap enough for every frame. */
  rates(now: number): { encodeFps: number; bitrate: number; droppedFrames: number } {
    const seconds = this.#prune(now);
    const windowBytes = this.#samples.reduce((sum, s) => sum + s.bytes, 0);
    return {
      encodeFps: this.#samples.length / seconds,
      bitrate: (windowBytes * 8) / seconds,
      droppedFrames: this.#dropped,
    };
  }

  /** The numbers at time `now`, for the camera on `entityPath` logging into `recordingId`. */
  read(now: number, recordingId: string, entityPath: string): CaptureStats {
    const seconds = this.#prune(now);
    const latencies = this.#samples
      .map((s) => s.latencyMs)
      .filter((l): l is number => l !== undefined)
      .sort((a, b) => a - b);
    const windowBytes = this.#samples.reduce((sum, s) => sum + s.bytes, 0);
    return {
      recordingId,
      entityPath,
      captureFps: this.#captures.length / seconds,
      encodeFps: this.#samples.length / seconds,
      encodeLatencyMs: quantile(latencies, 0.5),
      encodeLatencyP95Ms: quantile(latencies, 0.95),
      encodeLatencyP99Ms: quantile(latencies, 0.99),
      bitrate: (windowBytes * 8) / seconds,
      framesCaptured: this.#framesCaptured,
      framesEncoded: this.#framesEncoded,
      droppedFrames: this.#dropped,
      bytes: this.#bytes,
      windowMs: this.#windowMs,
    };
  }

  /** Forgets what fell out of the window at `now`; returns the window's length in seconds. */
  #prune(now: number): number {
    const from = now - this.#windowMs;
    while (this.#captures.length > 0 && (this.#captures[0] ?? 0) < from) this.#captures.shift();
    while (this.#samples.length > 0 && (this.#samples[0]?.at ?? 0) < from) this.#samples.shift();
    // Early on the window is only as long as the recording.
    return Math.max(1e-3, Math.min(this.#windowMs, now - this.#startedAt) / 1000);
  }
}
