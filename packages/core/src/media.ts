/**
 * `@camstream/core/media`: the media half of core (the H.264/H.265 bitstream parser, the frame and sample
 * types, the sources, time helpers and the application id rule) without the Rerun wire format, so a worker
 * thread, an encoder or the CLI's flag parsing pays for no Arrow or protobuf code (decision 0013).
 * `@camstream/core` re-exports all of it.
 * @packageDocumentation
 */

// The H.264/H.265 bitstream parser (src/bitstream/): start-code scanning, access-unit splitting with keyframe
// and B-frame detection, parameter sets, codec strings, AVCC conversion and whole-stream summaries.
export type { AccessUnit } from './bitstream/access-unit.js';
export {
  AccessUnitSplitter,
  type AccessUnitSplitterOptions,
  DEFAULT_MAX_ACCESS_UNIT_BYTES,
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
export { detectCodec } from './bitstream/codec-detection.js';
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
export {
  annexBFormat,
  checkH264Frame,
  type EncoderCodec,
  EncoderOptionsError,
  type EncoderOptionsErrorCode,
  type H264EncoderOptions,
  type H264Profile,
  type ResolvedH264Options,
  rawVideoInputArgs,
  resolveH264Options,
  softwareEncoderName,
  type VideoEncoderOptions,
  videoCodecArgs,
  videoEncodeArgs,
  X264_PRESETS,
  X264_TUNES,
  type X264Preset,
  type X264Tune,
  X265_TUNES,
  type X265Tune,
  x264CodecArgs,
  x264EncodeArgs,
  x265CodecArgs,
} from './encoding/encoder-options.js';
export { CamstreamError, type CoreErrorCode, errorMessage, isCamstreamError } from './errors.js';
export {
  APPLICATION_ID_CHARACTERS,
  applicationIdProblem,
  MAX_APPLICATION_ID_BYTES,
} from './model/application-id.js';
export { assertVideoCodec, VideoCodec, videoCodecName } from './model/codec.js';
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
// Platform-neutral media sources (src/sources/): a streaming Y4M reader and a moving test pattern (its layout
// is shared with @camstream/web's canvas pattern).
export { SourceError, type SourceErrorReason } from './sources/source-error.js';
export { renderTestPattern, type TestPatternOptions, testPattern } from './sources/test-pattern.js';
export {
  rotateTestPatternHue,
  TEST_PATTERN_BARS,
  type TestPatternColour,
  type TestPatternFrame,
  type TestPatternRect,
  testPatternLayout,
} from './sources/test-pattern-layout.js';
export {
  drawTimeStamp,
  type ReadTimeStampError,
  type ReadTimeStampOptions,
  type ReadTimeStampResult,
  readTimeStamp,
  TIME_STAMP_BITS,
  TIME_STAMP_LAYOUT,
  type TimeStampBars,
  type TimeStampFrame,
  type TimeStampOptions,
  type TimeStampRect,
  type TimeStampRegion,
  timeStampBars,
  timeStampModules,
} from './sources/time-stamp.js';
export {
  parseY4mHeader,
  readY4m,
  Y4M_FRAME_LINE,
  type Y4mHeader,
  Y4mParser,
  y4mHeaderBytes,
} from './sources/y4m-reader.js';
export { frameTime, micros, millis, nanos, seconds, toMicros, toMillis, toSeconds } from './time.js';
