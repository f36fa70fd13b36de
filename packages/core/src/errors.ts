/**
 * Machine-readable error codes of `@camstream/core`. Stable: tests and callers switch on them.
 */
export type CoreErrorCode =
  | 'invalid-entity-path'
  | 'invalid-timeline'
  | 'timeline-kind-changed'
  | 'static-video-sample'
  | 'decreasing-time'
  | 'negative-time'
  | 'sink-closed'
  | 'sink-failed'
  | 'write-failed'
  | 'peer-refused'
  | 'peer-unreachable'
  | 'recording-closed'
  | 'unknown-codec'
  | 'invalid-argument'
  | 'rrd-not-rrd'
  | 'rrd-old-version'
  | 'rrd-unsupported'
  | 'rrd-truncated'
  | 'rrd-bad-message'
  | 'unsupported-compression'
  | 'bitstream-error'
  | 'bitstream-no-start-code'
  | 'bitstream-access-unit-too-large'
  | 'bitstream-b-frames'
  | 'bitstream-open-gop'
  | 'bitstream-invalid-parameter-set'
  | 'bitstream-invalid-slice-header'
  | 'bitstream-truncated'
  | 'bitstream-invalid-avcc'
  | 'bitstream-unknown-codec'
  | 'bitstream-ended';

/**
 * Base class of every error `@camstream/core` throws on purpose. `code` says what went wrong;
 * the message says what was wrong and what was expected.
 */
export class CamstreamError extends Error {
  /** Stable machine-readable code. */
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CamstreamError';
    this.code = code;
  }
}

/** Thrown by `RecordingStream` for misuse: bad entity paths, static samples, decreasing time, … */
export class RecordingError extends CamstreamError {
  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecordingError';
  }
}

/** Thrown or reported by the RRD decoder for input that is not a valid Rerun 0.33 stream. */
export class RrdDecodeError extends CamstreamError {
  /** Byte offset in the stream where the problem was found. */
  readonly offset: number;

  constructor(code: CoreErrorCode, message: string, offset: number, options?: { cause?: unknown }) {
    super(code, `${message} (at byte ${offset})`, options);
    this.name = 'RrdDecodeError';
    this.offset = offset;
  }
}
