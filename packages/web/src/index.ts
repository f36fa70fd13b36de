/**
 * `@camstream/web`: capture a camera in the browser, encode it to H.264 in a worker (WebCodecs, or an
 * injected ffmpeg.wasm) and stream it into an embedded Rerun web viewer or a camstream server
 * (`CaptureSession`); several cameras into one recording (`SharedRecording`). See the package README for examples.
 * @packageDocumentation
 */

export { chooseEncoder, type EncoderAvailability } from './encoder/choose-encoder.js';
export {
  H264_LEVELS,
  type H264Level,
  type H264LevelRequirements,
  H264Profile,
  h264CodecString,
  h264LevelFor,
} from './encoder/h264-level.js';
export type {
  WasmEncoderModule,
  WasmEncoderOpenOptions,
  WasmLiveEncoder,
} from './encoder/wasm/wasm-module.js';
export {
  type EncodeFrameOptions,
  type EncoderStats,
  WebCodecsH264Encoder,
  type WebCodecsH264EncoderOptions,
} from './encoder/webcodecs/webcodecs-h264-encoder.js';
export {
  assertWebCodecs,
  type WebCodecsSupport,
  webCodecsSupport,
} from './encoder/webcodecs/webcodecs-support.js';
export { WebError, type WebErrorCode } from './errors.js';
export { CaptureSession } from './session/capture-session.js';
export { CaptureSessionEvent, type CaptureSessionEventMap } from './session/session-events.js';
export type {
  CameraSourceRequest,
  CaptureSessionOptions,
  EncoderChoice,
  EncoderKind,
  EncoderRequest,
  SessionAssets,
  SinkFactory,
  SourceKind,
  SourceRequest,
  TestPatternSourceRequest,
  TrackSourceRequest,
} from './session/session-options.js';
export type {
  ActiveEncoder,
  ActiveSource,
  CaptureStats,
  FallbackInfo,
  FallbackReason,
  RecordingInfo,
  SessionState,
} from './session/session-state.js';
export {
  SharedRecording,
  type SharedRecordingEventMap,
  type SharedRecordingOptions,
} from './session/shared-recording.js';
export { TypedEventTarget } from './session/typed-event-target.js';
export { type RrdChannel, type ViewerSinkOptions, viewerSink } from './sink/viewer-sink.js';
export { type CameraDevice, CameraError, listCameras } from './source/camera.js';
export { type CameraFailure, describeCameraFailure } from './source/camera-errors.js';
export { CanvasTestPattern, type CanvasTestPatternOptions } from './source/canvas-test-pattern.js';
