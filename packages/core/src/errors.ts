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
  | 'bitstream-ended'
  // Encoder options and frames (encoding/encoder-options.ts); each encoder package rethrows them as its own.
  | 'invalid-options'
  | 'invalid-frame'
  | 'unsupported-format';

// One brand for every copy of core a program loads (two installed versions, a bundle and a worker), so
// `isCamstreamError` holds where `instanceof` would not.
const BRAND = Symbol.for('@camstream/error');

/**
 * Base class of every error a camstream package throws on purpose. `code` says what went wrong (each package
 * has its own code union: {@link CoreErrorCode}, `ServerErrorCode`, `WebErrorCode`, `CliErrorCode`,
 * `EncoderErrorCode`); the message says what was wrong and what was expected.
 *
 * @typeParam Code - the package's code union.
 */
export class CamstreamError<Code extends string = CoreErrorCode> extends Error {
  /** Stable machine-readable code. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CamstreamError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `error` was thrown on purpose by any camstream package (its message is meant for users), optionally
 * with the given code.
 */
export function isCamstreamError(error: unknown, code?: string): error is CamstreamError<string> {
  return (
    error instanceof Error &&
    (error as unknown as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (error as CamstreamError<string>).code === code)
  );
}

/** The message of a thrown value, whatever was thrown (an `Error`, a string, `undefined`, …). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
