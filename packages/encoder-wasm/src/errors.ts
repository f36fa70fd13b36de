import { CamstreamError } from '@camstream/core/media';

/** Machine-readable error codes of `@camstream/encoder-wasm`. */
export type EncoderErrorCode =
  | 'encoder-failed'
  | 'invalid-frame'
  | 'invalid-options'
  | 'unsupported-format'
  | 'worker-crashed'
  // Browser: @ffmpeg/core could not be loaded from coreURL/wasmURL (the message says what the URL answered).
  | 'core-unavailable'
  | 'encoder-closed'
  | 'aborted'
  // File inputs (decodeFile/encodeFile):
  | 'file-not-found'
  | 'file-unreadable'
  | 'corrupt-input'
  | 'no-video-stream'
  | 'invalid-raw-size';

/** What ffmpeg said when it failed: its exit code and the last lines of its log. */
export interface FfmpegFailure {
  readonly exitCode: number;
  readonly logTail: readonly string[];
}

/** Base class of every error `@camstream/encoder-wasm` throws on purpose; `code` says what went wrong. */
export class EncoderError extends CamstreamError<EncoderErrorCode> {
  /** ffmpeg's exit code, when ffmpeg ran and failed. */
  readonly exitCode: number | undefined;
  /** The last lines ffmpeg logged (empty when ffmpeg did not run). */
  readonly logTail: readonly string[];

  constructor(
    code: EncoderErrorCode,
    message: string,
    options?: { cause?: unknown; exitCode?: number; logTail?: readonly string[] },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EncoderError';
    this.exitCode = options?.exitCode;
    this.logTail = options?.logTail ?? [];
  }

  /** An `encoder-failed` error for an ffmpeg run that exited with `failure.exitCode`. */
  static ffmpeg(what: string, failure: FfmpegFailure): EncoderError {
    const tail = failure.logTail.length > 0 ? `:\n  ${failure.logTail.join('\n  ')}` : ' (no log)';
    return new EncoderError('encoder-failed', `${what}: ffmpeg exited with code ${failure.exitCode}${tail}`, {
      exitCode: failure.exitCode,
      logTail: failure.logTail,
    });
  }
}
