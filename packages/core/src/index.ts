/**
 * `@camstream/core`: Rerun 0.33's wire format, the VideoStream model, RecordingStream and an H.264/H.265 bitstream
 * parser, in TypeScript that runs unchanged in Node and browsers. Node-only sinks live in `@camstream/core/node`,
 * the wire format's building blocks (protobuf messages, headers, chunk encoding) in `@camstream/core/wire`.
 * @packageDocumentation
 */

export { RecordingError, RrdDecodeError } from './errors.js';
// The media half (bitstream parser, frame and sample types, sources, time): also `@camstream/core/media`.
export * from './media.js';
export {
  Scalars,
  ScalarsComponents,
  TextDocument,
  TextDocumentComponents,
  type TextDocumentOptions,
  VideoStream,
  VideoStreamComponents,
  type VideoStreamFields,
} from './model/archetypes.js';
export type {
  AsComponents,
  ComponentBatch,
  ComponentDescriptor,
  ComponentValues,
  ElementType,
} from './model/components.js';
export { normalizeEntityPath } from './model/entity-path.js';
export { resolveTimeValue, type TimelineKind, type TimePoint, type TimeValue } from './model/timeline.js';
export {
  type BatchingPolicy,
  IMMEDIATE,
  type MicroBatchOptions,
  microBatch,
  perGop,
  VIEWER_BATCHING,
} from './recording/batching.js';
export {
  type AddSinkOptions,
  type LogOptions,
  RecordingStream,
  type RecordingStreamOptions,
  type SinkFailure,
} from './recording/recording-stream.js';
// Reading RRD streams. The wire format's building blocks (protobuf messages, headers, chunk encoding and
// decoding, TUIDs, LZ4) are `@camstream/core/wire`.
export type { DecodedChunk, DecodedComponent, DecodedTimeline } from './rerun/arrow/chunk-decoder.js';
export {
  type DecodedMessage,
  decodeRrd,
  RrdDecoder,
  type RrdDecoderOptions,
} from './rerun/rrd/decoder.js';
export { concatStream } from './rerun/rrd/encode.js';
export { newRecordingId, type StoreId } from './rerun/store.js';
export type { Tuid } from './rerun/tuid.js';
export { MemorySink } from './sinks/memory-sink.js';
export {
  type ArrayBufferBytes,
  PublishSink,
  type PublishSinkOptions,
  publishSink,
  type WebSocketClass,
  type WebSocketLike,
} from './sinks/publish-sink.js';
export { type StreamCallbackMode, StreamCallbackSink } from './sinks/stream-callback-sink.js';
