/**
 * `@camstream/core/wire`: the building blocks of Rerun 0.33's wire format, for code that writes its own
 * transport or reads the bytes itself: the generated protobuf messages and their schemas (the gRPC
 * `MessageProxyService` included), the RRD stream and message headers, chunks to Arrow IPC
 * (`ChunkIpcEncoder`) and back (`decodeChunk`), the message encoders, TUIDs and LZ4 block decompression.
 * `@camstream/core` (RecordingStream, the sinks, `RrdDecoder`) is built on them; most code needs only that.
 * @packageDocumentation
 */

export {
  type DecodedChunk,
  type DecodedComponent,
  type DecodedTimeline,
  decodeChunk,
} from './rerun/arrow/chunk-decoder.js';
export { ChunkIpcEncoder, type IpcPlan } from './rerun/arrow/chunk-encoder.js';
export { SORBET_VERSION } from './rerun/arrow/schema.js';
export type { Chunk, ChunkComponent, ChunkTimeline } from './rerun/chunk.js';
export { decompressLz4Block, Lz4BlockError } from './rerun/lz4/block.js';
export {
  Compression,
  type StoreId as StoreIdProto,
  StoreIdSchema,
  StoreKind,
  type Tuid as TuidProto,
  TuidSchema,
} from './rerun/proto/gen/rerun/v1alpha1/common_pb.js';
export {
  type ArrowMsg,
  ArrowMsgSchema,
  type BlueprintActivationCommand,
  BlueprintActivationCommandSchema,
  Encoding,
  type LogMsg,
  LogMsgSchema,
  type SetStoreInfo,
  SetStoreInfoSchema,
  type StoreInfo,
  StoreInfoSchema,
  type StoreSource,
  StoreSourceKind,
  StoreSourceSchema,
  type StoreVersion,
  StoreVersionSchema,
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
  ArrowMsgEncoder,
  type ChunkMeta,
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
export { type StoreId, storeIdFromProto, storeIdToProto } from './rerun/store.js';
export { readTuid, type Tuid, TuidGenerator, tuidToString, writeTuid } from './rerun/tuid.js';
