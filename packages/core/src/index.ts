/**
 * `@camstream/core`: Rerun 0.33's wire format, the VideoStream model and RecordingStream, in TypeScript that
 * runs unchanged in Node and browsers. Node-only sinks live in `@camstream/core/node`.
 * @packageDocumentation
 */

export { CamstreamError, type CoreErrorCode, RecordingError, RrdDecodeError } from './errors.js';
export {
  Scalars,
  ScalarsComponents,
  VideoStream,
  VideoStreamComponents,
  type VideoStreamFields,
} from './model/archetypes.js';
export { assertVideoCodec, VideoCodec, videoCodecName } from './model/codec.js';
export type {
  AsComponents,
  ComponentBatch,
  ComponentDescriptor,
  ComponentValues,
  ElementType,
} from './model/components.js';
export { normalizeEntityPath } from './model/entity-path.js';
export {
  type EncodedMessage,
  type EncodedMessageKind,
  type EncodedSample,
  type Encoder,
  frameByteLength,
  type PixelFormat,
  type RawFrame,
  type Sink,
  type TimeRange,
} from './model/pipeline.js';
export { resolveTimeValue, type TimelineKind, type TimePoint, type TimeValue } from './model/timeline.js';
export { type BatchingPolicy, IMMEDIATE, perGop } from './recording/batching.js';
export { type LogOptions, RecordingStream, type RecordingStreamOptions } from './recording/recording-stream.js';
export { ChunkIpcEncoder, type IpcPlan } from './rerun/arrow/record-batch.js';
export { SORBET_VERSION } from './rerun/arrow/schema.js';
export type { Chunk, ChunkComponent, ChunkTimeline } from './rerun/chunk.js';
export {
  type DecodedChunk,
  type DecodedComponent,
  type DecodedMessage,
  type DecodedTimeline,
  decodeChunk,
  decodeRrd,
  RrdDecoder,
  type RrdDecoderOptions,
} from './rerun/rrd/decoder.js';
export {
  ArrowMsgEncoder,
  type ChunkMeta,
  concatStream,
  encodeBlueprintActivation,
  encodeSetStoreInfo,
  type StoreSourceInfo,
} from './rerun/rrd/encode.js';
export {
  CRATE_VERSION_BITS,
  MESSAGE_HEADER_LENGTH,
  MessageKind,
  RERUN_VERSION,
  STREAM_HEADER,
  STREAM_HEADER_LENGTH,
} from './rerun/rrd/stream-header.js';
export { newRecordingId, type StoreId, storeIdFromProto, storeIdToProto } from './rerun/store.js';
export { readTuid, type Tuid, TuidGenerator, tuidToString, writeTuid } from './rerun/tuid.js';
export { MemorySink } from './sinks/memory-sink.js';
export { type StreamCallbackMode, StreamCallbackSink } from './sinks/stream-callback-sink.js';
export { frameTime, micros, millis, nanos, seconds, toMicros, toMillis, toSeconds } from './time.js';
