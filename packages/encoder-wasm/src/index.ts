/**
 * `@camstream/encoder-wasm`: H.264 encoding with ffmpeg.wasm (x264) in Node worker threads, behind core's
 * `Encoder` interface. Live mode ({@link LiveEncoder}) and batch mode ({@link encodeBatch}).
 * @packageDocumentation
 */

export { type BatchEncodeOptions, type BatchProgress, encodeBatch } from './batch/encode-batch.js';
export { EncoderPool, type EncoderPoolOptions } from './batch/encoder-pool.js';
export { EncoderError, type EncoderErrorCode, type FfmpegFailure, isCamstreamError } from './errors.js';
export {
  type FullQueuePolicy,
  LiveEncoder,
  type LiveEncoderOptions,
  type LiveEncoderStats,
  WORKER_DEPTH,
} from './live/live-encoder.js';
export {
  encodeArgs,
  type H264EncoderOptions,
  type H264Profile,
  type ResolvedOptions,
  resolveOptions,
  type X264Preset,
  type X264Tune,
} from './options.js';
