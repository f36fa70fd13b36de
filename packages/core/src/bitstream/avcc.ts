import { splitAnnexB } from './annexb-scanner.js';
import { BitstreamError } from './bitstream-error.js';
import type { HevcProfileTierLevel } from './codec-string.js';
import { parseH264Sps } from './h264-sps.js';
import { parseH265Sps } from './h265-ps.js';
import type { VideoCodecName } from './nal.js';

/**
 * `avcC` / `hvcC` decoder configuration records (ISO/IEC 14496-15 §5.3.3, §8.3.3): the MP4/WebCodecs
 * `description`. They carry the parameter sets out of band and the size of the NAL length prefixes.
 */

/** A parsed `avcC` record. */
export interface AvcDecoderConfig {
  /** Always `h264`. */
  readonly codec: 'h264';
  /** AVCProfileIndication. */
  readonly profileIdc: number;
  /** profile_compatibility (the SPS constraint-flags byte). */
  readonly profileCompatibility: number;
  /** AVCLevelIndication. */
  readonly levelIdc: number;
  /** Bytes per NAL length prefix: 1, 2 or 4. */
  readonly lengthSize: number;
  /** SPS NAL units (header byte included, no start code). */
  readonly sps: readonly Uint8Array[];
  /** PPS NAL units. */
  readonly pps: readonly Uint8Array[];
}

/** A parsed `hvcC` record. */
export interface HevcDecoderConfig {
  /** Always `h265`. */
  readonly codec: 'h265';
  /** General profile, tier and level. */
  readonly profileTierLevel: HevcProfileTierLevel;
  /** chroma_format_idc. */
  readonly chromaFormatIdc: number;
  /** Luma bit depth. */
  readonly bitDepthLuma: number;
  /** Chroma bit depth. */
  readonly bitDepthChroma: number;
  /** Bytes per NAL length prefix: 1, 2 or 4. */
  readonly lengthSize: number;
  /** VPS NAL units. */
  readonly vps: readonly Uint8Array[];
  readonly sps: readonly Uint8Array[];
  readonly pps: readonly Uint8Array[];
  /** NAL units of other types found in the arrays (e.g. SEI), kept in order. */
  readonly other: readonly Uint8Array[];
}

/** Either decoder configuration record. */
export type DecoderConfig = AvcDecoderConfig | HevcDecoderConfig;

function invalid(message: string): never {
  throw new BitstreamError('bitstream-invalid-avcc', message);
}

class ByteCursor {
  pos = 0;
  constructor(private readonly data: Uint8Array) {}
  u8(): number {
    if (this.pos >= this.data.length) invalid(`decoder configuration record truncated at byte ${this.pos}`);
    return this.data[this.pos++] ?? 0;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.data.length)
      invalid(`decoder configuration record truncated at byte ${this.pos}`);
    const out = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Parses an `avcC` record (AVCDecoderConfigurationRecord). */
export function parseAvcC(record: Uint8Array): AvcDecoderConfig {
  const c = new ByteCursor(record);
  if (c.u8() !== 1) invalid('avcC configurationVersion is not 1');
  const profileIdc = c.u8();
  const profileCompatibility = c.u8();
  const levelIdc = c.u8();
  const lengthSize = (c.u8() & 3) + 1;
  if (lengthSize === 3) invalid('avcC lengthSizeMinusOne = 2 is not allowed');
  const sps: Uint8Array[] = [];
  const numSps = c.u8() & 0x1f;
  for (let i = 0; i < numSps; i++) sps.push(c.bytes(c.u16()));
  const pps: Uint8Array[] = [];
  const numPps = c.u8();
  for (let i = 0; i < numPps; i++) pps.push(c.bytes(c.u16()));
  // The High-profile extension (chroma format, bit depths) is derivable from the SPS; not needed here.
  return { codec: 'h264', profileIdc, profileCompatibility, levelIdc, lengthSize, sps, pps };
}

/** Builds an `avcC` record from SPS/PPS NAL units (header byte included, no start code). */
export function buildAvcC(parameterSets: {
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
  lengthSize?: 1 | 2 | 4;
}): Uint8Array {
  const first = parameterSets.sps[0];
  if (!first) invalid('an avcC record needs at least one SPS');
  const sps = parseH264Sps(first);
  const out: number[] = [
    1,
    sps.profileIdc,
    sps.constraintFlags,
    sps.levelIdc,
    0xfc | ((parameterSets.lengthSize ?? 4) - 1),
  ];
  out.push(0xe0 | parameterSets.sps.length);
  for (const nal of parameterSets.sps) out.push(nal.length >>> 8, nal.length & 0xff, ...nal);
  out.push(parameterSets.pps.length);
  for (const nal of parameterSets.pps) out.push(nal.length >>> 8, nal.length & 0xff, ...nal);
  if ([100, 110, 122, 144].includes(sps.profileIdc)) {
    out.push(0xfc | sps.chromaFormatIdc, 0xf8 | (sps.bitDepthLuma - 8), 0xf8 | (sps.bitDepthChroma - 8), 0);
  }
  return Uint8Array.from(out);
}

/** Parses an `hvcC` record (HEVCDecoderConfigurationRecord). */
export function parseHvcC(record: Uint8Array): HevcDecoderConfig {
  const c = new ByteCursor(record);
  if (c.u8() !== 1) invalid('hvcC configurationVersion is not 1');
  const b1 = c.u8();
  const compatibilityFlags = ((c.u16() << 16) | c.u16()) >>> 0;
  const constraintIndicatorFlags: number[] = [];
  for (let i = 0; i < 6; i++) constraintIndicatorFlags.push(c.u8());
  const levelIdc = c.u8();
  c.u16(); // min_spatial_segmentation_idc
  c.u8(); // parallelismType
  const chromaFormatIdc = c.u8() & 3;
  const bitDepthLuma = (c.u8() & 7) + 8;
  const bitDepthChroma = (c.u8() & 7) + 8;
  c.u16(); // avgFrameRate
  const lengthSize = (c.u8() & 3) + 1;
  if (lengthSize === 3) invalid('hvcC lengthSizeMinusOne = 2 is not allowed');
  const vps: Uint8Array[] = [];
  const sps: Uint8Array[] = [];
  const pps: Uint8Array[] = [];
  const other: Uint8Array[] = [];
  const arrays = c.u8();
  for (let a = 0; a < arrays; a++) {
    const type = c.u8() & 0x3f;
    const count = c.u16();
    for (let i = 0; i < count; i++) {
      const nal = c.bytes(c.u16());
      (type === 32 ? vps : type === 33 ? sps : type === 34 ? pps : other).push(nal);
    }
  }
  const profileTierLevel: HevcProfileTierLevel = {
    profileSpace: b1 >>> 6,
    tierFlag: (b1 >>> 5) & 1,
    profileIdc: b1 & 0x1f,
    compatibilityFlags,
    constraintIndicatorFlags,
    levelIdc,
  };
  return {
    codec: 'h265',
    profileTierLevel,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    lengthSize,
    vps,
    sps,
    pps,
    other,
  };
}

/** Builds an `hvcC` record from VPS/SPS/PPS NAL units (2-byte header included, no start code). */
export function buildHvcC(parameterSets: {
  vps: readonly Uint8Array[];
  sps: readonly Uint8Array[];
  pps: readonly Uint8Array[];
  lengthSize?: 1 | 2 | 4;
}): Uint8Array {
  const first = parameterSets.sps[0];
  if (!first) invalid('an hvcC record needs at least one SPS');
  const sps = parseH265Sps(first);
  const ptl = sps.profileTierLevel;
  const out: number[] = [1, (ptl.profileSpace << 6) | (ptl.tierFlag << 5) | ptl.profileIdc];
  const flags = ptl.compatibilityFlags;
  out.push(flags >>> 24, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff);
  out.push(...ptl.constraintIndicatorFlags, ptl.levelIdc);
  out.push(
    0xf0,
    0x00,
    0xfc,
    0xfc | sps.chromaFormatIdc,
    0xf8 | (sps.bitDepthLuma - 8),
    0xf8 | (sps.bitDepthChroma - 8),
  );
  out.push(0, 0); // avgFrameRate unknown
  out.push((sps.maxSubLayers << 3) | ((parameterSets.lengthSize ?? 4) - 1));
  const arrays: [number, readonly Uint8Array[]][] = [
    [32, parameterSets.vps],
    [33, parameterSets.sps],
    [34, parameterSets.pps],
  ];
  const present = arrays.filter(([, nals]) => nals.length > 0);
  out.push(present.length);
  for (const [type, nals] of present) {
    out.push(0x80 | type, nals.length >>> 8, nals.length & 0xff);
    for (const nal of nals) out.push(nal.length >>> 8, nal.length & 0xff, ...nal);
  }
  return Uint8Array.from(out);
}

function typeOf(codec: VideoCodecName, nal: Uint8Array): number {
  const b0 = nal[0] ?? 0;
  return codec === 'h264' ? b0 & 0x1f : (b0 >>> 1) & 0x3f;
}

/** Options of {@link lengthPrefixedToAnnexB}. */
export interface LengthPrefixedToAnnexBOptions {
  /**
   * Insert the record's parameter sets (H.265: and its declarative SEI) before IDR (H.265: IRAP) pictures
   * that lack an SPS. Default true.
   */
  readonly insertParameterSets?: boolean;
}

/**
 * Converts one length-prefixed sample (MP4, WebCodecs `EncodedVideoChunk` with a description) to an
 * Annex B sample with 4-byte start codes. With the record's parameter sets inserted before IDR slices,
 * the sample is what Rerun's VideoStream expects. One copy.
 */
export function lengthPrefixedToAnnexB(
  sample: Uint8Array,
  config: DecoderConfig,
  options: LengthPrefixedToAnnexBOptions = {},
): Uint8Array {
  const { codec, lengthSize } = config;
  const nals: Uint8Array[] = [];
  let pos = 0;
  while (pos < sample.length) {
    if (pos + lengthSize > sample.length)
      invalid(`NAL length prefix truncated at byte ${pos} of ${sample.length}`);
    let len = 0;
    for (let k = 0; k < lengthSize; k++) len = len * 256 + (sample[pos + k] ?? 0);
    pos += lengthSize;
    if (len === 0 || pos + len > sample.length) {
      invalid(
        `NAL length ${len} at byte ${pos - lengthSize} does not fit the ${sample.length}-byte sample; wrong lengthSize or not length-prefixed?`,
      );
    }
    nals.push(sample.subarray(pos, pos + len));
    pos += len;
  }
  const types = nals.map((nal) => typeOf(codec, nal));
  const isRap = codec === 'h264' ? types.includes(5) : types.some((t) => t >= 16 && t <= 23);
  const hasSps = types.includes(codec === 'h264' ? 7 : 33);
  let parameterSets: readonly Uint8Array[] = [];
  if ((options.insertParameterSets ?? true) && isRap && !hasSps) {
    parameterSets =
      config.codec === 'h264'
        ? [...config.sps, ...config.pps]
        : // Declarative SEI from the hvcC arrays goes along, as ffmpeg's hevc_mp4toannexb does.
          [...config.vps, ...config.sps, ...config.pps, ...config.other];
  }
  const audFirst = types[0] === (codec === 'h264' ? 9 : 35);
  const ordered =
    parameterSets.length === 0
      ? nals
      : audFirst
        ? [nals[0] as Uint8Array, ...parameterSets, ...nals.slice(1)]
        : [...parameterSets, ...nals];
  let size = 0;
  for (const nal of ordered) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of ordered) {
    out[at + 3] = 1;
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

/** Options of {@link annexBToLengthPrefixed}. */
export interface AnnexBToLengthPrefixedOptions {
  /** Bytes per length prefix. Default 4. */
  readonly lengthSize?: 1 | 2 | 4;
  /** Leave out parameter sets (VPS/SPS/PPS), e.g. when they travel in the record. Default false. */
  readonly dropParameterSets?: boolean;
  /** Needed with `dropParameterSets`. */
  readonly codec?: VideoCodecName;
}

/** Converts an Annex B sample to length-prefixed NAL units (for MP4 or a WebCodecs decoder with a description). */
export function annexBToLengthPrefixed(
  sample: Uint8Array,
  options: AnnexBToLengthPrefixedOptions = {},
): Uint8Array {
  const lengthSize = options.lengthSize ?? 4;
  const codec = options.codec ?? 'h264';
  let nals = splitAnnexB(sample).map((n) => n.data);
  if (options.dropParameterSets) {
    nals = nals.filter((nal) => {
      const t = typeOf(codec, nal);
      return codec === 'h264' ? t !== 7 && t !== 8 : t < 32 || t > 34;
    });
  }
  const max = lengthSize === 4 ? 0xffffffff : 2 ** (8 * lengthSize) - 1;
  let size = 0;
  for (const nal of nals) {
    if (nal.length > max) invalid(`NAL unit of ${nal.length} bytes does not fit a ${lengthSize}-byte length`);
    size += lengthSize + nal.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nals) {
    let len = nal.length;
    for (let k = lengthSize - 1; k >= 0; k--) {
      out[at + k] = len & 0xff;
      len = Math.floor(len / 256);
    }
    out.set(nal, at + lengthSize);
    at += lengthSize + nal.length;
  }
  return out;
}
