// The option model lives in core (shared with every camstream H.264 encoder); this package keeps its names and
// throws its own EncoderError codes.
import {
  checkH264Frame,
  type EncoderOptionsErrorCode,
  type H264EncoderOptions,
  isCamstreamError,
  type RawFrame,
  type ResolvedH264Options,
  resolveH264Options,
  x264EncodeArgs,
} from '@camstream/core/media';
import { EncoderError } from './errors.js';

export {
  type H264EncoderOptions,
  type H264Profile,
  X264_PRESETS,
  X264_TUNES,
  type X264Preset,
  type X264Tune,
} from '@camstream/core/media';

/** {@link H264EncoderOptions} with every default filled in (core's `ResolvedH264Options`). */
export type ResolvedOptions = ResolvedH264Options;

const OPTION_CODES = new Set<string>(['invalid-options', 'invalid-frame', 'unsupported-format']);

function asEncoderError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isCamstreamError(error) && OPTION_CODES.has(error.code))
      throw new EncoderError(error.code as EncoderOptionsErrorCode, error.message, { cause: error });
    throw error;
  }
}

/**
 * Why `codec: 'h265'` is refused: measured with `@ffmpeg/core` 0.12.10, whose libx265 sets up (it logs its
 * settings) and then waits forever for the worker threads this single-threaded build never starts; 3 frames of
 * 64x48 had not come out after three minutes, with or without x265's thread pool (`pools=none`).
 */
export const H265_UNSUPPORTED =
  "ffmpeg.wasm cannot encode H.265: @ffmpeg/core's libx265 hangs without threads; use codec 'h264', or @camstream/encoder-ffmpeg with a system ffmpeg that has libx265";

/**
 * Checks options and fills in defaults; throws `invalid-options` / `unsupported-format` (also for
 * `codec: 'h265'`, see {@link H265_UNSUPPORTED}).
 */
export function resolveOptions(o: H264EncoderOptions): ResolvedOptions {
  const resolved = asEncoderError(() => resolveH264Options(o));
  if (resolved.codec !== 'h264') throw new EncoderError('unsupported-format', H265_UNSUPPORTED);
  return resolved;
}

/** Throws `invalid-frame` / `unsupported-format` unless `frame` matches the encoder's input. */
export function checkFrame(frame: RawFrame, o: ResolvedOptions): void {
  asEncoderError(() => checkH264Frame(frame, o));
}

/**
 * The ffmpeg arguments that encode raw frames from `input` to an Annex B H.264 stream in `output`. Live and
 * offline runs use the same arguments (only the paths differ), so their output is byte-identical.
 */
export function encodeArgs(o: ResolvedOptions, input: string, output: string): string[] {
  return x264EncodeArgs(o, input, output);
}
