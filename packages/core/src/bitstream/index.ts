/**
 * H.264/H.265 Annex B bitstream parser of `@camstream/core`: start-code scanning, access-unit
 * splitting with keyframe and B-frame detection, parameter sets, codec strings, AVCC conversion and
 * whole-stream summaries.
 */
export {
  type AccessUnit,
  AccessUnitSplitter,
  type AccessUnitSplitterOptions,
  DEFAULT_MAX_ACCESS_UNIT_BYTES,
  detectCodec,
} from './access-unit-splitter.js';
export { AnnexBScanner, type NalUnitView, type StartCodeListener, splitAnnexB } from './annexb-scanner.js';
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
} from './avcc.js';
export { BitReader } from './bit-reader.js';
export { BitstreamError, type BitstreamErrorCode, isBitstreamError } from './bitstream-error.js';
export {
  avcCodecString,
  type HevcProfileTierLevel,
  h264LevelNumber,
  h264ProfileName,
  h265LevelNumber,
  h265ProfileName,
  hevcCodecString,
} from './codec-string.js';
export { addEmulationPrevention, removeEmulationPrevention } from './emulation-prevention.js';
export { type H264Pps, parseH264Pps } from './h264-pps.js';
export {
  H264PocComputer,
  type H264SliceHeader,
  isNewH264Picture,
  parseH264SliceHeader,
  type SliceType,
} from './h264-slice.js';
export {
  type H264BitstreamRestriction,
  type H264Sps,
  type H264Timing,
  type H264Vui,
  parseH264Sps,
} from './h264-sps.js';
export {
  type H265Pps,
  type H265Sps,
  type H265Vps,
  parseH265Pps,
  parseH265Sps,
  parseH265Vps,
} from './h265-ps.js';
export { H265PocComputer, type H265SliceHeader, parseH265SliceHeader } from './h265-slice.js';
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
} from './nal.js';
export { findRecoveryPoint, SEI_RECOVERY_POINT } from './sei.js';
export {
  type BitstreamSummary,
  type SummarizeOptions,
  SummaryBuilder,
  summarizeBitstream,
} from './summary.js';
