import type { WebError } from '../errors.js';
import type { CaptureStats, FallbackInfo, RecordingInfo, SessionState } from './session-state.js';

/** A {@link CaptureSession} event with a typed `detail`. */
export class CaptureSessionEvent<T> extends Event {
  /** What the event carries. */
  readonly detail: T;

  constructor(type: keyof CaptureSessionEventMap, detail: T) {
    super(type);
    this.detail = detail;
  }
}

/** The events a {@link CaptureSession} dispatches, by type. */
export interface CaptureSessionEventMap {
  /** Every `statsIntervalMs` while running. */
  stats: CaptureSessionEvent<CaptureStats>;
  /** The session's state changed. */
  state: CaptureSessionEvent<SessionState>;
  /** Capturing, encoding or logging failed while running (or every sink failed); the session has stopped. */
  error: CaptureSessionEvent<WebError>;
  /**
   * One sink failed (`sink-failed`: e.g. the server refused a publish socket) and was taken out; the session
   * goes on with the others. When the last sink fails the session stops with an `error` event instead.
   */
  'sink-failed': CaptureSessionEvent<WebError>;
  /** The camera could not be used and the test pattern runs instead; says why. */
  fallback: CaptureSessionEvent<FallbackInfo>;
  /** A new recording began (start, or a switch of source or encoder). */
  recording: CaptureSessionEvent<RecordingInfo>;
}
