import { beforeAll, describe, expect, it } from 'vitest';
import { splitAnnexB } from './annexb-scanner.js';
import type { H265Syntax } from './codec-rules.js';
import { encodeTestStream, HAS_X264_AND_X265, x265 } from './encoded-stream.test-util.js';
import { h265Rules } from './h265-rules.js';
import type { H265SliceHeader } from './h265-slice.js';
import { ParameterSetStore } from './parameter-set-store.js';

const BASE_LAYER = 0x01; // second header byte: nuh_layer_id 0, nuh_temporal_id_plus1 1
const LAYER_1 = 0x09; // nuh_layer_id 1

const types = (predicate: (type: number) => boolean): number[] =>
  Array.from({ length: 64 }, (_, t) => t).filter(predicate);
const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, k) => first + k);

describe('h265Rules', () => {
  it('reads the two-byte NAL header', () => {
    expect(h265Rules.codec).toBe('h265');
    expect(h265Rules.headerLength).toBe(2);
    expect([0x40, 0x42, 0x44, 0x26, 0x02, 0x4e, 0x4f].map((b) => h265Rules.nalType(b))).toEqual([
      32, 33, 34, 19, 1, 39, 39,
    ]);
  });

  it('classifies base-layer NAL unit types as table 7-1 and 7.4.2.4.4 say', () => {
    const base = (t: number): [number, number] => [t << 1, BASE_LAYER];
    expect(types((t) => h265Rules.isVcl(t, ...base(t)))).toEqual(range(0, 31));
    expect(types((t) => h265Rules.startsAccessUnit(t, ...base(t)))).toEqual([
      32,
      33,
      34,
      35,
      39,
      ...range(41, 44),
      ...range(48, 55),
    ]);
    expect(types((t) => h265Rules.parameterSetKind(t, ...base(t)) !== undefined)).toEqual([32, 33, 34]);
    expect([32, 33, 34].map((t) => h265Rules.parameterSetKind(t, ...base(t)))).toEqual(['vps', 'sps', 'pps']);
    expect(types((t) => h265Rules.carriesRecoveryPoint(t))).toEqual([]);
    expect(types((t) => h265Rules.isEndOfSequence(t))).toEqual([36]);
    expect(h265Rules.accessUnitDelimiterType).toBe(35);
    expect(h265Rules.parameterSetTypes.map((p) => [p.kind, p.type])).toEqual([
      ['vps', 32],
      ['sps', 33],
      ['pps', 34],
    ]);
  });

  it('leaves NAL units of other layers out: no slices, access-unit starts or parameter sets', () => {
    for (const t of range(0, 63)) {
      for (const [byte0, byte1] of [
        [t << 1, LAYER_1],
        [(t << 1) | 1, BASE_LAYER],
      ] as const) {
        expect(h265Rules.isVcl(t, byte0, byte1)).toBe(false);
        expect(h265Rules.startsAccessUnit(t, byte0, byte1)).toBe(false);
        expect(h265Rules.parameterSetKind(t, byte0, byte1)).toBeUndefined();
      }
    }
  });

  it('random access by NAL unit type: IDR, CRA, BLA; recovery points are not read', () => {
    expect(range(0, 31).map((t) => h265Rules.randomAccessKind(t, true) ?? '')).toEqual([
      ...range(0, 15).map(() => ''),
      'bla',
      'bla',
      'bla',
      'idr',
      'idr',
      'cra',
      ...range(22, 31).map(() => ''),
    ]);
  });

  it('sub-layer non-reference pictures (even types up to 14) are no references', () => {
    expect(range(0, 31).filter((t) => !h265Rules.isReference(t, 0))).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
  });

  it('a slice segment starts a new picture when first_slice_segment_in_pic_flag is set', () => {
    const starts = (bytes: number[]) =>
      h265Rules.startsPicture(
        undefined,
        undefined,
        Uint8Array.from(bytes),
        0,
        bytes.length,
        new ParameterSetStore(),
      );
    expect(starts([0x80])).toBe(true);
    expect(starts([0xaf, 0x01])).toBe(true);
    expect(starts([0x7f, 0xff])).toBe(false);
    expect(starts([])).toBe(false);
  });

  it('counts picture order; after an end of sequence a CRA restarts it', () => {
    const sps = { log2MaxPicOrderCntLsb: 8 } as H265Syntax['sps'];
    const slice = (nalUnitType: number, picOrderCntLsb: number): H265SliceHeader => ({
      nalUnitType,
      temporalId: 0,
      firstSliceSegmentInPic: true,
      ppsId: 0,
      spsId: 0,
      dependentSliceSegment: false,
      sliceType: 'P',
      picOrderCntLsb,
    });
    const run = (endOfSequence: boolean): number[] => {
      const poc = h265Rules.createPocCounter();
      const out = [19, 1, 1].map((type, k) => poc.compute(slice(type, k * 100), sps));
      if (endOfSequence) poc.endOfSequence();
      // pic_order_cnt_lsb 10 after 200: the MSB wraps forward (266) unless the POC restarts.
      out.push(poc.compute(slice(21, 10), sps));
      return out;
    };
    expect(run(false)).toEqual([0, 100, 200, 266]);
    expect(run(true)).toEqual([0, 100, 200, 10]);
  });

  describe.skipIf(!HAS_X264_AND_X265)('on x265 output', () => {
    let nals: Uint8Array[] = [];
    beforeAll(() => {
      nals = splitAnnexB(encodeTestStream('96x64', 3, x265('keyint=2:bframes=0'))).map((n) => n.data);
    }, 60_000);

    it('stores VPS, SPS and PPS and reads slice headers with them; undefined without them', () => {
      const sets = new ParameterSetStore<H265Syntax>();
      const slices: Uint8Array[] = [];
      for (const n of nals) {
        const type = h265Rules.nalType(n[0] ?? 0);
        const kind = h265Rules.parameterSetKind(type, n[0] ?? 0, n[1] ?? 0);
        if (kind) h265Rules.storeParameterSet(kind, n, sets);
        else if (h265Rules.isVcl(type, n[0] ?? 0, n[1] ?? 0)) slices.push(n);
      }
      expect([sets.vps.size, sets.sps.size, sets.pps.size]).toEqual([1, 1, 1]);
      expect(sets.latestSps?.codecString).toMatch(/^hev1\.1\./);
      const read = (n: Uint8Array, store: ParameterSetStore<H265Syntax>) =>
        h265Rules.readSliceHeader(n, 2, n.length, h265Rules.nalType(n[0] ?? 0), n[0] ?? 0, n[1] ?? 0, store);
      const first = slices[0];
      if (!first) throw new Error('no slice');
      // x265 begins with an IDR_N_LP picture.
      expect(read(first, sets)).toMatchObject({
        nalUnitType: 20,
        sliceType: 'I',
        firstSliceSegmentInPic: true,
      });
      expect(h265Rules.frameNum(read(first, sets) as H265SliceHeader)).toBeUndefined();
      expect(read(first, new ParameterSetStore<H265Syntax>())).toBeUndefined();
    });
  });
});
