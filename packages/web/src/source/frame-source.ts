import type { ActiveSource } from '../session/session-state.js';

/**
 * Receives each frame a source delivers; it owns the frame and must close it. `capturedAt` is
 * `performance.now()`; `wallClockMs` is the `Date.now()` a source drew into the frame (the stamped test
 * pattern), which then is the frame's `log_time`.
 */
export type FrameHandler = (frame: VideoFrame, capturedAt: number, wallClockMs?: number) => void;

/**
 * A running source of `VideoFrame`s (camera or test pattern). Frame timestamps are µs with an arbitrary
 * origin; the session re-times them from 0 per recording.
 */
export interface FrameSource {
  /** What it is (without the fallback note, which the session adds). */
  readonly info: Omit<ActiveSource, 'fallback'>;
  /** Starts delivering frames; `onError` is called once if the source fails. */
  start(onFrame: FrameHandler, onError: (error: unknown) => void): void;
  /** Stops delivering, stops the camera's tracks and frees what the source holds. Idempotent. */
  close(): void;
}
