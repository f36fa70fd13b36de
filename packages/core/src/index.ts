/**
 * `@camstream/core`: Rerun 0.33's wire format, the VideoStream model, RecordingStream and an H.264/H.265 bitstream
 * parser, in TypeScript that runs unchanged in Node and browsers. Node-only sinks live in `@camstream/core/node`.
 * @packageDocumentation
 */

// The H.264/H.265 bitstream parser (src/bitstream/): start-code scanning, access-unit splitting with keyframe
// and B-frame detection, parameter sets, codec strings, AVCC conversion and whole-stream summaries.
export {
  type AccessUnit,
  AccessUnitSplitter,
  type AccessUnitSplitterOptions,
  DEFAULT_MAX_ACCESS_UNIT_BYTES,
  detectCodec,
} from './bitstream/access-unit-splitter.js';
export {
  AnnexBScanner,
  type NalUnitView,
  type StartCodeListener,
  splitAnnexB,
} from './bitstream/annexb-scanner.js';
export {
  type AnnexBToLengthPrefixedOptions,
  type AvcDecoderConfig,
  annexBToLengthPrefixed,
  buildAvcC,
  buildHvcC,
  type DecoderConfig,
  type HevcDecoderConfig,
  type LengthPrefixedToAnnexBOptions,
  lengthPrefixedToAnnexB,
  parseAvcC,
  parseHvcC,
} from './bitstream/avcc.js';
export { BitReader } from './bitstream/bit-reader.js';
export { BitstreamError, type BitstreamErrorCode, isBitstreamError } from './bitstream/bitstream-error.js';
export {
  avcCodecString,
  type HevcProfileTierLevel,
  h264LevelNumber,
  h264ProfileName,
  h265LevelNumber,
  h265ProfileName,
  hevcCodecString,
} from './bitstream/codec-string.js';
export { addEmulationPrevention, removeEmulationPrevention } from './bitstream/emulation-prevention.js';
export { type H264Pps, parseH264Pps } from './bitstream/h264-pps.js';
export {
  H264PocComputer,
  type H264SliceHeader,
  isNewH264Picture,
  parseH264SliceHeader,
  type SliceType,
} from './bitstream/h264-slice.js';
export {
  type H264BitstreamRestriction,
  type H264Sps,
  type H264Timing,
  type H264Vui,
  parseH264Sps,
} from './bitstream/h264-sps.js';
export {
  type H265Pps,
  type H265Sps,
  type H265Vps,
  parseH265Pps,
  parseH265Sps,
  parseH265Vps,
} from './bitstream/h265-ps.js';
export { H265PocComputer, type H265SliceHeader, parseH265SliceHeader } from './bitstream/h265-slice.js';
export { isKeyframeSample } from './bitstream/keyframe.js';
export {
  type H264NalHeader,
  H264NalType,
  type H265NalHeader,
  H265NalType,
  h265RandomAccessKind,
  isH264Vcl,
  isH265Idr,
  isH265Irap,
  isH265Vcl,
  nalHeaderLength,
  nalTypeName,
  nalUnitType,
  parseH264NalHeader,
  parseH265NalHeader,
  type RandomAccessKind,
  type VideoCodecName,
} from './bitstream/nal.js';
export { findRecoveryPoint, SEI_RECOVERY_POINT } from './bitstream/sei.js';
export {
  type BitstreamSummary,
  type SummarizeOptions,
  SummaryBuilder,
  summarizeBitstream,
} from './bitstream/summary.js';
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
} from './recording/recording-stream.js';
export { ChunkIpcEncoder, type IpcPlan } from './rerun/arrow/record-batch.js';
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
// Platform-neutral media sources (src/sources/): a streaming Y4M reader and a moving test pattern.
export { SourceError, type SourceErrorReason } from './sources/source-error.js';
export {
  renderTestPattern,
  TEST_PATTERN_BARS,
  type TestPatternOptions,
  testPattern,
} from './sources/test-pattern.js';
export {
  parseY4mHeader,
  readY4m,
  Y4M_FRAME_LINE,
  type Y4mHeader,
  Y4mParser,
  y4mHeaderBytes,
} from './sources/y4m-reader.js';
export { frameTime, micros, millis, nanos, seconds, toMicros, toMillis, toSeconds } from './time.js';
