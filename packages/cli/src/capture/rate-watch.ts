/** Running counts a {@link RateWatch} compares. */
export interface RateCounts {
  /** Frames encoded. */
  readonly frames: number;
  /** Frames the live encoder dropped to keep up. */
  readonly dropped: number;
  /** Frames the paced test pattern made later than their time. */
  readonly late: number;
}

/** One second (or more) of a live capture that fell short of its frame rate. */
export interface RateShortfall {
  /** The frame rate asked for. */
  readonly requestedFps: number;
  /** Frames encoded per second over the window. */
  readonly fps: number;
  /** Frames dropped and made late within the window. */
  readonly dropped: number;
  readonly late: number;
}

/** A window shorter than this is not judged (timer and scheduling noise). */
const WINDOW_MS = 1000;
/** The encoder's first second (threads and lookahead warming up) is not judged either. */
const WARM_UP_MS = 1000;
/** Falling short by more than this share of the frames due is not noise. */
const SHORTFALL = 0.1;

/**
 * Watches whether a live capture keeps its frame rate: over each second of wall time after the first (the
 * encoder warming up), the frames encoded against the frames due at the requested rate. It reports once, the first time a second falls short by more
 * than 10% while frames were dropped by the encoder or made late by the pattern: a hiccup the pacer catches
 * up on loses nothing, and a source slower than its nominal rate (a camera in low light) drops nothing.
 */
export class RateWatch {
  readonly #fps: number;
  readonly #report: (shortfall: RateShortfall) => void;
  #first: number | undefined;
  #start: { at: number; counts: RateCounts } | undefined;
  #reported = false;

  constructor(fps: number, report: (shortfall: RateShortfall) => void) {
    this.#fps = fps;
    this.#report = report;
  }

  /** Call with the running counts after each encoded frame (and once at the end); `now` in ms. */
  update(now: number, counts: RateCounts): void {
    if (this.#reported) return;
    this.#first ??= now;
    if (now - this.#first < WARM_UP_MS) return;
    if (this.#start === undefined) {
      this.#start = { at: now, counts };
      return;
    }
    const elapsed = now - this.#start.at;
    if (elapsed < WINDOW_MS) return;
    const from = this.#start.counts;
    const frames = counts.frames - from.frames;
    const dropped = counts.dropped - from.dropped;
    const late = counts.late - from.late;
    const due = (this.#fps * elapsed) / 1000;
    this.#start = { at: now, counts };
    if (frames < (1 - SHORTFALL) * due && dropped + late > 0) {
      this.#reported = true;
      this.#report({ requestedFps: this.#fps, fps: (frames * 1000) / elapsed, dropped, late });
    }
  }
}
