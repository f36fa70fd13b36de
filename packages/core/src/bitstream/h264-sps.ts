import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import { avcCodecString, h264ProfileName } from './codec-string.js';
import { removeEmulationPrevention } from './emulation-prevention.js';

/** VUI timing information (E.1.1). */
export interface H264Timing {
  /** Ticks per time unit; a frame lasts 2 ticks for progressive video. */
  readonly numUnitsInTick: number;
  /** Time units per second. */
  readonly timeScale: number;
  /** fixed_frame_rate_flag. */
  readonly fixedFrameRate: boolean;
}

/** VUI bitstream restriction (E.1.1); `maxNumReorderFrames` > 0 means frames are reordered (B-frames). */
export interface H264BitstreamRestriction {
  /** max_num_reorder_frames: 0 when frames leave the decoder in decode order. */
  readonly maxNumReorderFrames: number;
  /** max_dec_frame_buffering. */
  readonly maxDecFrameBuffering: number;
}

/** The VUI fields the parser keeps. */
export interface H264Vui {
  /** Sample aspect ratio, width part (1 if absent). */
  readonly sarWidth: number;
  /** Sample aspect ratio, height part (1 if absent). */
  readonly sarHeight: number;
  /** video_full_range_flag. */
  readonly videoFullRange: boolean;
  /** colour_primaries (H.273), if signalled. */
  readonly colourPrimaries: number | undefined;
  /** transfer_characteristics (H.273), if signalled. */
  readonly transferCharacteristics: number | undefined;
  /** matrix_coefficients (H.273), if signalled. */
  readonly matrixCoefficients: number | undefined;
  /** Timing info, if present. */
  readonly timing: H264Timing | undefined;
  /** Bitstream restriction, if present. */
  readonly bitstreamRestriction: H264BitstreamRestriction | undefined;
}

/** A parsed H.264 sequence parameter set (7.3.2.1.1), every profile. */
export interface H264Sps {
  /** profile_idc (66 Baseline, 77 Main, 100 High, 110 High 10, 122 High 4:2:2, 244 High 4:4:4, …). */
  readonly profileIdc: number;
  /** The byte of constraint_set0..5 flags and the two reserved bits, as in the codec string. */
  readonly constraintFlags: number;
  /** level_idc (10 × the level number). */
  readonly levelIdc: number;
  /** seq_parameter_set_id. */
  readonly spsId: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  readonly chromaFormatIdc: number;
  /** separate_colour_plane_flag (4:4:4 coded as three monochrome planes). */
  readonly separateColourPlane: boolean;
  /** Luma bit depth (8–14). */
  readonly bitDepthLuma: number;
  /** Chroma bit depth (8–14). */
  readonly bitDepthChroma: number;
  /** seq_scaling_matrix_present_flag (the lists are parsed and skipped). */
  readonly scalingMatrixPresent: boolean;
  /** Bits of frame_num in slice headers. */
  readonly log2MaxFrameNum: number;
  /** pic_order_cnt_type (0, 1 or 2; x264 uses 2 without B-frames, 0 with). */
  readonly picOrderCntType: number;
  /** Bits of pic_order_cnt_lsb (POC type 0). */
  readonly log2MaxPicOrderCntLsb: number;
  /** POC type 1: delta_pic_order_always_zero_flag. */
  readonly deltaPicOrderAlwaysZero: boolean;
  /** POC type 1: offset_for_non_ref_pic. */
  readonly offsetForNonRefPic: number;
  /** POC type 1: offset_for_top_to_bottom_field. */
  readonly offsetForTopToBottomField: number;
  /** POC type 1: offset_for_ref_frame[]. */
  readonly offsetForRefFrame: readonly number[];
  /** max_num_ref_frames. */
  readonly maxNumRefFrames: number;
  /** frame_mbs_only_flag: false for interlaced-capable streams. */
  readonly frameMbsOnly: boolean;
  /** Width and height of the whole macroblock grid (e.g. 1920x1088). */
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** Size after frame cropping (e.g. 1920x1080): what ffprobe reports and what Rerun calls coded_dimensions. */
  readonly width: number;
  readonly height: number;
  readonly crop: {
    readonly left: number;
    readonly right: number;
    readonly top: number;
    readonly bottom: number;
  };
  /** VUI parameters, if present. */
  readonly vui: H264Vui | undefined;
  /** WebCodecs codec string `avc1.PPCCLL`. */
  readonly codecString: string;
  /** Profile name as ffprobe prints it. */
  readonly profileName: string;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function invalid(message: string): never {
  throw new BitstreamError('bitstream-invalid-parameter-set', `invalid H.264 SPS: ${message}`);
}

function checkRange(name: string, value: number, max: number): number {
  if (value > max) invalid(`${name} = ${value} (at most ${max})`);
  return value;
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.readSE();
      if (delta < -128 || delta > 127) invalid(`delta_scale ${delta}`);
      next = (last + delta + 256) % 256;
    }
    if (next !== 0) last = next;
  }
}

/** Reads scaling_list() syntax for `count` lists (4x4 first six, then 8x8). Shared with the PPS. */
export function skipScalingLists(r: BitReader, count: number): void {
  for (let i = 0; i < count; i++) if (r.readFlag()) skipScalingList(r, i < 6 ? 16 : 64);
}

function skipHrd(r: BitReader): void {
  const cpbCnt = checkRange('cpb_cnt_minus1', r.readUE(), 31) + 1;
  r.skipBits(8); // bit_rate_scale, cpb_size_scale
  for (let i = 0; i < cpbCnt; i++) {
    r.readUE();
    r.readUE();
    r.skipBits(1);
  }
  r.skipBits(20); // four 5-bit delay/offset lengths
}

function parseVui(r: BitReader): H264Vui {
  let sarWidth = 1;
  let sarHeight = 1;
  if (r.readFlag()) {
    const idc = r.readBits(8);
    if (idc === 255) {
      sarWidth = r.readBits(16);
      sarHeight = r.readBits(16);
    } else {
      const table = SAR_TABLE[idc];
      if (table) [sarWidth, sarHeight] = table;
    }
  }
  if (r.readFlag()) r.skipBits(1); // overscan_appropriate_flag
  let videoFullRange = false;
  let colourPrimaries: number | undefined;
  let transferCharacteristics: number | undefined;
  let matrixCoefficients: number | undefined;
  if (r.readFlag()) {
    r.skipBits(3); // video_format
    videoFullRange = r.readFlag();
    if (r.readFlag()) {
      colourPrimaries = r.readBits(8);
      transferCharacteristics = r.readBits(8);
      matrixCoefficients = r.readBits(8);
    }
  }
  if (r.readFlag()) {
    r.readUE();
    r.readUE();
  }
  let timing: H264Timing | undefined;
  if (r.readFlag()) {
    const numUnitsInTick = r.readBits(32);
    const timeScale = r.readBits(32);
    timing = { numUnitsInTick, timeScale, fixedFrameRate: r.readFlag() };
  }
  const nalHrd = r.readFlag();
  if (nalHrd) skipHrd(r);
  const vclHrd = r.readFlag();
  if (vclHrd) skipHrd(r);
  if (nalHrd || vclHrd) r.skipBits(1); // low_delay_hrd_flag
  r.skipBits(1); // pic_struct_present_flag
  let bitstreamRestriction: H264BitstreamRestriction | undefined;
  if (r.readFlag()) {
    r.skipBits(1); // motion_vectors_over_pic_boundaries_flag
    r.readUE(); // max_bytes_per_pic_denom
    r.readUE(); // max_bits_per_mb_denom
    r.readUE(); // log2_max_mv_length_horizontal
    r.readUE(); // log2_max_mv_length_vertical
    const maxNumReorderFrames = r.readUE();
    const maxDecFrameBuffering = r.readUE();
    bitstreamRestriction = { maxNumReorderFrames, maxDecFrameBuffering };
  }
  return {
    sarWidth,
    sarHeight,
    videoFullRange,
    colourPrimaries,
    transferCharacteristics,
    matrixCoefficients,
    timing,
    bitstreamRestriction,
  };
}

// Table E-1: sample aspect ratios for aspect_ratio_idc 1–16.
const SAR_TABLE: Readonly<Record<number, [number, number]>> = {
  1: [1, 1],
  2: [12, 11],
  3: [10, 11],
  4: [16, 11],
  5: [40, 33],
  6: [24, 11],
  7: [20, 11],
  8: [32, 11],
  9: [80, 33],
  10: [18, 11],
  11: [15, 11],
  12: [64, 33],
  13: [160, 99],
  14: [4, 3],
  15: [3, 2],
  16: [2, 1],
};

/**
 * Parses an H.264 SPS NAL unit (header byte included, emulation prevention not yet removed).
 * Throws `bitstream-invalid-parameter-set` (or `bitstream-truncated`) if it does not parse.
 */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  if (nal.length < 4 || ((nal[0] ?? 0) & 0x1f) !== 7) invalid('not an SPS NAL unit');
  const r = new BitReader(removeEmulationPrevention(nal.subarray(1)));
  const profileIdc = r.readBits(8);
  const constraintFlags = r.readBits(8);
  const levelIdc = r.readBits(8);
  const spsId = checkRange('seq_parameter_set_id', r.readUE(), 31);
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  let scalingMatrixPresent = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = checkRange('chroma_format_idc', r.readUE(), 3);
    if (chromaFormatIdc === 3) separateColourPlane = r.readFlag();
    bitDepthLuma = checkRange('bit_depth_luma_minus8', r.readUE(), 6) + 8;
    bitDepthChroma = checkRange('bit_depth_chroma_minus8', r.readUE(), 6) + 8;
    r.skipBits(1); // qpprime_y_zero_transform_bypass_flag
    scalingMatrixPresent = r.readFlag();
    if (scalingMatrixPresent) skipScalingLists(r, chromaFormatIdc !== 3 ? 8 : 12);
  }
  const log2MaxFrameNum = checkRange('log2_max_frame_num_minus4', r.readUE(), 12) + 4;
  const picOrderCntType = checkRange('pic_order_cnt_type', r.readUE(), 2);
  let log2MaxPicOrderCntLsb = 0;
  let deltaPicOrderAlwaysZero = false;
  let offsetForNonRefPic = 0;
  let offsetForTopToBottomField = 0;
  const offsetForRefFrame: number[] = [];
  if (picOrderCntType === 0) {
    log2MaxPicOrderCntLsb = checkRange('log2_max_pic_order_cnt_lsb_minus4', r.readUE(), 12) + 4;
  } else if (picOrderCntType === 1) {
    deltaPicOrderAlwaysZero = r.readFlag();
    offsetForNonRefPic = r.readSE();
    offsetForTopToBottomField = r.readSE();
    const n = checkRange('num_ref_frames_in_pic_order_cnt_cycle', r.readUE(), 255);
    for (let i = 0; i < n; i++) offsetForRefFrame.push(r.readSE());
  }
  const maxNumRefFrames = checkRange('max_num_ref_frames', r.readUE(), 16);
  r.skipBits(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = checkRange('pic_width_in_mbs_minus1', r.readUE(), 1023) + 1;
  const heightMapUnits = checkRange('pic_height_in_map_units_minus1', r.readUE(), 1023) + 1;
  const frameMbsOnly = r.readFlag();
  if (!frameMbsOnly) r.skipBits(1); // mb_adaptive_frame_field_flag
  r.skipBits(1); // direct_8x8_inference_flag
  const codedWidth = widthMbs * 16;
  const codedHeight = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.readFlag()) {
    // Crop offsets count in chroma units (and field pairs for interlaced streams), table 6-1.
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const unitX = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const unitY = (chromaArrayType === 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
    crop.left = r.readUE() * unitX;
    crop.right = r.readUE() * unitX;
    crop.top = r.readUE() * unitY;
    crop.bottom = r.readUE() * unitY;
  }
  const width = codedWidth - crop.left - crop.right;
  const height = codedHeight - crop.top - crop.bottom;
  if (width <= 0 || height <= 0)
    invalid(`cropping leaves ${width}x${height} of ${codedWidth}x${codedHeight}`);
  const vui = r.readFlag() ? parseVui(r) : undefined;
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    chromaFormatIdc,
    separateColourPlane,
    bitDepthLuma,
    bitDepthChroma,
    scalingMatrixPresent,
    log2MaxFrameNum,
    picOrderCntType,
    log2MaxPicOrderCntLsb,
    deltaPicOrderAlwaysZero,
    offsetForNonRefPic,
    offsetForTopToBottomField,
    offsetForRefFrame,
    maxNumRefFrames,
    frameMbsOnly,
    codedWidth,
    codedHeight,
    width,
    height,
    crop,
    vui,
    codecString: avcCodecString(profileIdc, constraintFlags, levelIdc),
    profileName: h264ProfileName(profileIdc, constraintFlags),
  };
}
