import type { H264Pps } from './h264-pps.js';
import { h264Rules } from './h264-rules.js';
import type { H264SliceHeader } from './h264-slice.js';
import type { H264Sps } from './h264-sps.js';
import type { H265Pps, H265Sps, H265Vps } from './h265-ps.js';
import { h265Rules } from './h265-rules.js';
import type { H265SliceHeader } from './h265-slice.js';
import type { RandomAccessKind, VideoCodecName } from './nal.js';
import type { ParameterSetStore } from './parameter-set-store.js';

/** The parsed syntax structures of H.264, for {@link CodecRules} and {@link ParameterSetStore}. */
export interface H264Syntax {
  readonly slice: H264SliceHeader;
  /** H.264 has no video parameter set. */
  readonly vps: never;
  readonly sps: H264Sps;
  readonly pps: H264Pps;
}

/** The parsed syntax structures of H.265, for {@link CodecRules} and {@link ParameterSetStore}. */
export interface H265Syntax {
  readonly slice: H265SliceHeader;
  readonly vps: H265Vps;
  readonly sps: H265Sps;
  readonly pps: H265Pps;
}

/** Either codec's syntax structures. */
export type CodecSyntax = H264Syntax | H265Syntax;

/** The parameter sets a picture needs: video (H.265 only), sequence and picture parameter sets. */
export type ParameterSetKind = 'vps' | 'sps' | 'pps';

/** Picture order count across the pictures of a stream, in decode order. */
export interface PocCounter<S extends CodecSyntax> {
  /** POC of the picture whose first slice is `slice`, whose active SPS is `sps`. */
  compute(slice: S['slice'], sps: S['sps']): number;
  /** An end of sequence NAL unit passed: what follows starts a new coded video sequence. */
  endOfSequence(): void;
}

/**
 * Everything the access-unit splitter needs to know about one codec, so that the splitter itself has no
 * codec branches: one object per codec ({@link h264Rules}, {@link h265Rules}).
 *
 * `type` is a nal_unit_type, `byte0`/`byte1` are the NAL unit header's bytes (`byte1` is 0 for H.264).
 */
export interface CodecRules<S extends CodecSyntax = CodecSyntax> {
  readonly codec: VideoCodecName;
  /** Length of the NAL unit header in bytes. */
  readonly headerLength: 1 | 2;
  /** nal_unit_type of an access unit delimiter, which must stay first in its access unit. */
  readonly accessUnitDelimiterType: number;
  /** The codec's parameter sets in the order they precede a picture, with their nal_unit_type. */
  readonly parameterSetTypes: readonly { readonly kind: ParameterSetKind; readonly type: number }[];

  /** nal_unit_type from the first header byte. */
  nalType(byte0: number): number;
  /** A VCL NAL unit: a slice of a picture of the stream (H.265: of the base layer). */
  isVcl(type: number, byte0: number, byte1: number): boolean;
  /**
   * A NAL unit that begins a new access unit when it follows the last VCL NAL unit of a picture (never a
   * VCL NAL unit: a slice begins a new picture by its header, see {@link startsPicture}).
   */
  startsAccessUnit(type: number, byte0: number, byte1: number): boolean;
  /** Which parameter set the NAL unit is, if it is one the splitter keeps. */
  parameterSetKind(type: number, byte0: number, byte1: number): ParameterSetKind | undefined;
  /** An SEI NAL unit the splitter reads for a recovery point (x264's open-GOP keyframes). */
  carriesRecoveryPoint(type: number): boolean;
  /** An end of sequence NAL unit. */
  isEndOfSequence(type: number): boolean;
  /**
   * Random-access kind of a picture whose first VCL NAL unit has type `firstVclType`; `recoveryPoint`
   * says whether its access unit carried a recovery point SEI.
   */
  randomAccessKind(firstVclType: number, recoveryPoint: boolean): RandomAccessKind | undefined;
  /** Whether other pictures may reference the picture whose first VCL NAL unit is `type`/`byte0`. */
  isReference(type: number, byte0: number): boolean;

  /** Parses a parameter-set NAL unit (header included) into `sets`; throws `BitstreamError` if it does not parse. */
  storeParameterSet(kind: ParameterSetKind, nal: Uint8Array, sets: ParameterSetStore<S>): void;
  /**
   * Reads the slice header from `rbsp[start, end)` (the RBSP after the NAL header, or a prefix of it);
   * undefined if it does not parse (a parameter set it names is missing or damaged, or the prefix is damaged).
   */
  readSliceHeader(
    rbsp: Uint8Array,
    start: number,
    end: number,
    type: number,
    byte0: number,
    byte1: number,
    sets: ParameterSetStore<S>,
  ): S['slice'] | undefined;
  /**
   * Whether a slice begins a new picture after `previous`, the last slice of the access unit being
   * assembled. `slice` is what {@link readSliceHeader} made of `rbsp[start, end)`.
   */
  startsPicture(
    slice: S['slice'] | undefined,
    previous: S['slice'] | undefined,
    rbsp: Uint8Array,
    start: number,
    end: number,
    sets: ParameterSetStore<S>,
  ): boolean;
  /** frame_num of a picture's first slice (H.264); undefined for H.265. */
  frameNum(slice: S['slice']): number | undefined;
  /** A fresh picture order count state for a new stream. */
  createPocCounter(): PocCounter<S>;
}

/** The rules of `codec`. */
export function codecRules(codec: VideoCodecName): CodecRules {
  return codec === 'h264' ? h264Rules : h265Rules;
}
