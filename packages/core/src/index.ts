/**
 * `@camstream/core`: Rerun 0.33's wire format, the VideoStream model, RecordingStream and an H.264/H.265 bitstream
 * parser, in TypeScript that runs unchanged in Node and browsers. Node-only sinks live in `@camstream/core/node`.
 * @packageDocumentation
 */

export { RecordingError, RrdDecodeError } from './errors.js';
// The media half (bitstream parser, frame and sample types, sources, time): also `@camstream/core/media`.
export * from './media.js';
export {
  Scalars,
  ScalarsComponents,
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
} from './recording/batching.js';
export {
  type AddSinkOptions,
  type LogOptions,
  RecordingStream,
  type RecordingStreamOptions,
  type SinkFailure,
} from './recording/recording-stream.js';
export {
  type DecodedChunk,
  type DecodedComponent,
  type DecodedTimeline,
  decodeChunk,
} from './rerun/arrow/chunk-decoder.js';
export { ChunkIpcEncoder, type IpcPlan } from './rerun/arrow/chunk-encoder.js';
export { SORBET_VERSION } from './rerun/arrow/schema.js';
export type { Chunk, ChunkComponent, ChunkTimeline } from './rerun/chunk.js';
// LZ4 block decompression (src/rerun/lz4/) and the protobuf messages/service the gRPC proxy speaks.
export { decompressLz4Block, Lz4BlockError } from './rerun/lz4/block.js';
export { Compression, StoreKind } from './rerun/proto/gen/rerun/v1alpha1/common_pb.js';
export {
  type ArrowMsg,
  ArrowMsgSchema,
  type BlueprintActivationCommand,
  BlueprintActivationCommandSchema,
  type LogMsg,
  LogMsgSchema,
  type SetStoreInfo,
  SetStoreInfoSchema,
} from './rerun/proto/gen/rerun/v1alpha1/log_msg_pb.js';
export {
  MessageProxyService,
  type ReadMessagesRequest,
  ReadMessagesRequestSchema,
  type ReadMessagesResponse,
  ReadMessagesResponseSchema,
  type WriteMessagesRequest,
  WriteMessagesRequestSchema,
  type WriteMessagesResponse,
  WriteMessagesResponseSchema,
} from './rerun/proto/gen/rerun/v1alpha1/sdk_comms_pb.js';
export {
  type DecodedMessage,
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
  STREAM_HEADER_LENGTH,
  streamHeader,
} from './rerun/rrd/stream-header.js';
export { newRecordingId, type StoreId, storeIdFromProto, storeIdToProto } from './rerun/store.js';
export { readTuid, type Tuid, TuidGenerator, tuidToString, writeTuid } from './rerun/tuid.js';
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
