import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import { type HevcProfileTierLevel, h265ProfileName, hevcCodecString } from './codec-string.js';
import { removeEmulationPrevention } from './emulation-prevention.js';

/** A parsed H.265 video parameter set (7.3.2.1), up to its profile/tier/level. */
export interface H265Vps {
  /** vps_video_parameter_set_id. */
  readonly vpsId: number;
  /** max_sub_layers_minus1 + 1. */
  readonly maxSubLayers: number;
  /** General profile, tier and level. */
  readonly profileTierLevel: HevcProfileTierLevel;
}

/** A parsed H.265 sequence parameter set (7.3.2.2), up to the fields this parser needs. */
export interface H265Sps {
  /** vps_video_parameter_set_id. */
  readonly vpsId: number;
  /** sps_seq_parameter_set_id. */
  readonly spsId: number;
  /** max_sub_layers_minus1 + 1. */
  readonly maxSubLayers: number;
  /** General profile, tier and level. */
  readonly profileTierLevel: HevcProfileTierLevel;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  readonly chromaFormatIdc: number;
  /** separate_colour_plane_flag. */
  readonly separateColourPlane: boolean;
  /** pic_width/height_in_luma_samples (e.g. 1920x1088 when a conformance window crops to 1080). */
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** Size after the conformance window: what ffprobe reports. */
  readonly width: number;
  readonly height: number;
  /** Luma bit depth. */
  readonly bitDepthLuma: number;
  /** Chroma bit depth. */
  readonly bitDepthChroma: number;
  /** Bits of slice_pic_order_cnt_lsb. */
  readonly log2MaxPicOrderCntLsb: number;
  /** sps_max_num_reorder_pics of the highest sub-layer; > 0 means pictures are reordered (B-frames). */
  readonly maxNumReorderPics: number;
  /** CtbLog2SizeY. */
  readonly log2CtbSize: number;
  /** PicSizeInCtbsY, which sizes slice_segment_address. */
  readonly picSizeInCtbs: number;
  /** `hev1.…` codec string. */
  readonly codecString: string;
  /** Profile name as ffprobe prints it. */
  readonly profileName: string;
}

/** The H.265 picture parameter set fields slice segment headers depend on (7.3.2.3.1). */
export interface H265Pps {
  /** pps_pic_parameter_set_id. */
  readonly ppsId: number;
  /** The SPS this PPS refers to. */
  readonly spsId: number;
  /** dependent_slice_segments_enabled_flag. */
  readonly dependentSliceSegmentsEnabled: boolean;
  /** output_flag_present_flag. */
  readonly outputFlagPresent: boolean;
  /** num_extra_slice_header_bits. */
  readonly numExtraSliceHeaderBits: number;
}

function invalid(kind: string, message: string): never {
  throw new BitstreamError('bitstream-invalid-parameter-set', `invalid H.265 ${kind}: ${message}`);
}

function rbspOf(nal: Uint8Array, type: number, kind: string): BitReader {
  if (nal.length < 3 || (nal[0] ?? 0) >>> 1 !== type) invalid(kind, `not a ${kind} NAL unit`);
  return new BitReader(removeEmulationPrevention(nal.subarray(2)));
}

/** profile_tier_level(1, maxSubLayersMinus1) (7.3.3); returns the general fields. */
function parseProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): HevcProfileTierLevel {
  const profileSpace = r.readBits(2);
  const tierFlag = r.readBit();
  const profileIdc = r.readBits(5);
  const compatibilityFlags = r.readBits(32);
  const constraintIndicatorFlags: number[] = [];
  for (let i = 0; i < 6; i++) constraintIndicatorFlags.push(r.readBits(8));
  const levelIdc = r.readBits(8);
  const profilePresent: boolean[] = [];
  const levelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.readFlag());
    levelPresent.push(r.readFlag());
  }
  if (maxSubLayersMinus1 > 0) r.skipBits(2 * (8 - maxSubLayersMinus1));
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skipBits(88);
    if (levelPresent[i]) r.skipBits(8);
  }
  return { profileSpace, tierFlag, profileIdc, compatibilityFlags, constraintIndicatorFlags, levelIdc };
}

/** Parses an H.265 VPS NAL unit (2-byte header included). */
export function parseH265Vps(nal: Uint8Array): H265Vps {
  const r = rbspOf(nal, 32, 'VPS');
  const vpsId = r.readBits(4);
  r.skipBits(2 + 6); // base layer flags, vps_max_layers_minus1
  const maxSubLayersMinus1 = r.readBits(3);
  if (maxSubLayersMinus1 > 6) invalid('VPS', `vps_max_sub_layers_minus1 ${maxSubLayersMinus1}`);
  r.skipBits(1 + 16); // temporal_id_nesting, reserved 0xffff
  return {
    vpsId,
    maxSubLayers: maxSubLayersMinus1 + 1,
    profileTierLevel: parseProfileTierLevel(r, maxSubLayersMinus1),
  };
}

/** Parses an H.265 SPS NAL unit (2-byte header included). */
export function parseH265Sps(nal: Uint8Array): H265Sps {
  const r = rbspOf(nal, 33, 'SPS');
  const vpsId = r.readBits(4);
  const maxSubLayersMinus1 = r.readBits(3);
  if (maxSubLayersMinus1 > 6) invalid('SPS', `sps_max_sub_layers_minus1 ${maxSubLayersMinus1}`);
  r.skipBits(1); // sps_temporal_id_nesting_flag
  const profileTierLevel = parseProfileTierLevel(r, maxSubLayersMinus1);
  const spsId = r.readUE();
  if (spsId > 15) invalid('SPS', `sps_seq_parameter_set_id ${spsId}`);
  const chromaFormatIdc = r.readUE();
  if (chromaFormatIdc > 3) invalid('SPS', `chroma_format_idc ${chromaFormatIdc}`);
  const separateColourPlane = chromaFormatIdc === 3 ? r.readFlag() : false;
  const codedWidth = r.readUE();
  const codedHeight = r.readUE();
  if (codedWidth === 0 || codedHeight === 0 || codedWidth > 16888 || codedHeight > 16888) {
    invalid('SPS', `picture size ${codedWidth}x${codedHeight}`);
  }
  let width = codedWidth;
  let height = codedHeight;
  if (r.readFlag()) {
    // Conformance window offsets count in chroma samples (table 6-1).
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidth = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeight = chromaArrayType === 1 ? 2 : 1;
    width -= (r.readUE() + r.readUE()) * subWidth;
    height -= (r.readUE() + r.readUE()) * subHeight;
    if (width <= 0 || height <= 0) invalid('SPS', `conformance window leaves ${width}x${height}`);
  }
  const bitDepthLuma = r.readUE() + 8;
  const bitDepthChroma = r.readUE() + 8;
  if (bitDepthLuma > 16 || bitDepthChroma > 16) invalid('SPS', `bit depth ${bitDepthLuma}/${bitDepthChroma}`);
  const log2MaxPicOrderCntLsb = r.readUE() + 4;
  if (log2MaxPicOrderCntLsb > 16)
    invalid('SPS', `log2_max_pic_order_cnt_lsb_minus4 ${log2MaxPicOrderCntLsb - 4}`);
  const orderingInfoPresent = r.readFlag();
  let maxNumReorderPics = 0;
  for (let i = orderingInfoPresent ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.readUE(); // sps_max_dec_pic_buffering_minus1
    maxNumReorderPics = r.readUE();
    r.readUE(); // sps_max_latency_increase_plus1
  }
  const log2MinCbSize = r.readUE() + 3;
  const log2CtbSize = log2MinCbSize + r.readUE();
  if (log2CtbSize > 6 || log2CtbSize < 4) invalid('SPS', `CTB size 2^${log2CtbSize}`);
  const ctb = 1 << log2CtbSize;
  const picSizeInCtbs = Math.ceil(codedWidth / ctb) * Math.ceil(codedHeight / ctb);
  return {
    vpsId,
    spsId,
    maxSubLayers: maxSubLayersMinus1 + 1,
    profileTierLevel,
    chromaFormatIdc,
    separateColourPlane,
    codedWidth,
    codedHeight,
    width,
    height,
    bitDepthLuma,
    bitDepthChroma,
    log2MaxPicOrderCntLsb,
    maxNumReorderPics,
    log2CtbSize,
    picSizeInCtbs,
    codecString: hevcCodecString(profileTierLevel),
    profileName: h265ProfileName(profileTierLevel.profileIdc),
  };
}

/** Parses the first fields of an H.265 PPS NAL unit (2-byte header included). */
export function parseH265Pps(nal: Uint8Array): H265Pps {
  const r = rbspOf(nal, 34, 'PPS');
  const ppsId = r.readUE();
  if (ppsId > 63) invalid('PPS', `pps_pic_parameter_set_id ${ppsId}`);
  const spsId = r.readUE();
  if (spsId > 15) invalid('PPS', `pps_seq_parameter_set_id ${spsId}`);
  const dependentSliceSegmentsEnabled = r.readFlag();
  const outputFlagPresent = r.readFlag();
  const numExtraSliceHeaderBits = r.readBits(3);
  return { ppsId, spsId, dependentSliceSegmentsEnabled, outputFlagPresent, numExtraSliceHeaderBits };
}
