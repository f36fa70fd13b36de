/**
 * `@camstream/encoder-wasm/browser`: the ffmpeg.wasm (x264) live encoder in a browser module Web Worker
 * ({@link BrowserLiveEncoder}), with the same H.264 options as the Node entry. Imports nothing from `node:*`.
 * @packageDocumentation
 */

export { EncoderError, type EncoderErrorCode, type FfmpegFailure } from '../errors.js';
export {
  encodeArgs,
  type H264EncoderOptions,
  type H264Profile,
  type ResolvedOptions,
  resolveOptions,
  type X264Preset,
  type X264Tune,
} from '../options.js';
export { BrowserLiveEncoder } from './browser-live-encoder.js';
export type {
  BrowserEncoderMode,
  BrowserFullQueuePolicy,
  BrowserLiveEncoderOptions,
  BrowserLiveEncoderStats,
} from './types.js';
