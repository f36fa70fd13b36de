import { CamstreamError } from '@camstream/core/media';

/**
 * Machine-readable error codes of `@camstream/web`.
 *
 * - `unsupported`: the browser lacks an API or a configuration (WebCodecs, a codec, a size).
 * - `permission-denied`: the user or the page's policy refused access (camera).
 * - `encoder-failed`: the encoder reported an error while running.
 * - `encoder-closed`: a frame was given to an encoder after `close()`.
 * - `invalid-argument`: an option is out of range (odd size, zero frame rate, …).
 * - `camera-unavailable`: no camera, or it could not be started (in use, hardware error).
 * - `worker-failed`: an encoder worker could not be loaded or crashed.
 * - `invalid-state`: a `CaptureSession` method was called in a state that does not allow it (after `dispose()`).
 * - `sink-failed`: a sink of the session failed (a publish socket refused or gone for good); it was taken out.
 */
export type WebErrorCode =
  | 'unsupported'
  | 'permission-denied'
  | 'encoder-failed'
  | 'encoder-closed'
  | 'invalid-argument'
  | 'camera-unavailable'
  | 'worker-failed'
  | 'invalid-state'
  | 'sink-failed';

/** Base class of every error `@camstream/web` throws on purpose; `code` says what went wrong. */
export class WebError extends CamstreamError<WebErrorCode> {
  constructor(code: WebErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WebError';
  }
}
