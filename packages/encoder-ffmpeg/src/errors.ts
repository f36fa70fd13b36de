import { CamstreamError, errorMessage, isCamstreamError } from '@camstream/core/media';
import { describeEncoder } from './encoders/encoder-family.js';

/** Machine-readable error codes of `@camstream/encoder-ffmpeg`. */
export type FfmpegEncoderErrorCode =
  /** The ffmpeg executable could not be started (not on PATH, `ffmpegPath` wrong, not executable). */
  | 'ffmpeg-not-found'
  /** ffmpeg exited with an error or was killed; `exitCode` and `logTail` say how. */
  | 'encoder-failed'
  | 'invalid-options'
  | 'invalid-frame'
  | 'unsupported-format'
  /** `encode()` after `close()` or `abort()`. */
  | 'encoder-closed'
  | 'aborted';

/** Base class of every error `@camstream/encoder-ffmpeg` throws on purpose; `code` says what went wrong. */
export class FfmpegEncoderError extends CamstreamError<FfmpegEncoderErrorCode> {
  /** ffmpeg's exit code when it ran and failed (128 + signal number when a signal ended it). */
  readonly exitCode: number | undefined;
  /** The last lines ffmpeg wrote to stderr (empty when it did not run or said nothing). */
  readonly logTail: readonly string[];

  constructor(
    code: FfmpegEncoderErrorCode,
    message: string,
    options?: { cause?: unknown; exitCode?: number; logTail?: readonly string[] },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FfmpegEncoderError';
    this.exitCode = options?.exitCode;
    this.logTail = options?.logTail ?? [];
  }
}

const OPTION_CODES = new Set<string>(['invalid-options', 'invalid-frame', 'unsupported-format']);

/** Runs core's option checks, rethrowing their errors as {@link FfmpegEncoderError}s with the same code. */
export function checkedOptions<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isCamstreamError(error) && OPTION_CODES.has(error.code))
      throw new FfmpegEncoderError(error.code as FfmpegEncoderErrorCode, error.message, { cause: error });
    throw error;
  }
}

/**
 * ffmpeg's output that core's splitter refused. B-frames and open GOPs can only come from `encoderArgs`
 * (camstream's own arguments turn both off), so the message says that rather than the splitter's options.
 */
export function unparsedOutput(error: unknown): FfmpegEncoderError {
  const what = isCamstreamError(error, 'bitstream-b-frames')
    ? 'B-frames, which Rerun’s VideoStream cannot play (remove what turns them on from the encoder arguments, or add -bf 0)'
    : isCamstreamError(error, 'bitstream-open-gop')
      ? 'an open GOP, which Rerun’s VideoStream cannot start at (remove what turns it on from the encoder arguments)'
      : undefined;
  const message =
    what === undefined ? `ffmpeg's output did not parse: ${errorMessage(error)}` : `ffmpeg wrote ${what}`;
  return new FfmpegEncoderError('encoder-failed', message, { cause: error });
}

/** Throws `invalid-options` unless `value` is undefined or an integer ≥ `min`. */
export function checkIntegerOption(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min))
    throw new FfmpegEncoderError('invalid-options', `${name} must be an integer ≥ ${min}, got ${value}`);
}

/**
 * Throws `invalid-options` for what would only fail once ffmpeg runs: an empty `ffmpegPath`, an encoder name
 * that is empty or has spaces, `encoderArgs` that are not an array of strings, a `threads` count beyond x264's
 * 128.
 */
export function checkProcessOptions(options: {
  readonly ffmpegPath?: string;
  readonly encoder?: string;
  readonly encoderArgs?: readonly string[];
  readonly threads?: number;
}): void {
  const { ffmpegPath, encoder, encoderArgs } = options;
  if (ffmpegPath !== undefined && (typeof ffmpegPath !== 'string' || ffmpegPath.trim() === ''))
    throw new FfmpegEncoderError(
      'invalid-options',
      'ffmpegPath must name an executable (a path, or a name on PATH)',
    );
  if (encoder !== undefined && (typeof encoder !== 'string' || !/^\S+$/.test(encoder)))
    throw new FfmpegEncoderError(
      'invalid-options',
      `encoder must be an ffmpeg encoder name, got ${JSON.stringify(encoder)}`,
    );
  if (
    encoderArgs !== undefined &&
    (!Array.isArray(encoderArgs) || encoderArgs.some((a) => typeof a !== 'string'))
  )
    throw new FfmpegEncoderError(
      'invalid-options',
      'encoderArgs must be an array of strings, one argument each',
    );
  checkIntegerOption('threads', options.threads, 1);
  if (options.threads !== undefined && options.threads > 128)
    throw new FfmpegEncoderError(
      'invalid-options',
      `threads must be at most 128 (x264's most), got ${options.threads}`,
    );
}

/** Throws `invalid-options` when the encoder named (if any) makes another codec than `codec`. */
export function checkEncoderCodec(encoder: string | undefined, codec: 'h264' | 'h265'): void {
  const named = encoder === undefined ? undefined : describeEncoder(encoder);
  if (named !== undefined && named.codec !== codec)
    throw new FfmpegEncoderError(
      'invalid-options',
      `encoder ${named.name} makes ${named.codec === 'h265' ? 'H.265' : 'H.264'}; set codec: '${named.codec}' or pick a ${codec === 'h265' ? 'H.265' : 'H.264'} encoder`,
    );
}
