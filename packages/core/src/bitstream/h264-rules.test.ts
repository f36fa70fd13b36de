import { describe, expect, it } from 'vitest';
import { BitstreamError } from './bitstream-error.js';
import type { H264Syntax } from './codec-rules.js';
import { h264Rules } from './h264-rules.js';
import { from, IDR, nal, P1, P2, PPS, SPS } from './hand-made-nal.test-util.js';
import { ParameterSetStore } from './parameter-set-store.js';

const types = (predicate: (type: number) => boolean): number[] =>
  Array.from({ length: 32 }, (_, t) => t).filter(predicate);

/** A hand-made NAL unit's header byte and RBSP (they have no emulation prevention). */
function parts(hex: string): { byte0: number; rbsp: Uint8Array } {
  const bytes = from(hex);
  return { byte0: bytes[0] ?? 0, rbsp: bytes.subarray(1) };
}

function storeWithSpsAndPps(): ParameterSetStore<H264Syntax> {
  const sets = new ParameterSetStore<H264Syntax>();
  h264Rules.storeParameterSet('sps', from(SPS), sets);
  h264Rules.storeParameterSet('pps', from(PPS), sets);
  return sets;
}

function readSlice(hex: string, sets: ParameterSetStore<H264Syntax>) {
  const { byte0, rbsp } = parts(hex);
  return h264Rules.readSliceHeader(rbsp, 0, rbsp.length, byte0 & 0x1f, byte0, 0, sets);
}

describe('h264Rules', () => {
  it('reads the one-byte NAL header', () => {
    expect(h264Rules.codec).toBe('h264');
    expect(h264Rules.headerLength).toBe(1);
    expect([0x67, 0x68, 0x65, 0x41, 0x01, 0x06, 0x09].map((b) => h264Rules.nalType(b))).toEqual([
      7, 8, 5, 1, 1, 6, 9,
    ]);
  });

  it('classifies NAL unit types as table 7-1 and 7.4.1.2.3 say', () => {
    expect(types((t) => h264Rules.isVcl(t, 0, 0))).toEqual([1, 2, 3, 4, 5]);
    expect(types((t) => h264Rules.startsAccessUnit(t, 0, 0))).toEqual([6, 7, 8, 9, 14, 15, 16, 17, 18]);
    expect(types((t) => h264Rules.parameterSetKind(t, 0, 0) !== undefined)).toEqual([7, 8]);
    expect([h264Rules.parameterSetKind(7, 0, 0), h264Rules.parameterSetKind(8, 0, 0)]).toEqual([
      'sps',
      'pps',
    ]);
    expect(types((t) => h264Rules.carriesRecoveryPoint(t))).toEqual([6]);
    expect(types((t) => h264Rules.isEndOfSequence(t))).toEqual([10]);
    expect(h264Rules.accessUnitDelimiterType).toBe(9);
    expect(h264Rules.parameterSetTypes).toEqual([
      { kind: 'sps', type: 7 },
      { kind: 'pps', type: 8 },
    ]);
  });

  it('an IDR picture is IDR; another picture is a random-access point only with a recovery point SEI', () => {
    expect(h264Rules.randomAccessKind(5, false)).toBe('idr');
    expect(h264Rules.randomAccessKind(5, true)).toBe('idr');
    expect(h264Rules.randomAccessKind(1, true)).toBe('recovery-point');
    expect(h264Rules.randomAccessKind(1, false)).toBeUndefined();
  });

  it('a picture is a reference unless its nal_ref_idc is 0', () => {
    expect(h264Rules.isReference(5, 0x65)).toBe(true);
    expect(h264Rules.isReference(1, 0x41)).toBe(true);
    expect(h264Rules.isReference(1, 0x21)).toBe(true);
    expect(h264Rules.isReference(1, 0x01)).toBe(false);
  });

  it('stores parsed parameter sets with their NAL units, and refuses damaged ones', () => {
    const sets = storeWithSpsAndPps();
    expect(sets.latestSps?.codecString).toBe('avc1.42C00A');
    expect([...sets.pps.keys()]).toEqual([0]);
    expect(() => h264Rules.storeParameterSet('sps', from('6742c00a'), sets)).toThrow(BitstreamError);
  });

  it('reads slice headers with the stored parameter sets, and gives undefined without them', () => {
    const sets = storeWithSpsAndPps();
    const idr = readSlice(IDR, sets);
    expect(idr).toMatchObject({ nalUnitType: 5, sliceType: 'I', frameNum: 0, idrPicId: 0 });
    expect(idr && h264Rules.frameNum(idr)).toBe(0);
    expect(readSlice(P1, sets)).toMatchObject({ nalUnitType: 1, sliceType: 'P', frameNum: 1 });
    expect(readSlice(P1, new ParameterSetStore<H264Syntax>())).toBeUndefined();
  });

  it('a slice starts a new picture by 7.4.1.2.4, or by first_mb_in_slice 0 when a header did not parse', () => {
    const sets = storeWithSpsAndPps();
    const starts = (hex: string, previous: string | undefined, store = sets): boolean => {
      const { rbsp } = parts(hex);
      const prev = previous === undefined ? undefined : readSlice(previous, store);
      return h264Rules.startsPicture(readSlice(hex, store), prev, rbsp, 0, rbsp.length, store);
    };
    // The second slice of the IDR picture: first_mb_in_slice 1, everything else the same.
    const idrSecondSlice = nal('65', '010 0001000 1 0000 1');
    expect(starts(P1, IDR)).toBe(true);
    expect(starts(P2, P1)).toBe(true);
    expect(starts(idrSecondSlice, IDR)).toBe(false);
    // Without parameter sets only first_mb_in_slice is read.
    const none = new ParameterSetStore<H264Syntax>();
    expect(starts(P1, IDR, none)).toBe(true);
    expect(starts(idrSecondSlice, IDR, none)).toBe(false);
  });

  it('counts picture order (POC type 2 here); an end of sequence changes nothing, the IDR that follows restarts it', () => {
    const sets = storeWithSpsAndPps();
    const sps = sets.sps.get(0);
    const idr = readSlice(IDR, sets);
    const p1 = readSlice(P1, sets);
    const p2 = readSlice(P2, sets);
    if (!sps || !idr || !p1 || !p2) throw new Error('hand-made stream did not parse');
    const poc = h264Rules.createPocCounter();
    expect([poc.compute(idr, sps), poc.compute(p1, sps)]).toEqual([0, 2]);
    poc.endOfSequence();
    expect(poc.compute(p2, sps)).toBe(4);
    expect(poc.compute(idr, sps)).toBe(0);
  });
});
