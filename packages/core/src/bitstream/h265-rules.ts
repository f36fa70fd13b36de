import { BitstreamError } from './bitstream-error.js';
import type { CodecRules, H265Syntax, ParameterSetKind, PocCounter } from './codec-rules.js';
import { parseH265Pps, parseH265Sps, parseH265Vps } from './h265-ps.js';
import { H265PocComputer, type H265SliceHeader, parseH265SliceHeader } from './h265-slice.js';
import { H265NalType, h265RandomAccessKind, isH265Vcl, type RandomAccessKind } from './nal.js';
import type { ParameterSetStore } from './parameter-set-store.js';

/** Reserved non-VCL types 41..44 and unspecified types 48..55 also begin an access unit (7.4.2.4.4). */
const RESERVED_ACCESS_UNIT_START = { first: 41, last: 44 } as const;
const UNSPECIFIED_ACCESS_UNIT_START = { first: 48, last: 55 } as const;
/** Even VCL types up to RSV_VCL_N14 are sub-layer non-reference pictures (TRAIL_N, TSA_N, …, RSV_VCL_N14). */
const LAST_SUB_LAYER_NON_REFERENCE_TYPE = 14;

/** nuh_layer_id = 0: the splitter keeps to the base layer of a multi-layer stream. */
function isBaseLayer(byte0: number, byte1: number): boolean {
  return (byte0 & 1) === 0 && byte1 >>> 3 === 0;
}

/** H.265 (ITU-T H.265, 7.3.1.2 and 7.4.2.4.4) for the access-unit splitter. */
export const h265Rules: CodecRules<H265Syntax> = {
  codec: 'h265',
  headerLength: 2,
  accessUnitDelimiterType: H265NalType.Aud,
  parameterSetTypes: [
    { kind: 'vps', type: H265NalType.Vps },
    { kind: 'sps', type: H265NalType.Sps },
    { kind: 'pps', type: H265NalType.Pps },
  ],

  nalType(byte0: number): number {
    return (byte0 >>> 1) & 0x3f;
  },

  isVcl(type: number, byte0: number, byte1: number): boolean {
    return isH265Vcl(type) && isBaseLayer(byte0, byte1);
  },

  startsAccessUnit(type: number, byte0: number, byte1: number): boolean {
    // 7.4.2.4.4: VPS, SPS, PPS, AUD, prefix SEI and the reserved/unspecified 41..44, 48..55.
    return (
      isBaseLayer(byte0, byte1) &&
      ((type >= H265NalType.Vps && type <= H265NalType.Aud) ||
        type === H265NalType.PrefixSei ||
        (type >= RESERVED_ACCESS_UNIT_START.first && type <= RESERVED_ACCESS_UNIT_START.last) ||
        (type >= UNSPECIFIED_ACCESS_UNIT_START.first && type <= UNSPECIFIED_ACCESS_UNIT_START.last))
    );
  },

  parameterSetKind(type: number, byte0: number, byte1: number): ParameterSetKind | undefined {
    if (!isBaseLayer(byte0, byte1)) return undefined;
    if (type === H265NalType.Vps) return 'vps';
    if (type === H265NalType.Sps) return 'sps';
    if (type === H265NalType.Pps) return 'pps';
    return undefined;
  },

  carriesRecoveryPoint(): boolean {
    // H.265 random access is in the NAL unit types (CRA, BLA); recovery-point SEIs are not read.
    return false;
  },

  isEndOfSequence(type: number): boolean {
    return type === H265NalType.EndOfSequence;
  },

  randomAccessKind(firstVclType: number): RandomAccessKind | undefined {
    return h265RandomAccessKind(firstVclType);
  },

  isReference(type: number): boolean {
    return !(type <= LAST_SUB_LAYER_NON_REFERENCE_TYPE && type % 2 === 0);
  },

  storeParameterSet(kind: ParameterSetKind, nal: Uint8Array, sets: ParameterSetStore<H265Syntax>): void {
    if (kind === 'vps') {
      const vps = parseH265Vps(nal);
      sets.addVps(vps.vpsId, vps, nal);
    } else if (kind === 'sps') {
      const sps = parseH265Sps(nal);
      sets.addSps(sps.spsId, sps, nal);
    } else {
      const pps = parseH265Pps(nal);
      sets.addPps(pps.ppsId, pps, nal);
    }
  },

  readSliceHeader(
    rbsp: Uint8Array,
    start: number,
    end: number,
    type: number,
    _byte0: number,
    byte1: number,
    sets: ParameterSetStore<H265Syntax>,
  ): H265SliceHeader | undefined {
    const temporalId = (byte1 & 7) - 1;
    try {
      return parseH265SliceHeader(rbsp, type, temporalId, sets.pps, sets.sps, start, end);
    } catch (error) {
      if (!(error instanceof BitstreamError)) throw error;
      return undefined;
    }
  },

  startsPicture(
    _slice: H265SliceHeader | undefined,
    _previous: H265SliceHeader | undefined,
    rbsp: Uint8Array,
    start: number,
    end: number,
  ): boolean {
    // first_slice_segment_in_pic_flag, the first bit: readable even when the rest of the header is not.
    return end > start && ((rbsp[start] ?? 0) & 0x80) !== 0;
  },

  frameNum(): undefined {
    return undefined;
  },

  createPocCounter(): PocCounter<H265Syntax> {
    const poc = new H265PocComputer();
    return {
      compute: (slice, sps) => poc.compute(slice, sps),
      // After an end of sequence the next picture restarts the POC (NoRaslOutputFlag = 1), even a CRA.
      endOfSequence: () => poc.reset(),
    };
  },
};
