import { describe, expect, it } from 'vitest';
import type { H264Syntax } from './codec-rules.js';
import type { H264Pps } from './h264-pps.js';
import type { H264Sps } from './h264-sps.js';
import { ParameterSetStore } from './parameter-set-store.js';

const sps = (id: number) => ({ spsId: id, codecString: `sps-${id}` }) as unknown as H264Sps;
const pps = (id: number) => ({ ppsId: id, spsId: 0 }) as unknown as H264Pps;
const raw = (...bytes: number[]) => Uint8Array.from(bytes);

describe('ParameterSetStore', () => {
  it('keeps the latest parameter set of each id, parsed and raw; the latest SPS of any id is latestSps', () => {
    const store = new ParameterSetStore<H264Syntax>();
    store.addSps(0, sps(0), raw(0x67, 0));
    store.addSps(1, sps(1), raw(0x67, 1));
    store.addPps(0, pps(0), raw(0x68, 0));
    store.addSps(0, sps(0), raw(0x67, 0, 2));
    expect(store.latestSps?.spsId).toBe(0);
    expect([...store.sps.keys()]).toEqual([0, 1]);
    expect(store.pps.get(0)?.ppsId).toBe(0);
    // Replacing an id keeps its place: the order ids were first seen.
    expect([...store.rawOf('sps').values()].map((n) => [...n])).toEqual([
      [0x67, 0, 2],
      [0x67, 1],
    ]);
    expect(store.rawNalUnits()).toEqual({
      vps: [],
      sps: [raw(0x67, 0, 2), raw(0x67, 1)],
      pps: [raw(0x68, 0)],
    });
  });

  it('forgets everything at clear()', () => {
    const store = new ParameterSetStore<H264Syntax>();
    store.addSps(0, sps(0), raw(0x67));
    store.addPps(0, pps(0), raw(0x68));
    store.clear();
    expect([store.latestSps, store.sps.size, store.pps.size, store.rawOf('sps').size]).toEqual([
      undefined,
      0,
      0,
      0,
    ]);
  });
});
