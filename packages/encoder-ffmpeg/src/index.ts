/**
 * `@camstream/encoder-ffmpeg`: a live H.264 encoder behind core's `Encoder` interface that drives the system's
 * ffmpeg (libx264) as a child process ({@link FfmpegEncoder}). MIT: ffmpeg is run, not linked.
 * @packageDocumentation
 */

export { FfmpegEncoderError, type FfmpegEncoderErrorCode } from './errors.js';
export {
  FFMPEG_DEPTH,
  FfmpegEncoder,
  type FfmpegEncoderOptions,
  type FfmpegEncoderStats,
  type FullQueuePolicy,
} from './ffmpeg-encoder.js';
