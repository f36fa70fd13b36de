import type { CodecRules } from './codec-rules.js';
import type { ParameterSetStore } from './parameter-set-store.js';
import type { PieceBuffer } from './piece-buffer.js';
import type { SampleMemory } from './sample-memory.js';

/**
 * The stored parameter sets an access unit lacks, in the order they go in (VPS, SPS, PPS; every stored id
 * of a kind the access unit has none of); undefined if it lacks none that are stored.
 */
export function missingParameterSets(
  rules: CodecRules,
  sets: ParameterSetStore,
  nalTypes: readonly number[],
): Uint8Array[] | undefined {
  let missing: Uint8Array[] | undefined;
  for (const { kind, type } of rules.parameterSetTypes) {
    const stored = sets.rawOf(kind);
    if (!nalTypes.includes(type) && stored.size > 0) {
      missing ??= [];
      for (const nal of stored.values()) missing.push(nal);
    }
  }
  return missing;
}

/** An access unit with parameter sets inserted. */
export interface SampleWithParameterSets {
  /** The access unit's bytes with the parameter sets, each after a 4-byte start code, inserted. */
  readonly data: Uint8Array;
  /** nal_unit_type of every NAL unit of `data`, in order. */
  readonly nalTypes: number[];
}

/**
 * Copies the access unit at pending offsets [start, end), whose NAL units have types `nalTypes` and
 * begin (start code included) at `nalStarts`, into a new sample with `parameterSets` inserted at its
 * beginning, after an access unit delimiter if it begins with one (7.4.1.2.3 / 7.4.2.4.4).
 */
export function insertParameterSets(
  rules: CodecRules,
  pieces: PieceBuffer,
  memory: SampleMemory,
  accessUnit: {
    readonly start: number;
    readonly end: number;
    readonly nalTypes: readonly number[];
    readonly nalStarts: readonly number[];
  },
  parameterSets: readonly Uint8Array[],
): SampleWithParameterSets {
  const { start, end, nalTypes, nalStarts } = accessUnit;
  let insertIndex = 0;
  let insertAt = start;
  if (nalTypes[0] === rules.accessUnitDelimiterType && nalTypes.length > 1) {
    insertIndex = 1;
    insertAt = nalStarts[1] ?? start;
  }
  let extra = 0;
  for (const nal of parameterSets) extra += 4 + nal.length;
  // Fresh memory is zeroed: each start code only needs its 01 byte.
  const data = memory.allocate(end - start + extra);
  pieces.copyInto(data, 0, start, insertAt);
  let at = insertAt - start;
  for (const nal of parameterSets) {
    data[at + 3] = 1;
    data.set(nal, at + 4);
    at += 4 + nal.length;
  }
  pieces.copyInto(data, at, insertAt, end);
  const insertedTypes = parameterSets.map((nal) => rules.nalType(nal[0] ?? 0));
  return {
    data,
    nalTypes: [...nalTypes.slice(0, insertIndex), ...insertedTypes, ...nalTypes.slice(insertIndex)],
  };
}
