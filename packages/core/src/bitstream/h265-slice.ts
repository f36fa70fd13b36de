import { activeParameterSets } from './active-parameter-sets.js';
import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import type { SliceType } from './h264-slice.js';
import type { H265Pps, H265Sps } from './h265-ps.js';
import { isH265Idr, isH265Irap } from './nal.js';

/** The first fields of an H.265 slice segment header (7.3.6.1). */
export interface H265SliceHeader {
  /** nal_unit_type. */
  readonly nalUnitType: number;
  /** TemporalId from the NAL header. */
  readonly temporalId: number;
  /** first_slice_segment_in_pic_flag: this segment starts a picture. */
  readonly firstSliceSegmentInPic: boolean;
  /** slice_pic_parameter_set_id. */
  readonly ppsId: number;
  /** The SPS the PPS refers to. */
  readonly spsId: number;
  /** dependent_slice_segment_flag. */
  readonly dependentSliceSegment: boolean;
  /** Undefined for dependent slice segments, which inherit it. */
  readonly sliceType: SliceType | undefined;
  /** slice_pic_order_cnt_lsb (0 for IDR). */
  readonly picOrderCntLsb: number;
}

const H265_SLICE_TYPES: readonly SliceType[] = ['B', 'P', 'I'];

/**
 * Parses the first slice segment header fields from an RBSP prefix (2-byte NAL header excluded,
 * emulation prevention removed), or only `rbsp[start, end)`.
 */
export function parseH265SliceHeader(
  rbsp: Uint8Array,
  nalUnitType: number,
  temporalId: number,
  ppsById: ReadonlyMap<number, H265Pps>,
  spsById: ReadonlyMap<number, H265Sps>,
  start = 0,
  end = rbsp.length,
): H265SliceHeader {
  const r = new BitReader(rbsp, start, end);
  const firstSliceSegmentInPic = r.readFlag();
  if (isH265Irap(nalUnitType)) r.skipBits(1); // no_output_of_prior_pics_flag
  const ppsId = r.readUE();
  const { pps, sps } = activeParameterSets('H.265', ppsId, ppsById, spsById);
  let dependentSliceSegment = false;
  if (!firstSliceSegmentInPic) {
    if (pps.dependentSliceSegmentsEnabled) dependentSliceSegment = r.readFlag();
    r.skipBits(Math.ceil(Math.log2(sps.picSizeInCtbs))); // slice_segment_address
  }
  let sliceType: SliceType | undefined;
  let picOrderCntLsb = 0;
  if (!dependentSliceSegment) {
    r.skipBits(pps.numExtraSliceHeaderBits);
    const value = r.readUE();
    sliceType = H265_SLICE_TYPES[value];
    if (sliceType === undefined)
      throw new BitstreamError('bitstream-invalid-slice-header', `H.265 slice_type ${value}`);
    if (pps.outputFlagPresent) r.skipBits(1);
    if (sps.separateColourPlane) r.skipBits(2);
    if (!isH265Idr(nalUnitType)) picOrderCntLsb = r.readBits(sps.log2MaxPicOrderCntLsb);
  }
  return {
    nalUnitType,
    temporalId,
    firstSliceSegmentInPic,
    ppsId,
    spsId: sps.spsId,
    dependentSliceSegment,
    sliceType,
    picOrderCntLsb,
  };
}

/** Picture order count (8.3.1) across pictures in decode order. */
export class H265PocComputer {
  private prevTid0Poc = 0;
  private first = true;

  /** Forget the previous picture: the next IRAP starts a new coded video sequence (after end of sequence). */
  reset(): void {
    this.first = true;
  }

  /** POC of the picture whose first slice segment is `slice`. */
  compute(slice: H265SliceHeader, sps: H265Sps): number {
    const type = slice.nalUnitType;
    const maxLsb = 2 ** sps.log2MaxPicOrderCntLsb;
    const lsb = slice.picOrderCntLsb;
    let msb = 0;
    // IDR, BLA and the first picture (NoRaslOutputFlag = 1) restart the POC MSB.
    const restart = isH265Irap(type) && (this.first || type <= 20);
    if (!restart) {
      const prevLsb = ((this.prevTid0Poc % maxLsb) + maxLsb) % maxLsb;
      const prevMsb = this.prevTid0Poc - prevLsb;
      msb = prevMsb;
      if (lsb < prevLsb && prevLsb - lsb >= maxLsb / 2) msb += maxLsb;
      else if (lsb > prevLsb && lsb - prevLsb > maxLsb / 2) msb -= maxLsb;
    }
    const poc = msb + lsb;
    this.first = false;
    // prevTid0Pic: TemporalId 0 and not RASL, RADL or a sub-layer non-reference picture.
    const subLayerNonRef = type <= 14 && type % 2 === 0;
    if (slice.temporalId === 0 && !(type >= 6 && type <= 9) && !subLayerNonRef) this.prevTid0Poc = poc;
    return poc;
  }
}
