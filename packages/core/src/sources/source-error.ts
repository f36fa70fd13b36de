import { CamstreamError } from '../errors.js';

/** Why a media source refused its input; finer-grained than the core's `invalid-argument` code. */
export type SourceErrorReason =
  | 'y4m-bad-header'
  | 'y4m-unsupported'
  | 'y4m-bad-frame-header'
  | 'y4m-truncated'
  | 'invalid-options';

/**
 * Thrown by the media sources (Y4M reader, test pattern). `code` is the core's `invalid-argument` (the core's
 * code list is shared by every package); `reason` says exactly what was wrong.
 */
export class SourceError extends CamstreamError {
  /** What was wrong with the input. */
  readonly reason: SourceErrorReason;

  constructor(reason: SourceErrorReason, message: string, options?: { cause?: unknown }) {
    super('invalid-argument', message, options);
    this.name = 'SourceError';
    this.reason = reason;
  }
}
