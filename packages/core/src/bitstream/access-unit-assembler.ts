import type { AccessUnit } from './access-unit.js';
import type { CodecRules, CodecSyntax, PocCounter } from './codec-rules.js';
import type { SliceType } from './h264-slice.js';
import type { RandomAccessKind } from './nal.js';
import { insertParameterSets, missingParameterSets } from './parameter-set-insertion.js';
import type { ParameterSetStore } from './parameter-set-store.js';
import type { PieceBuffer } from './piece-buffer.js';
import type { SampleMemory } from './sample-memory.js';
import type { SamplePolicy } from './sample-policy.js';

type Slice = CodecSyntax['slice'];

/** How {@link AccessUnitAssembler} makes samples. */
export interface AccessUnitAssemblerOptions {
  /** Insert the stored parameter sets into random-access pictures that lack them. */
  readonly insertParameterSets: boolean;
  /** Copy every sample into memory of its own instead of viewing the pushed piece. */
  readonly alwaysCopy: boolean;
}

/**
 * Collects the NAL units of one access unit, as the splitter's state machine finds them, and turns it
 * into an {@link AccessUnit}: its sample bytes (a view, a copy, or a copy with parameter sets inserted),
 * the picture's random-access kind, POC and coded video sequence, checked against the sample policy.
 */
export class AccessUnitAssembler {
  // The access unit being assembled: pending offset of its first NAL unit (−1: none yet), its NAL units
  // (type and pending offset of the start code), and what its slices and SEIs said.
  private auStart = -1;
  private nalTypes: number[] = [];
  private nalStarts: number[] = [];
  private vcl = false;
  private firstSlice: Slice | undefined;
  private previousSlice: Slice | undefined;
  private sliceTypes: SliceType[] = [];
  private spsParsed = false;
  private recoveryPoint = false;
  private firstVclType = -1;
  private firstVclByte0 = 0;

  private readonly insertParameterSets: boolean;
  private readonly alwaysCopy: boolean;

  // The stream so far.
  private poc: PocCounter<CodecSyntax>;
  private sequence = -1;
  private lastPoc: number | undefined;
  private index = 0;

  constructor(
    private readonly rules: CodecRules,
    private readonly sets: ParameterSetStore,
    private readonly pieces: PieceBuffer,
    private readonly memory: SampleMemory,
    private readonly policy: SamplePolicy,
    options: AccessUnitAssemblerOptions,
  ) {
    this.insertParameterSets = options.insertParameterSets;
    this.alwaysCopy = options.alwaysCopy;
    this.poc = rules.createPocCounter();
  }

  /** Pending offset of the first NAL unit of the access unit being assembled; −1 if it has none yet. */
  get start(): number {
    return this.auStart;
  }

  /** Whether the access unit being assembled has a slice yet (only then can it be closed). */
  get hasVcl(): boolean {
    return this.vcl;
  }

  /** The last slice of the access unit being assembled (undefined if it did not parse). */
  get lastSlice(): Slice | undefined {
    return this.previousSlice;
  }

  /** Number of access units closed since the stream began. */
  get count(): number {
    return this.index;
  }

  /** Adds a non-VCL NAL unit of `type` whose start code begins at pending offset `start`. */
  addNal(type: number, start: number): void {
    if (this.auStart < 0) this.auStart = start;
    this.nalTypes.push(type);
    this.nalStarts.push(start);
  }

  /** Adds a slice (a VCL NAL unit of `type` with header byte `byte0`) whose header read as `slice`. */
  addSlice(slice: Slice | undefined, type: number, byte0: number, start: number): void {
    if (!this.vcl) {
      this.vcl = true;
      this.firstSlice = slice;
      this.firstVclType = type;
      this.firstVclByte0 = byte0;
    }
    this.previousSlice = slice;
    if (slice?.sliceType !== undefined) this.sliceTypes.push(slice.sliceType);
    this.addNal(type, start);
  }

  /** An SPS in this access unit parsed (its picture can be a Rerun keyframe). */
  markSpsParsed(): void {
    this.spsParsed = true;
  }

  /** A recovery point SEI in this access unit (an H.264 open-GOP random-access point). */
  markRecoveryPoint(): void {
    this.recoveryPoint = true;
  }

  /** An end of sequence NAL unit passed. */
  endOfSequence(): void {
    this.poc.endOfSequence();
  }

  /**
   * Emits the access unit being assembled, which ends at pending offset `end`; the next one starts at
   * `nextStart` (−1: none yet). Throws what the sample policy refuses.
   */
  close(end: number, nextStart: number): AccessUnit {
    const rules = this.rules;
    const start = this.auStart;
    const nalTypes = this.nalTypes;
    const randomAccess: RandomAccessKind | undefined = rules.randomAccessKind(
      this.firstVclType,
      this.recoveryPoint,
    );

    // Parameter-set insertion: random-access pictures without their (VPS,) SPS and PPS.
    const inserted =
      this.insertParameterSets && randomAccess !== undefined
        ? missingParameterSets(rules, this.sets, nalTypes)
        : undefined;
    let data: Uint8Array;
    let allTypes: number[] = nalTypes;
    if (inserted) {
      const sample = insertParameterSets(
        rules,
        this.pieces,
        this.memory,
        { start, end, nalTypes, nalStarts: this.nalStarts },
        inserted,
      );
      data = sample.data;
      allTypes = sample.nalTypes;
    } else if (this.alwaysCopy) {
      data = this.pieces.copy(start, end);
    } else {
      // Zero copies when the access unit sits in one pushed piece (whole frames from an encoder, large reads).
      data = this.pieces.bytes(start, end);
    }

    const slice = this.firstSlice;
    let sps = this.sets.latestSps;
    let poc: number | undefined;
    let frameNum: number | undefined;
    const isReference = rules.isReference(this.firstVclType, this.firstVclByte0);
    if (slice) {
      const active = this.sets.sps.get(slice.spsId);
      if (active) {
        sps = active;
        poc = this.poc.compute(slice, active);
        frameNum = rules.frameNum(slice);
      }
    }
    if (randomAccess === 'idr' || randomAccess === 'bla' || this.sequence < 0) {
      this.sequence++;
      this.lastPoc = undefined;
    }
    const hasB = this.sliceTypes.includes('B');
    const reordered = poc !== undefined && this.lastPoc !== undefined && poc < this.lastPoc;
    if (poc !== undefined) this.lastPoc = poc;
    const spsInSample = this.spsParsed || (inserted !== undefined && sps !== undefined);
    const index = this.index;
    this.policy.checkSize(data.length);
    this.policy.checkPicture(index, hasB, reordered, randomAccess);

    const au: AccessUnit = {
      data,
      codec: rules.codec,
      codecString: sps?.codecString,
      isKeyframe: randomAccess === 'idr' && spsInSample,
      randomAccess,
      index,
      nalTypes: allTypes,
      sliceTypes: this.sliceTypes,
      pictType: slice?.sliceType,
      poc,
      sequence: this.sequence,
      frameNum,
      isReference,
      hasBFrames: hasB || reordered,
      parameterSetsInserted: inserted !== undefined,
      sps,
    };
    this.index++;
    this.startNext(nextStart);
    return au;
  }

  /** Drops the access unit being assembled; the next one starts at pending offset `nextStart` (−1: none yet). */
  startNext(nextStart: number): void {
    this.auStart = nextStart;
    this.nalTypes = [];
    this.nalStarts = [];
    this.vcl = false;
    this.previousSlice = undefined;
    this.firstSlice = undefined;
    this.sliceTypes = [];
    this.spsParsed = false;
    this.recoveryPoint = false;
    this.firstVclType = -1;
    this.firstVclByte0 = 0;
  }

  /** Forgets the access unit being assembled and the stream so far (POC, sequence, index). */
  reset(): void {
    this.startNext(-1);
    this.poc = this.rules.createPocCounter();
    this.sequence = -1;
    this.lastPoc = undefined;
    this.index = 0;
  }
}
