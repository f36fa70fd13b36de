/**
 * `@camstream/encoder-wasm`: H.264 encoding with ffmpeg.wasm (x264) in Node worker threads, behind core's
 * `Encoder` interface: live mode ({@link LiveEncoder}), batch mode ({@link encodeBatch}) and file inputs decoded
 * by ffmpeg.wasm ({@link decodeFile}, {@link encodeFile}). The browser build is `@camstream/encoder-wasm/browser`.
 * @packageDocumentation
 */

export { type BatchEncodeOptions, type BatchProgress, encodeBatch } from './batch/encode-batch.js';
export { EncoderPool, type EncoderPoolOptions } from './batch/encoder-pool.js';
export { EncoderError, type EncoderErrorCode, type FfmpegFailure } from './errors.js';
export { decodeFile } from './file/decode-file.js';
export {
  type DecodeFileOptions,
  type FileInfo,
  type Framerate,
  RAW_PIXEL_FORMATS,
} from './file/decode-options.js';
export { type EncodeFileOptions, type EncodeFileProgress, encodeFile } from './file/encode-file.js';
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
  X264_PRESETS,
  X264_TUNES,
  type X264Preset,
  type X264Tune,
} from './options.js';
