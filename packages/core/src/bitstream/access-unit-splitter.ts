import type { AccessUnit } from './access-unit.js';
import { AccessUnitAssembler } from './access-unit-assembler.js';
import { AnnexBScanner, type StartCodeListener } from './annexb-scanner.js';
import { BitstreamError } from './bitstream-error.js';
import { type CodecRules, codecRules, type ParameterSetKind } from './codec-rules.js';
import { hasEmulationPrevention, unescapeInto } from './emulation-prevention.js';
import type { H264Sps } from './h264-sps.js';
import type { H265Sps } from './h265-ps.js';
import type { VideoCodecName } from './nal.js';
import { ParameterSetStore } from './parameter-set-store.js';
import { PieceBuffer } from './piece-buffer.js';
import { SampleMemory } from './sample-memory.js';
import { SamplePolicy } from './sample-policy.js';
import { findRecoveryPoint } from './sei.js';

/** Options of {@link AccessUnitSplitter}. */
export interface AccessUnitSplitterOptions {
  /** The codec of the stream. Use `detectCodec()` if unknown. */
  readonly codec: VideoCodecName;
  /** Largest access unit held while waiting for its end; past it, `bitstream-access-unit-too-large`. Default 16 MiB. */
  readonly maxAccessUnitBytes?: number;
  /**
   * Keep the latest VPS/SPS/PPS and insert them (after an AUD) into every IDR/IRAP access unit that
   * lacks them, so each keyframe sample decodes on its own. Default false.
   */
  readonly insertParameterSets?: boolean;
  /**
   * `'when-needed'` (default): a sample that lies inside one pushed piece is a view of it (no copy);
   * one that spans pieces is copied once, into a buffer shared with neighbouring samples.
   * `'always'`: every sample is a copy with a buffer of its own, for producers that reuse their
   * buffers and consumers that transfer `data.buffer`.
   */
  readonly copy?: 'when-needed' | 'always';
  /**
   * Live fast path for producers that call {@link AccessUnitSplitter.endAccessUnit} after every frame
   * and never push two frames between calls (an encoder's frame-end signal): only the parameter sets and
   * the first slice header of each frame are read, the rest of the frame is not even scanned.
   * `nalTypes` and `sliceTypes` then stop at the first slice. Pushing two frames without
   * `endAccessUnit()` between them merges them into one sample. Default false.
   */
  readonly firstSliceOnly?: boolean;
  /**
   * `'error'` (default): throw `bitstream-b-frames` at the first reordered picture, since Rerun 0.33
   * cannot play them. `'allow'`: report them in {@link AccessUnit.hasBFrames} and keep going.
   */
  readonly bFrames?: 'error' | 'allow';
  /**
   * `'allow'` (default): CRA pictures are reported in {@link AccessUnit.randomAccess}.
   * `'error'`: throw `bitstream-open-gop` at the first non-IDR random-access point (CRA, BLA, recovery
   * point) after the first picture.
   */
  readonly openGop?: 'error' | 'allow';
}

/** Default of {@link AccessUnitSplitterOptions.maxAccessUnitBytes}: 16 MiB. */
export const DEFAULT_MAX_ACCESS_UNIT_BYTES = 16 * 1024 * 1024;

/** Slice headers are read from this many bytes at most: the fields needed end long before. */
const SLICE_PREFIX_BYTES = 64;

const EMPTY: readonly AccessUnit[] = Object.freeze([]);

/**
 * Streaming Annex B → access unit splitter for H.264 and H.265.
 *
 * Feed bytes in any pieces with {@link push}; the same bytes split anywhere give the same samples.
 * Access units are cut by the standards' rules (H.264 7.4.1.2.3/7.4.1.2.4, H.265 7.4.2.4.4). A
 * producer that knows where a frame ends calls {@link endAccessUnit} so the sample leaves at once
 * instead of when the next frame's first NAL unit arrives.
 *
 * Pushed pieces are kept by reference (no copy) until the access unit that holds them is emitted, and a
 * sample inside one piece is a view of it: do not modify a piece after pushing it (or pass
 * `copy: 'always'`). A sample spanning pieces is copied once, into a buffer shared with neighbouring
 * samples: honour `byteOffset`/`byteLength`, and never transfer `data.buffer` (copy with `slice()`).
 * After a thrown error, call {@link reset} before pushing again.
 *
 * This class is the NAL unit state machine: it follows start codes ({@link AnnexBScanner}) over the
 * pending pieces ({@link PieceBuffer}), reads each NAL unit's header by the codec's rules
 * ({@link CodecRules}), files parameter sets ({@link ParameterSetStore}) and hands NAL units and slices to
 * the {@link AccessUnitAssembler}, which makes the samples.
 */
export class AccessUnitSplitter implements StartCodeListener {
  private readonly rules: CodecRules;
  private readonly headerLength: 1 | 2;
  private readonly firstSliceOnly: boolean;
  private readonly scanner = new AnnexBScanner();
  private readonly pieces: PieceBuffer;
  private readonly sets = new ParameterSetStore();
  private readonly policy: SamplePolicy;
  private readonly assembler: AccessUnitAssembler;
  // Scratch space for slice-header prefixes that span pieces or need emulation prevention removed.
  private readonly prefixScratch = new Uint8Array(SLICE_PREFIX_BYTES);
  private readonly rbspScratch = new Uint8Array(SLICE_PREFIX_BYTES);
  private output: AccessUnit[] | undefined;

  // True before the first start code and after endAccessUnit(): only zero bytes may precede a start code.
  private expectStartCode = true;

  // The NAL unit being received: pending offsets of its start code and header, and what its header said.
  private nalOpen = false;
  private nalStart = 0;
  private nalHeader = 0;
  private nalHeaderDone = false;
  private nalType = -1;
  private nalByte0 = 0;
  private nalByte1 = 0;
  private nalVclPending = false;
  private nalParameterSet: ParameterSetKind | undefined;
  private nalRecoveryPointSei = false;
  private lastNalEnd = 0;

  constructor(options: AccessUnitSplitterOptions) {
    this.rules = codecRules(options.codec);
    this.headerLength = this.rules.headerLength;
    this.firstSliceOnly = options.firstSliceOnly ?? false;
    const alwaysCopy = options.copy === 'always';
    const memory = new SampleMemory(alwaysCopy);
    this.pieces = new PieceBuffer(memory);
    this.policy = new SamplePolicy({
      maxAccessUnitBytes: options.maxAccessUnitBytes ?? DEFAULT_MAX_ACCESS_UNIT_BYTES,
      bFramesAllowed: options.bFrames === 'allow',
      openGopAllowed: options.openGop !== 'error',
    });
    this.assembler = new AccessUnitAssembler(this.rules, this.sets, this.pieces, memory, this.policy, {
      insertParameterSets: options.insertParameterSets ?? false,
      alwaysCopy,
    });
  }

  /** Number of access units emitted so far. */
  get accessUnitCount(): number {
    return this.assembler.count;
  }

  /** The most recently parsed SPS (H.264 or H.265), if any. */
  get sps(): H264Sps | H265Sps | undefined {
    return this.sets.latestSps;
  }

  /** The latest raw parameter-set NAL units (no start codes), for building an avcC/hvcC record. */
  get parameterSets(): { vps: Uint8Array[]; sps: Uint8Array[]; pps: Uint8Array[] } {
    return this.sets.rawNalUnits();
  }

  /** Feeds the next piece of the stream; returns the access units it completed (often none). */
  push(bytes: Uint8Array): readonly AccessUnit[] {
    if (bytes.length === 0) return EMPTY;
    if (this.expectStartCode) this.checkLeadingBytes(bytes);
    const pieces = this.pieces;
    pieces.append(bytes);
    if (this.firstSliceOnly && this.assembler.hasVcl && !this.nalVclPending) this.scanner.skip(bytes);
    else this.scanner.scan(bytes, this);
    const total = pieces.end;
    if (this.nalOpen) {
      if (!this.nalHeaderDone) this.tryHeader();
      if (this.nalVclPending && total - this.nalHeader - this.headerLength >= SLICE_PREFIX_BYTES) {
        this.parseVcl(this.nalHeader + this.headerLength + SLICE_PREFIX_BYTES);
      }
    }
    const auStart = this.assembler.start;
    const held = total - (auStart >= 0 ? auStart : this.nalOpen ? this.nalStart : total);
    this.policy.checkSize(held);
    this.trim();
    return this.take();
  }

  /**
   * The producer says the current frame is complete: emit it now. The next bytes must begin with a
   * start code. Parameter sets without a picture stay pending and join the next access unit.
   */
  endAccessUnit(): readonly AccessUnit[] {
    this.finishOpenNal();
    if (this.assembler.hasVcl) this.closeAccessUnit(-1);
    this.expectStartCode = true;
    this.trim();
    return this.take();
  }

  /** End of stream: emits the last access unit and resets the splitter for a new stream. */
  end(): readonly AccessUnit[] {
    this.finishOpenNal();
    if (this.assembler.hasVcl) this.closeAccessUnit(-1);
    const out = this.take();
    this.reset();
    return out;
  }

  /** Forgets everything (pending bytes, parameter sets, counters). */
  reset(): void {
    this.scanner.reset();
    this.pieces.clear();
    this.expectStartCode = true;
    this.nalOpen = false;
    this.lastNalEnd = 0;
    this.assembler.reset();
    this.sets.clear();
    this.output = undefined;
  }

  /** @internal Called by the scanner for every start code; `true` tells it to skip the rest of the piece. */
  onStartCode(oneOffset: number, zeros: number): boolean {
    if (this.expectStartCode) this.expectStartCode = false;
    else if (this.nalOpen) this.finishNal(oneOffset - zeros);
    this.nalOpen = true;
    this.nalStart = oneOffset - Math.min(zeros, 3);
    this.nalHeader = oneOffset + 1;
    this.nalHeaderDone = false;
    this.nalVclPending = false;
    this.nalParameterSet = undefined;
    this.nalRecoveryPointSei = false;
    this.tryHeader();
    // Live mode: once the frame's first slice has begun, the rest of the frame need not be scanned.
    return this.firstSliceOnly && (this.assembler.hasVcl || this.nalVclPending);
  }

  private take(): readonly AccessUnit[] {
    const out = this.output;
    if (out === undefined) return EMPTY;
    this.output = undefined;
    return out;
  }

  /** Before the first start code only zero bytes are allowed (leading_zero_8bits). */
  private checkLeadingBytes(bytes: Uint8Array): void {
    let k = 0;
    while (k < bytes.length && bytes[k] === 0) k++;
    if (k === bytes.length) return;
    if (bytes[k] !== 1 || this.scanner.trailingZeros + k < 2) {
      throw noStartCodeError(this.pieces.end + k, bytes[k] ?? 0);
    }
  }

  /** Lets go of the pieces nothing pending refers to any more. */
  private trim(): void {
    let keep: number;
    const auStart = this.assembler.start;
    if (auStart >= 0) keep = auStart;
    else if (this.nalOpen) keep = this.nalStart;
    else keep = this.pieces.end - Math.min(this.scanner.trailingZeros, 3);
    this.pieces.dropBefore(keep);
  }

  /**
   * Reads the NAL header once it surely belongs to this NAL unit: its last byte is non-zero (a zero could
   * be the start of the next start code). The other case waits for the NAL unit's end.
   */
  private tryHeader(): void {
    const last = this.nalHeader + this.headerLength - 1;
    if (this.pieces.end > last && this.pieces.byteAt(last) !== 0) this.processHeader();
  }

  private processHeader(): void {
    const rules = this.rules;
    this.nalHeaderDone = true;
    const b0 = this.pieces.byteAt(this.nalHeader);
    const b1 = this.headerLength === 2 ? this.pieces.byteAt(this.nalHeader + 1) : 0;
    const type = rules.nalType(b0);
    this.nalByte0 = b0;
    this.nalByte1 = b1;
    this.nalType = type;
    if (rules.isVcl(type, b0, b1)) {
      // Whether this slice starts a new picture is decided once its header has been read.
      this.nalVclPending = true;
      return;
    }
    this.processNonVclHeader(type, b0, b1);
  }

  /** A non-VCL NAL unit may begin the next access unit; what its payload holds is read at its end. */
  private processNonVclHeader(type: number, b0: number, b1: number): void {
    const rules = this.rules;
    this.nalParameterSet = rules.parameterSetKind(type, b0, b1);
    this.nalRecoveryPointSei = rules.carriesRecoveryPoint(type);
    if (rules.isEndOfSequence(type)) this.assembler.endOfSequence();
    if (this.assembler.hasVcl && rules.startsAccessUnit(type, b0, b1)) this.closeAccessUnit(this.nalStart);
    this.assembler.addNal(type, this.nalStart);
  }

  private finishOpenNal(): void {
    if (!this.nalOpen) return;
    this.finishNal(this.pieces.end - this.scanner.trailingZeros);
  }

  private finishNal(end: number): void {
    this.nalOpen = false;
    const payload = this.nalHeader + this.headerLength;
    if (end < payload) {
      // Empty NAL unit (a start code right after a start code). Its header cannot have been read:
      // tryHeader() only reads a header whose last byte is non-zero, which makes the NAL unit non-empty.
      return;
    }
    if (!this.nalHeaderDone) this.processHeader();
    if (this.nalVclPending) this.parseVcl(Math.min(end, payload + SLICE_PREFIX_BYTES));
    else if (this.nalParameterSet !== undefined) this.parseParameterSet(this.nalParameterSet, end);
    else if (this.nalRecoveryPointSei) this.parseSei(end);
    this.lastNalEnd = end;
  }

  private parseSei(end: number): void {
    try {
      if (findRecoveryPoint(this.pieces.bytes(this.nalHeader, end), this.headerLength) !== undefined) {
        this.assembler.markRecoveryPoint();
      }
    } catch (error) {
      // A damaged SEI only costs the recovery-point report.
      if (!(error instanceof BitstreamError)) throw error;
    }
  }

  private parseParameterSet(kind: ParameterSetKind, end: number): void {
    // Parameter sets are small and kept for insertion: copy them out of the caller's buffers.
    const nal = this.pieces.bytes(this.nalHeader, end).slice();
    try {
      this.rules.storeParameterSet(kind, nal, this.sets);
      if (kind === 'sps') this.assembler.markSpsParsed();
    } catch (error) {
      // A parameter set that does not parse is not fatal (Rerun logs it and skips the keyframe);
      // the access unit simply is not a keyframe.
      if (!(error instanceof BitstreamError)) throw error;
    }
  }

  /**
   * Reads the slice header from the NAL payload up to `to` and decides whether the slice starts a new
   * picture. Trailing zeros are stripped so that the prefix and the whole NAL unit give the same answer.
   */
  private parseVcl(to: number): void {
    this.nalVclPending = false;
    // Read the prefix in place when it sits in one piece; otherwise gather it into a scratch buffer.
    const from = this.nalHeader + this.headerLength;
    const pieces = this.pieces;
    let src: Uint8Array;
    let start: number;
    let end: number;
    const c = pieces.indexAt(from);
    const piece = pieces.piece(c);
    const pieceStart = pieces.pieceStart(c);
    if (to - pieceStart <= piece.length) {
      src = piece;
      start = from - pieceStart;
      end = to - pieceStart;
    } else {
      pieces.copyInto(this.prefixScratch, 0, from, to);
      src = this.prefixScratch;
      start = 0;
      end = to - from;
    }
    while (end > start && src[end - 1] === 0) end--;
    if (hasEmulationPrevention(src, start, end)) {
      end = unescapeInto(src, start, end, this.rbspScratch);
      src = this.rbspScratch;
      start = 0;
    }
    const rules = this.rules;
    const assembler = this.assembler;
    const slice = rules.readSliceHeader(
      src,
      start,
      end,
      this.nalType,
      this.nalByte0,
      this.nalByte1,
      this.sets,
    );
    if (assembler.hasVcl && rules.startsPicture(slice, assembler.lastSlice, src, start, end, this.sets)) {
      this.closeAccessUnit(this.nalStart);
    }
    assembler.addSlice(slice, this.nalType, this.nalByte0, this.nalStart);
  }

  /** Emits the access unit being assembled; the next one starts at `nextStart` (−1: none yet). */
  private closeAccessUnit(nextStart: number): void {
    const au = this.assembler.close(this.lastNalEnd, nextStart);
    if (this.output) this.output.push(au);
    else this.output = [au];
  }
}

/** Built out of line: the check runs for every frame a live producer pushes. */
function noStartCodeError(offset: number, found: number): BitstreamError {
  return new BitstreamError(
    'bitstream-no-start-code',
    `expected an Annex B start code (00 00 01 or 00 00 00 01) at byte ${offset}, found 0x${found.toString(16).padStart(2, '0')}; ` +
      'is the stream length-prefixed (AVCC/MP4)? Convert it with lengthPrefixedToAnnexB()',
  );
}
