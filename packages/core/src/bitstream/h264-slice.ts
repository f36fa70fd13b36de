import { activeParameterSets } from './active-parameter-sets.js';
import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import type { H264Pps } from './h264-pps.js';
import type { H264Sps } from './h264-sps.js';

/** Slice types as ffprobe's `pict_type` letters. */
export type SliceType = 'P' | 'B' | 'I' | 'SP' | 'SI';

const SLICE_TYPES: readonly SliceType[] = ['P', 'B', 'I', 'SP', 'SI'];

/** The first fields of an H.264 slice header (7.3.3), enough to find picture boundaries and the POC. */
export interface H264SliceHeader {
  /** nal_unit_type (5 = IDR). */
  readonly nalUnitType: number;
  /** nal_ref_idc (0 = not a reference). */
  readonly nalRefIdc: number;
  /** first_mb_in_slice (0 for the first slice of a picture). */
  readonly firstMbInSlice: number;
  /** Slice type. */
  readonly sliceType: SliceType;
  /** pic_parameter_set_id. */
  readonly ppsId: number;
  /** The SPS the PPS refers to. */
  readonly spsId: number;
  /** frame_num. */
  readonly frameNum: number;
  /** field_pic_flag. */
  readonly fieldPic: boolean;
  /** bottom_field_flag. */
  readonly bottomField: boolean;
  /** idr_pic_id (IDR slices only). */
  readonly idrPicId: number | undefined;
  /** pic_order_cnt_lsb (POC type 0). */
  readonly picOrderCntLsb: number;
  /** delta_pic_order_cnt_bottom (POC type 0). */
  readonly deltaPicOrderCntBottom: number;
  /** delta_pic_order_cnt[0] (POC type 1). */
  readonly deltaPicOrderCnt0: number;
  /** delta_pic_order_cnt[1] (POC type 1). */
  readonly deltaPicOrderCnt1: number;
}

/** Slice type letter from a slice_type value (0–9; 5–9 mean "all slices of the picture have this type"). */
export function h264SliceTypeFromValue(value: number): SliceType | undefined {
  return SLICE_TYPES[value % 5];
}

/**
 * Parses the first slice-header fields from an RBSP prefix (header byte excluded, emulation
 * prevention removed), or only `rbsp[start, end)`. Needs the PPS and SPS the slice refers to.
 */
export function parseH264SliceHeader(
  rbsp: Uint8Array,
  nalHeaderByte: number,
  ppsById: ReadonlyMap<number, H264Pps>,
  spsById: ReadonlyMap<number, H264Sps>,
  start = 0,
  end = rbsp.length,
): H264SliceHeader {
  const nalUnitType = nalHeaderByte & 0x1f;
  const nalRefIdc = (nalHeaderByte >>> 5) & 3;
  const r = new BitReader(rbsp, start, end);
  const firstMbInSlice = r.readUE();
  const sliceTypeValue = r.readUE();
  const sliceType = sliceTypeValue <= 9 ? h264SliceTypeFromValue(sliceTypeValue) : undefined;
  if (sliceType === undefined) {
    throw new BitstreamError('bitstream-invalid-slice-header', `H.264 slice_type ${sliceTypeValue} (0–9)`);
  }
  const ppsId = r.readUE();
  const { pps, sps } = activeParameterSets('H.264', ppsId, ppsById, spsById);
  if (sps.separateColourPlane) r.skipBits(2); // colour_plane_id
  const frameNum = r.readBits(sps.log2MaxFrameNum);
  let fieldPic = false;
  let bottomField = false;
  if (!sps.frameMbsOnly) {
    fieldPic = r.readFlag();
    if (fieldPic) bottomField = r.readFlag();
  }
  const idrPicId = nalUnitType === 5 ? r.readUE() : undefined;
  let picOrderCntLsb = 0;
  let deltaPicOrderCntBottom = 0;
  let deltaPicOrderCnt0 = 0;
  let deltaPicOrderCnt1 = 0;
  if (sps.picOrderCntType === 0) {
    picOrderCntLsb = r.readBits(sps.log2MaxPicOrderCntLsb);
    if (pps.bottomFieldPicOrderInFramePresent && !fieldPic) deltaPicOrderCntBottom = r.readSE();
  } else if (sps.picOrderCntType === 1 && !sps.deltaPicOrderAlwaysZero) {
    deltaPicOrderCnt0 = r.readSE();
    if (pps.bottomFieldPicOrderInFramePresent && !fieldPic) deltaPicOrderCnt1 = r.readSE();
  }
  return {
    nalUnitType,
    nalRefIdc,
    firstMbInSlice,
    sliceType,
    ppsId,
    spsId: sps.spsId,
    frameNum,
    fieldPic,
    bottomField,
    idrPicId,
    picOrderCntLsb,
    deltaPicOrderCntBottom,
    deltaPicOrderCnt0,
    deltaPicOrderCnt1,
  };
}

/**
 * H.264 7.4.1.2.4: does slice `cur` start a new primary coded picture after slice `prev`?
 * `picOrderCntType` is that of the active SPS.
 */
export function isNewH264Picture(
  prev: H264SliceHeader,
  cur: H264SliceHeader,
  picOrderCntType: number,
): boolean {
  if (cur.frameNum !== prev.frameNum) return true;
  if (cur.ppsId !== prev.ppsId) return true;
  if (cur.fieldPic !== prev.fieldPic || cur.bottomField !== prev.bottomField) return true;
  if ((cur.nalRefIdc === 0) !== (prev.nalRefIdc === 0)) return true;
  const curIdr = cur.nalUnitType === 5;
  if (curIdr !== (prev.nalUnitType === 5)) return true;
  if (curIdr && cur.idrPicId !== prev.idrPicId) return true;
  if (picOrderCntType === 0) {
    if (
      cur.picOrderCntLsb !== prev.picOrderCntLsb ||
      cur.deltaPicOrderCntBottom !== prev.deltaPicOrderCntBottom
    ) {
      return true;
    }
  } else if (picOrderCntType === 1) {
    if (
      cur.deltaPicOrderCnt0 !== prev.deltaPicOrderCnt0 ||
      cur.deltaPicOrderCnt1 !== prev.deltaPicOrderCnt1
    ) {
      return true;
    }
  }
  // A slice restarting at macroblock 0 begins another picture even when every field above matches.
  return cur.firstMbInSlice === 0;
}

/**
 * Picture order count (8.2.1) across pictures in decode order, for all three POC types.
 * memory_management_control_operation 5 is not tracked (x264 never emits it).
 */
export class H264PocComputer {
  private prevPocMsb = 0;
  private prevPocLsb = 0;
  private prevFrameNumOffset = 0;
  private prevFrameNum = 0;

  /** POC of the picture whose first slice is `slice`. */
  compute(slice: H264SliceHeader, sps: H264Sps): number {
    const idr = slice.nalUnitType === 5;
    if (sps.picOrderCntType === 0) {
      if (idr) {
        this.prevPocMsb = 0;
        this.prevPocLsb = 0;
      }
      const maxLsb = 2 ** sps.log2MaxPicOrderCntLsb;
      const lsb = slice.picOrderCntLsb;
      let msb = this.prevPocMsb;
      if (lsb < this.prevPocLsb && this.prevPocLsb - lsb >= maxLsb / 2) msb += maxLsb;
      else if (lsb > this.prevPocLsb && lsb - this.prevPocLsb > maxLsb / 2) msb -= maxLsb;
      const top = msb + lsb;
      const poc = slice.fieldPic ? top : Math.min(top, top + slice.deltaPicOrderCntBottom);
      if (slice.nalRefIdc !== 0) {
        this.prevPocMsb = msb;
        this.prevPocLsb = lsb;
      }
      return poc;
    }
    const maxFrameNum = 2 ** sps.log2MaxFrameNum;
    let frameNumOffset: number;
    if (idr) frameNumOffset = 0;
    else if (this.prevFrameNum > slice.frameNum) frameNumOffset = this.prevFrameNumOffset + maxFrameNum;
    else frameNumOffset = this.prevFrameNumOffset;
    this.prevFrameNumOffset = frameNumOffset;
    this.prevFrameNum = slice.frameNum;
    if (sps.picOrderCntType === 2) {
      const t = 2 * (frameNumOffset + slice.frameNum);
      return slice.nalRefIdc === 0 ? t - 1 : t;
    }
    // Type 1 (8.2.1.2).
    const cycle = sps.offsetForRefFrame;
    let absFrameNum = cycle.length !== 0 ? frameNumOffset + slice.frameNum : 0;
    if (slice.nalRefIdc === 0 && absFrameNum > 0) absFrameNum--;
    let expected = 0;
    if (absFrameNum > 0) {
      let deltaInCycle = 0;
      for (const o of cycle) deltaInCycle += o;
      const cycleCount = Math.floor((absFrameNum - 1) / cycle.length);
      const inCycle = (absFrameNum - 1) % cycle.length;
      expected = cycleCount * deltaInCycle;
      for (let i = 0; i <= inCycle; i++) expected += cycle[i] ?? 0;
    }
    if (slice.nalRefIdc === 0) expected += sps.offsetForNonRefPic;
    const top = expected + slice.deltaPicOrderCnt0;
    if (slice.fieldPic) return slice.bottomField ? top + sps.offsetForTopToBottomField : top;
    return Math.min(top, top + sps.offsetForTopToBottomField + slice.deltaPicOrderCnt1);
  }
}
