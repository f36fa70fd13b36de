/**
 * NAL unit headers and types of H.264 (7.3.1, table 7-1) and H.265 (7.3.1.2, table 7-1).
 */

/** The two codecs the parser understands. */
export type VideoCodecName = 'h264' | 'h265';

/** H.264 `nal_unit_type` values the parser cares about. */
export const H264NalType = {
  Unspecified: 0,
  Slice: 1,
  SliceDataA: 2,
  SliceDataB: 3,
  SliceDataC: 4,
  IdrSlice: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
  EndOfSequence: 10,
  EndOfStream: 11,
  FillerData: 12,
  SpsExtension: 13,
  PrefixNal: 14,
  SubsetSps: 15,
  Dps: 16,
  AuxiliarySlice: 19,
  SliceExtension: 20,
  SliceExtensionDepth: 21,
} as const;

/** H.265 `nal_unit_type` values the parser cares about. */
export const H265NalType = {
  TrailN: 0,
  TrailR: 1,
  TsaN: 2,
  TsaR: 3,
  StsaN: 4,
  StsaR: 5,
  RadlN: 6,
  RadlR: 7,
  RaslN: 8,
  RaslR: 9,
  BlaWLp: 16,
  BlaWRadl: 17,
  BlaNLp: 18,
  IdrWRadl: 19,
  IdrNLp: 20,
  Cra: 21,
  Vps: 32,
  Sps: 33,
  Pps: 34,
  Aud: 35,
  EndOfSequence: 36,
  EndOfBitstream: 37,
  FillerData: 38,
  PrefixSei: 39,
  SuffixSei: 40,
} as const;

/** Decoded H.264 NAL unit header (one byte). */
export interface H264NalHeader {
  /** forbidden_zero_bit; 1 means the NAL unit is damaged. */
  readonly forbiddenZeroBit: number;
  /** nal_ref_idc: 0 for pictures nothing references. */
  readonly nalRefIdc: number;
  /** nal_unit_type. */
  readonly nalUnitType: number;
}

/** Decoded H.265 NAL unit header (two bytes). */
export interface H265NalHeader {
  /** forbidden_zero_bit; 1 means the NAL unit is damaged. */
  readonly forbiddenZeroBit: number;
  /** nal_unit_type. */
  readonly nalUnitType: number;
  /** nuh_layer_id: 0 for the base layer. */
  readonly nuhLayerId: number;
  /** TemporalId = nuh_temporal_id_plus1 − 1. */
  readonly temporalId: number;
}

/** Decodes the H.264 NAL header from its first byte. */
export function parseH264NalHeader(byte0: number): H264NalHeader {
  return { forbiddenZeroBit: byte0 >>> 7, nalRefIdc: (byte0 >>> 5) & 3, nalUnitType: byte0 & 0x1f };
}

/** Decodes the H.265 NAL header from its first two bytes. */
export function parseH265NalHeader(byte0: number, byte1: number): H265NalHeader {
  return {
    forbiddenZeroBit: byte0 >>> 7,
    nalUnitType: (byte0 >>> 1) & 0x3f,
    nuhLayerId: ((byte0 & 1) << 5) | (byte1 >>> 3),
    temporalId: (byte1 & 7) - 1,
  };
}

/** Length of the NAL unit header in bytes. */
export function nalHeaderLength(codec: VideoCodecName): number {
  return codec === 'h264' ? 1 : 2;
}

/** `nal_unit_type` from the first header byte. */
export function nalUnitType(codec: VideoCodecName, byte0: number): number {
  return codec === 'h264' ? byte0 & 0x1f : (byte0 >>> 1) & 0x3f;
}

/** H.264 VCL NAL units of the primary picture (coded slices, with and without partitioning, IDR). */
export function isH264Vcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/** H.265 VCL NAL units (types 0–31). */
export function isH265Vcl(type: number): boolean {
  return type < 32;
}

/** H.265 IRAP pictures (BLA, IDR, CRA and the reserved IRAP types 22–23). */
export function isH265Irap(type: number): boolean {
  return type >= 16 && type <= 23;
}

/** H.265 IDR pictures (IDR_W_RADL, IDR_N_LP). */
export function isH265Idr(type: number): boolean {
  return type === 19 || type === 20;
}

/**
 * Kind of random-access point a picture is: IDR; H.265 CRA (open GOP) or BLA; or an H.264 non-IDR
 * picture with a recovery point SEI (x264's open-GOP keyframes). Only IDR is a keyframe for Rerun 0.33.
 */
export type RandomAccessKind = 'idr' | 'cra' | 'bla' | 'recovery-point';

/** Random-access kind of an H.265 VCL NAL unit type, or undefined if it is not IRAP. */
export function h265RandomAccessKind(type: number): RandomAccessKind | undefined {
  if (type === 19 || type === 20) return 'idr';
  if (type === 21) return 'cra';
  if (type >= 16 && type <= 18) return 'bla';
  return undefined;
}

const H264_NAMES: Readonly<Record<number, string>> = {
  1: 'slice',
  2: 'slice-data-a',
  3: 'slice-data-b',
  4: 'slice-data-c',
  5: 'idr',
  6: 'sei',
  7: 'sps',
  8: 'pps',
  9: 'aud',
  10: 'end-of-sequence',
  11: 'end-of-stream',
  12: 'filler',
  13: 'sps-extension',
  14: 'prefix',
  15: 'subset-sps',
  16: 'dps',
  19: 'auxiliary-slice',
  20: 'slice-extension',
  21: 'slice-extension-depth',
};

const H265_NAMES: Readonly<Record<number, string>> = {
  0: 'trail-n',
  1: 'trail-r',
  2: 'tsa-n',
  3: 'tsa-r',
  4: 'stsa-n',
  5: 'stsa-r',
  6: 'radl-n',
  7: 'radl-r',
  8: 'rasl-n',
  9: 'rasl-r',
  16: 'bla-w-lp',
  17: 'bla-w-radl',
  18: 'bla-n-lp',
  19: 'idr-w-radl',
  20: 'idr-n-lp',
  21: 'cra',
  32: 'vps',
  33: 'sps',
  34: 'pps',
  35: 'aud',
  36: 'end-of-sequence',
  37: 'end-of-bitstream',
  38: 'filler',
  39: 'prefix-sei',
  40: 'suffix-sei',
};

/** Short human-readable name of a NAL unit type (for `camstream inspect` and messages). */
export function nalTypeName(codec: VideoCodecName, type: number): string {
  return (codec === 'h264' ? H264_NAMES[type] : H265_NAMES[type]) ?? `reserved-${type}`;
}
