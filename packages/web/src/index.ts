/**
 * `@camstream/web`: encode video in the browser with WebCodecs and stream it into an embedded Rerun web
 * viewer. See the package README for an example.
 * @packageDocumentation
 */
export { isCamstreamError, WebError, type WebErrorCode } from './errors.js';
export {
  CanvasTestPattern,
  type CanvasTestPatternOptions,
  TEST_PATTERN_COLOURS,
} from './sources/canvas-pattern.js';
export { type RrdChannel, viewerSink } from './viewer/viewer-sink.js';
export {
  type EncodeFrameOptions,
  type EncoderStats,
  WebCodecsH264Encoder,
  type WebCodecsH264EncoderOptions,
} from './webcodecs/annexb-encoder.js';
export {
  H264_LEVELS,
  type H264Level,
  type H264LevelRequirements,
  H264Profile,
  h264CodecString,
  h264LevelFor,
} from './webcodecs/h264-level.js';
export { assertWebCodecs, type WebCodecsSupport, webCodecsSupport } from './webcodecs/support.js';
