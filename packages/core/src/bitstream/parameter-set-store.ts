import type { CodecSyntax, ParameterSetKind } from './codec-rules.js';

/** Raw parameter-set NAL units (header included, no start code), as an avcC/hvcC record lists them. */
export interface RawParameterSets {
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/**
 * The latest parameter sets of a stream by id: parsed, for reading slice headers and describing pictures,
 * and raw, for inserting them into samples and for decoder configuration records.
 */
export class ParameterSetStore<S extends CodecSyntax = CodecSyntax> {
  /** Parsed video parameter sets by vps_video_parameter_set_id. */
  readonly vps = new Map<number, S['vps']>();
  /** Parsed sequence parameter sets by seq_parameter_set_id. */
  readonly sps = new Map<number, S['sps']>();
  /** Parsed picture parameter sets by pic_parameter_set_id. */
  readonly pps = new Map<number, S['pps']>();
  private readonly raw: Readonly<Record<ParameterSetKind, Map<number, Uint8Array>>> = {
    vps: new Map(),
    sps: new Map(),
    pps: new Map(),
  };
  private latest: S['sps'] | undefined;

  /** The most recently stored SPS, if any. */
  get latestSps(): S['sps'] | undefined {
    return this.latest;
  }

  /** Stores a parsed VPS and its NAL unit (kept by reference: pass a copy). */
  addVps(id: number, vps: S['vps'], nal: Uint8Array): void {
    this.vps.set(id, vps);
    this.raw.vps.set(id, nal);
  }

  /** Stores a parsed SPS and its NAL unit (kept by reference: pass a copy); it becomes {@link latestSps}. */
  addSps(id: number, sps: S['sps'], nal: Uint8Array): void {
    this.sps.set(id, sps);
    this.raw.sps.set(id, nal);
    this.latest = sps;
  }

  /** Stores a parsed PPS and its NAL unit (kept by reference: pass a copy). */
  addPps(id: number, pps: S['pps'], nal: Uint8Array): void {
    this.pps.set(id, pps);
    this.raw.pps.set(id, nal);
  }

  /** The stored NAL units of one kind, in the order their ids were first seen. */
  rawOf(kind: ParameterSetKind): ReadonlyMap<number, Uint8Array> {
    return this.raw[kind];
  }

  /** Copies of the lists of stored NAL units (the NAL units themselves are shared). */
  rawNalUnits(): RawParameterSets {
    return {
      vps: [...this.raw.vps.values()],
      sps: [...this.raw.sps.values()],
      pps: [...this.raw.pps.values()],
    };
  }

  /** Forgets every parameter set. */
  clear(): void {
    this.vps.clear();
    this.sps.clear();
    this.pps.clear();
    this.raw.vps.clear();
    this.raw.sps.clear();
    this.raw.pps.clear();
    this.latest = undefined;
  }
}
