import type { AccessUnit } from './access-unit.js';
import { AccessUnitSplitter } from './access-unit-splitter.js';
import { detectCodec } from './codec-detection.js';
import { h264LevelNumber, h265LevelNumber } from './codec-string.js';
import type { SliceType } from './h264-slice.js';
import type { H264Sps } from './h264-sps.js';
import type { H265Sps } from './h265-ps.js';
import type { VideoCodecName } from './nal.js';

/** Whole-stream facts, as `camstream inspect` prints them. */
export interface BitstreamSummary {
  /** The codec. */
  readonly codec: VideoCodecName;
  /** Codec string of the first SPS (`avc1.…` / `hev1.…`). */
  readonly codecString: string | undefined;
  /** Display size (after cropping / conformance window). */
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Size of the coded picture grid (e.g. 1920x1088). */
  readonly codedWidth: number | undefined;
  readonly codedHeight: number | undefined;
  /** Profile name as ffprobe prints it (`High`, `Main 10`, …). */
  readonly profile: string | undefined;
  /** profile_idc / general_profile_idc. */
  readonly profileIdc: number | undefined;
  /** Level number (3.1, …). */
  readonly level: number | undefined;
  /** level_idc / general_level_idc, as ffprobe prints `level`. */
  readonly levelIdc: number | undefined;
  /** Luma bit depth. */
  readonly bitDepth: number | undefined;
  /** `4:0:0`, `4:2:0`, `4:2:2` or `4:4:4`. */
  readonly chromaFormat: string | undefined;
  /** Frame rate from the H.264 VUI timing info, if present. */
  readonly frameRate: number | undefined;
  /** Total bytes in samples. */
  readonly bytes: number;
  /** Access units (frames). */
  readonly frameCount: number;
  /** Decode-order indices of the samples Rerun 0.33 treats as keyframes (SPS + IDR). */
  readonly keyframeIndices: readonly number[];
  /** Decode-order indices of all random-access pictures (IDR, CRA, BLA). */
  readonly randomAccessIndices: readonly number[];
  /** Frames from each keyframe to the next (the last one to the end of the stream). */
  readonly gopLengths: readonly number[];
  /** Frames before the first keyframe: Rerun cannot show them. */
  readonly framesBeforeFirstKeyframe: number;
  /** Picture types in decode order, e.g. `IPPPP…`. */
  readonly pictTypes: string;
  /** B-slices or reordered pictures were seen (Rerun 0.33 cannot play them). */
  readonly hasBFrames: boolean;
  /** Random-access points other pictures reach across: H.265 CRA/BLA, or an H.264 non-IDR I-frame with leading pictures. */
  readonly openGop: boolean;
  /** More than one SPS content (resolution/profile change), which Rerun 0.33 does not support. */
  readonly spsChanges: number;
}

/** Options of {@link summarizeBitstream}. */
export interface SummarizeOptions {
  /** The codec; detected from the first NAL unit header if omitted. */
  readonly codec?: VideoCodecName;
}

const CHROMA = ['4:0:0', '4:2:0', '4:2:2', '4:4:4'];

/** Accumulates a {@link BitstreamSummary} from access units in decode order. */
export class SummaryBuilder {
  private readonly codec: VideoCodecName;
  private sps: H264Sps | H265Sps | undefined;
  private lastKey: string | undefined;
  private spsChanges = 0;
  private bytes = 0;
  private count = 0;
  private readonly keyframes: number[] = [];
  private readonly randomAccess: number[] = [];
  private pictTypes = '';
  private hasBFrames = false;
  private openGop = false;
  // Non-IDR I pictures in the current sequence (H.264 open-GOP detection): their POC.
  private openCandidatePoc: number | undefined;
  private openCandidateSequence = -1;

  constructor(codec: VideoCodecName) {
    this.codec = codec;
  }

  /** Adds the next access unit. */
  add(au: AccessUnit): void {
    this.count++;
    this.bytes += au.data.length;
    if (au.sps) {
      this.sps ??= au.sps;
      const key = sizeKey(au.sps);
      if (this.lastKey !== undefined && key !== this.lastKey) this.spsChanges++;
      this.lastKey = key;
    }
    if (au.isKeyframe) this.keyframes.push(au.index);
    if (au.randomAccess) this.randomAccess.push(au.index);
    if (au.randomAccess !== undefined && au.randomAccess !== 'idr') this.openGop = true;
    this.pictTypes += pictLetter(au.pictType);
    if (au.hasBFrames) this.hasBFrames = true;
    if (this.codec === 'h264' && au.poc !== undefined) {
      if (
        au.sequence === this.openCandidateSequence &&
        this.openCandidatePoc !== undefined &&
        au.poc < this.openCandidatePoc
      ) {
        this.openGop = true;
      }
      if (
        au.randomAccess === undefined &&
        au.sliceTypes.length > 0 &&
        au.sliceTypes.every((t) => t === 'I')
      ) {
        this.openCandidatePoc = au.poc;
        this.openCandidateSequence = au.sequence;
      }
    }
  }

  /** The summary of everything added so far. */
  finish(): BitstreamSummary {
    const sps = this.sps;
    const gopLengths: number[] = [];
    for (let k = 0; k < this.keyframes.length; k++) {
      gopLengths.push((this.keyframes[k + 1] ?? this.count) - (this.keyframes[k] ?? 0));
    }
    let profileIdc: number | undefined;
    let levelIdc: number | undefined;
    let level: number | undefined;
    let frameRate: number | undefined;
    if (sps && 'profileTierLevel' in sps) {
      profileIdc = sps.profileTierLevel.profileIdc;
      levelIdc = sps.profileTierLevel.levelIdc;
      level = h265LevelNumber(levelIdc);
    } else if (sps) {
      profileIdc = sps.profileIdc;
      levelIdc = sps.levelIdc;
      level = h264LevelNumber(levelIdc);
      const timing = sps.vui?.timing;
      // H.264 VUI counts fields: a frame lasts two ticks.
      if (timing && timing.numUnitsInTick > 0) frameRate = timing.timeScale / (2 * timing.numUnitsInTick);
    }
    return {
      codec: this.codec,
      codecString: sps?.codecString,
      width: sps?.width,
      height: sps?.height,
      codedWidth: sps?.codedWidth,
      codedHeight: sps?.codedHeight,
      profile: sps?.profileName,
      profileIdc,
      level,
      levelIdc,
      bitDepth: sps?.bitDepthLuma,
      chromaFormat: sps ? CHROMA[sps.chromaFormatIdc] : undefined,
      frameRate,
      bytes: this.bytes,
      frameCount: this.count,
      keyframeIndices: this.keyframes,
      randomAccessIndices: this.randomAccess,
      gopLengths,
      framesBeforeFirstKeyframe: this.keyframes[0] ?? this.count,
      pictTypes: this.pictTypes,
      hasBFrames: this.hasBFrames,
      openGop: this.openGop,
      spsChanges: this.spsChanges,
    };
  }
}

function sizeKey(sps: H264Sps | H265Sps): string {
  return `${sps.codecString} ${sps.width}x${sps.height} ${sps.bitDepthLuma} ${sps.chromaFormatIdc}`;
}

function pictLetter(type: SliceType | undefined): string {
  if (type === undefined) return '?';
  return type === 'SP' ? 'P' : type === 'SI' ? 'I' : type;
}

/**
 * Summarizes a whole Annex B stream: one buffer or an iterable of pieces (e.g. a file read in chunks).
 * B-frames and open GOPs are reported, not thrown.
 */
export function summarizeBitstream(
  data: Uint8Array | Iterable<Uint8Array>,
  options: SummarizeOptions = {},
): BitstreamSummary {
  let splitter: AccessUnitSplitter | undefined;
  let builder: SummaryBuilder | undefined;
  const pieces = data instanceof Uint8Array ? [data] : data;
  let head = new Uint8Array(0);
  const feed = (piece: Uint8Array): void => {
    if (!splitter || !builder) {
      // Wait for enough bytes to see the first NAL header before choosing the codec.
      if (!options.codec && head.length + piece.length < 64) {
        const joined = new Uint8Array(head.length + piece.length);
        joined.set(head);
        joined.set(piece, head.length);
        head = joined;
        return;
      }
      const first = head.length > 0 ? concat(head, piece) : piece;
      head = new Uint8Array(0);
      const codec = options.codec ?? detectCodec(first);
      splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', openGop: 'allow' });
      builder = new SummaryBuilder(codec);
      piece = first;
    }
    for (const au of splitter.push(piece)) builder.add(au);
  };
  for (const piece of pieces) if (piece.length > 0) feed(piece);
  if (!splitter && head.length > 0) {
    const codec = options.codec ?? detectCodec(head);
    splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', openGop: 'allow' });
    builder = new SummaryBuilder(codec);
    for (const au of splitter.push(head)) builder.add(au);
  }
  if (!splitter || !builder) return new SummaryBuilder(options.codec ?? 'h264').finish();
  for (const au of splitter.end()) builder.add(au);
  return builder.finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
