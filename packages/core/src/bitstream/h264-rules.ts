import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import type { CodecRules, H264Syntax, ParameterSetKind, PocCounter } from './codec-rules.js';
import { parseH264Pps } from './h264-pps.js';
import {
  H264PocComputer,
  type H264SliceHeader,
  isNewH264Picture,
  parseH264SliceHeader,
} from './h264-slice.js';
import { parseH264Sps } from './h264-sps.js';
import { H264NalType, isH264Vcl, type RandomAccessKind } from './nal.js';
import type { ParameterSetStore } from './parameter-set-store.js';

/** Last nal_unit_type of the 14..18 range (prefix NAL, subset SPS, DPS, reserved 17..18) that begins an access unit. */
const LAST_ACCESS_UNIT_START_TYPE = 18;

/** H.264 (ITU-T H.264, 7.3.1 and 7.4.1.2.3/7.4.1.2.4) for the access-unit splitter. */
export const h264Rules: CodecRules<H264Syntax> = {
  codec: 'h264',
  headerLength: 1,
  accessUnitDelimiterType: H264NalType.Aud,
  parameterSetTypes: [
    { kind: 'sps', type: H264NalType.Sps },
    { kind: 'pps', type: H264NalType.Pps },
  ],

  nalType(byte0: number): number {
    return byte0 & 0x1f;
  },

  isVcl(type: number): boolean {
    return isH264Vcl(type);
  },

  startsAccessUnit(type: number): boolean {
    // 7.4.1.2.3: SEI, SPS, PPS, AUD, and prefix NAL, subset SPS, DPS, reserved 17..18.
    return (
      (type >= H264NalType.Sei && type <= H264NalType.Aud) ||
      (type >= H264NalType.PrefixNal && type <= LAST_ACCESS_UNIT_START_TYPE)
    );
  },

  parameterSetKind(type: number): ParameterSetKind | undefined {
    if (type === H264NalType.Sps) return 'sps';
    if (type === H264NalType.Pps) return 'pps';
    return undefined;
  },

  carriesRecoveryPoint(type: number): boolean {
    return type === H264NalType.Sei;
  },

  isEndOfSequence(type: number): boolean {
    return type === H264NalType.EndOfSequence;
  },

  randomAccessKind(firstVclType: number, recoveryPoint: boolean): RandomAccessKind | undefined {
    if (firstVclType === H264NalType.IdrSlice) return 'idr';
    return recoveryPoint ? 'recovery-point' : undefined;
  },

  isReference(_type: number, byte0: number): boolean {
    // nal_ref_idc ≠ 0.
    return ((byte0 >>> 5) & 3) !== 0;
  },

  storeParameterSet(kind: ParameterSetKind, nal: Uint8Array, sets: ParameterSetStore<H264Syntax>): void {
    if (kind === 'sps') {
      const sps = parseH264Sps(nal);
      sets.addSps(sps.spsId, sps, nal);
    } else {
      const pps = parseH264Pps(nal);
      sets.addPps(pps.ppsId, pps, nal);
    }
  },

  readSliceHeader(
    rbsp: Uint8Array,
    start: number,
    end: number,
    _type: number,
    byte0: number,
    _byte1: number,
    sets: ParameterSetStore<H264Syntax>,
  ): H264SliceHeader | undefined {
    try {
      return parseH264SliceHeader(rbsp, byte0, sets.pps, sets.sps, start, end);
    } catch (error) {
      if (!(error instanceof BitstreamError)) throw error;
      return undefined;
    }
  },

  startsPicture(
    slice: H264SliceHeader | undefined,
    previous: H264SliceHeader | undefined,
    rbsp: Uint8Array,
    start: number,
    end: number,
    sets: ParameterSetStore<H264Syntax>,
  ): boolean {
    // 7.4.1.2.4 when both slice headers parsed; otherwise a slice starting at macroblock 0.
    if (slice && previous) {
      return isNewH264Picture(previous, slice, sets.sps.get(slice.spsId)?.picOrderCntType ?? 0);
    }
    return (slice ? slice.firstMbInSlice : readFirstMbInSlice(rbsp, start, end)) === 0;
  },

  frameNum(slice: H264SliceHeader): number {
    return slice.frameNum;
  },

  createPocCounter(): PocCounter<H264Syntax> {
    const poc = new H264PocComputer();
    return {
      compute: (slice, sps) => poc.compute(slice, sps),
      // An end of sequence must be followed by an IDR picture (7.4.1.2.3), which restarts the POC by itself.
      endOfSequence: () => {},
    };
  },
};

/** first_mb_in_slice alone, when the rest of the slice header cannot be read (unknown PPS/SPS); −2 if damaged. */
function readFirstMbInSlice(rbsp: Uint8Array, start: number, end: number): number {
  try {
    return new BitReader(rbsp, start, end).readUE();
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
    return -2;
  }
}
