import { describe, expect, it } from 'vitest';
import type { CodecRules } from './codec-rules.js';
import { h264Rules } from './h264-rules.js';
import { AUD, from, hex, IDR, PPS, SPS } from './hand-made-nal.test-util.js';
import { insertParameterSets, missingParameterSets } from './parameter-set-insertion.js';
import { ParameterSetStore } from './parameter-set-store.js';
import { PieceBuffer } from './piece-buffer.js';
import { SampleMemory } from './sample-memory.js';

const rules = h264Rules as CodecRules;

function storeWith(...kinds: ('sps' | 'pps')[]): ParameterSetStore {
  const sets = new ParameterSetStore();
  for (const kind of kinds) rules.storeParameterSet(kind, from(kind === 'sps' ? SPS : PPS), sets);
  return sets;
}

/** The access unit `nals` (hex) with 4-byte start codes in a piece buffer, and where its NAL units start. */
function accessUnit(nals: string[]) {
  const memory = new SampleMemory(false);
  const pieces = new PieceBuffer(memory);
  const bytes = from(nals.map((n) => `00000001${n}`).join(''));
  pieces.append(bytes);
  const nalStarts: number[] = [];
  let at = 0;
  for (const n of nals) {
    nalStarts.push(at);
    at += 4 + n.length / 2;
  }
  const nalTypes = nals.map((n) => rules.nalType(Number.parseInt(n.slice(0, 2), 16)));
  return { memory, pieces, au: { start: 0, end: bytes.length, nalTypes, nalStarts } };
}

describe('missingParameterSets', () => {
  it('lists the stored parameter sets of each kind the access unit has none of, in stream order', () => {
    const both = storeWith('sps', 'pps');
    expect(missingParameterSets(rules, both, [5])?.map(hex)).toEqual([SPS, PPS]);
    expect(missingParameterSets(rules, both, [7, 5])?.map(hex)).toEqual([PPS]);
    expect(missingParameterSets(rules, both, [7, 8, 5])).toBeUndefined();
    expect(missingParameterSets(rules, storeWith('pps'), [5])?.map(hex)).toEqual([PPS]);
    expect(missingParameterSets(rules, new ParameterSetStore(), [5])).toBeUndefined();
  });
});

describe('insertParameterSets', () => {
  const sets = [from(SPS), from(PPS)];

  it('puts them first, each after a 4-byte start code', () => {
    const { memory, pieces, au } = accessUnit([IDR]);
    const sample = insertParameterSets(rules, pieces, memory, au, sets);
    expect(hex(sample.data)).toBe(`00000001${SPS}00000001${PPS}00000001${IDR}`);
    expect(sample.nalTypes).toEqual([7, 8, 5]);
  });

  it('keeps an access unit delimiter first', () => {
    const { memory, pieces, au } = accessUnit([AUD, IDR]);
    const sample = insertParameterSets(rules, pieces, memory, au, sets);
    expect(hex(sample.data)).toBe(`00000001${AUD}00000001${SPS}00000001${PPS}00000001${IDR}`);
    expect(sample.nalTypes).toEqual([9, 7, 8, 5]);
  });
});
