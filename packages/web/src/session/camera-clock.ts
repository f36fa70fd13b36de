/**
 * Where a recording's timeline starts: the capture time (`performance.now()` ms) of the first frame any of its
 * cameras delivered. Decision 0011, "Several cameras in one recording".
 */
export class TimelineOrigin {
  #originMs: number | undefined;

  /** The origin; the first call sets it to `capturedAtMs`. */
  at(capturedAtMs: number): number {
    this.#originMs ??= capturedAtMs;
    return this.#originMs;
  }
}

/**
 * Places one camera's frames on its recording's timeline, in µs from the {@link TimelineOrigin}. The frames keep
 * their own spacing (their timestamps, whose origin is arbitrary); the camera's first frame (and the first after
 * {@link CameraClock.reanchor}) is placed at its capture time. Times only go forward: a frame is taken with
 * {@link CameraClock.accept} only when it comes after the last one taken.
 */
export class CameraClock {
  readonly #origin: TimelineOrigin;
  /** Timeline µs minus frame timestamp µs; `undefined` until the next frame anchors it. */
  #offsetUs: number | undefined;
  #lastUs = -1;

  constructor(origin: TimelineOrigin) {
    this.#origin = origin;
  }

  /** A new source (its timestamps have another origin): the next frame is placed by its capture time again. */
  reanchor(): void {
    this.#offsetUs = undefined;
  }

  /** The time of the last frame taken, µs (-1 before the first). */
  get lastUs(): number {
    return this.#lastUs;
  }

  /** Where a frame with timestamp `frameTimestampUs`, captured at `capturedAtMs`, goes on the timeline (µs). */
  timeOf(frameTimestampUs: number, capturedAtMs: number): number {
    if (this.#offsetUs === undefined) {
      const originMs = this.#origin.at(capturedAtMs);
      const placed = Math.max(0, Math.round((capturedAtMs - originMs) * 1000));
      // After a new source, never behind what this camera already logged on its entity.
      this.#offsetUs = Math.max(placed, this.#lastUs + 1) - frameTimestampUs;
    }
    return frameTimestampUs + this.#offsetUs;
  }

  /** Takes the frame at `timeUs` if it is after the last one taken; `false` means drop it. */
  accept(timeUs: number): boolean {
    if (timeUs <= this.#lastUs) return false;
    this.#lastUs = timeUs;
    return true;
  }
}

/**
 * When a frame was captured: `atMs` on the `performance.now()` clock (latency, the timeline), and `wallClockMs`
 * (`Date.now()`) when the source took the wall clock itself, as the stamped test pattern does for the time it
 * draws into the frame.
 */
export interface CaptureTime {
  readonly atMs: number;
  readonly wallClockMs?: number;
}

/**
 * A frame's `log_time`, ns since 1970: the wall clock its source took (so a stamped picture and `log_time` hold
 * the same millisecond), else its `performance.now()` capture time on the wall clock, else now.
 */
export function logTimeNs(captured: CaptureTime | undefined): bigint {
  if (captured?.wallClockMs !== undefined) return BigInt(captured.wallClockMs) * 1_000_000n;
  return wallClockNs(captured?.atMs ?? performance.now());
}

/** Wall clock in ns since 1970 of a `performance.now()` reading (`log_time`). */
export function wallClockNs(performanceMs: number, timeOrigin: number = performance.timeOrigin): bigint {
  return BigInt(Math.round((timeOrigin + performanceMs) * 1000)) * 1000n;
}
