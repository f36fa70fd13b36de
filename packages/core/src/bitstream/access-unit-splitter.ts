import { AnnexBScanner, type StartCodeListener } from './annexb-scanner.js';
import { BitReader } from './bit-reader.js';
import { BitstreamError, type BitstreamErrorCode } from './bitstream-error.js';
import { hasEmulationPrevention, unescapeInto } from './emulation-prevention.js';
import { type H264Pps, parseH264Pps } from './h264-pps.js';
import {
  H264PocComputer,
  type H264SliceHeader,
  isNewH264Picture,
  parseH264SliceHeader,
  type SliceType,
} from './h264-slice.js';
import { type H264Sps, parseH264Sps } from './h264-sps.js';
import {
  type H265Pps,
  type H265Sps,
  type H265Vps,
  parseH265Pps,
  parseH265Sps,
  parseH265Vps,
} from './h265-ps.js';
import { H265PocComputer, type H265SliceHeader, parseH265SliceHeader } from './h265-slice.js';
import { h265RandomAccessKind, type RandomAccessKind, type VideoCodecName } from './nal.js';
import { findRecoveryPoint } from './sei.js';

/**
 * One access unit: exactly one coded picture, as one contiguous Annex B sample. This is what Rerun's
 * `VideoStream:sample` wants (one frame per sample, parameter sets in-band before IDR slices).
 */
export interface AccessUnit {
  /** Annex B bytes of the access unit, from its first start code to the end of its last NAL unit. */
  readonly data: Uint8Array;
  readonly codec: VideoCodecName;
  /** Codec string of the active SPS (`avc1.…` / `hev1.…`); undefined until an SPS has parsed. */
  readonly codecString: string | undefined;
  /**
   * Keyframe as Rerun 0.33 sees it: the sample holds an SPS that parses and an IDR slice.
   * A CRA (open GOP) picture is not one; see {@link AccessUnit.randomAccess}.
   */
  readonly isKeyframe: boolean;
  /** Random-access point kind: `idr`, `cra` (open GOP), `bla`, `recovery-point`; undefined for other pictures. */
  readonly randomAccess: RandomAccessKind | undefined;
  /** Decode-order index, from 0. */
  readonly index: number;
  /** nal_unit_type of each NAL unit, in order (inserted parameter sets included). */
  readonly nalTypes: readonly number[];
  /** Slice type of each (independent) slice, in order. */
  readonly sliceTypes: readonly SliceType[];
  /** Picture type as ffprobe's `pict_type` reports it: the first slice's type; undefined if it did not parse. */
  readonly pictType: SliceType | undefined;
  /** Picture order count within its coded video sequence; undefined if the slice header did not parse. */
  readonly poc: number | undefined;
  /**
   * Coded video sequence counter (+1 at every IDR/BLA). `(sequence, poc)` orders pictures for
   * presentation; `index` is the decode order: together they are the PTS/DTS-ready representation.
   */
  readonly sequence: number;
  /** H.264 frame_num (undefined for H.265 or when the slice header did not parse). */
  readonly frameNum: number | undefined;
  /** True unless nothing references the picture (H.264 nal_ref_idc = 0, H.265 sub-layer non-reference). */
  readonly isReference: boolean;
  /** Slice types include B, or the POC went backwards in decode order: pictures are reordered. */
  readonly hasBFrames: boolean;
  /** True if the splitter inserted the stored parameter sets into this sample. */
  readonly parameterSetsInserted: boolean;
  /** The SPS active for this picture, if known. */
  readonly sps: H264Sps | H265Sps | undefined;
}

/** Options of {@link AccessUnitSplitter}. */
export interface AccessUnitSplitterOptions {
  /** The codec of the stream. Use {@link detectCodec} if unknown. */
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

/** Size of the shared buffers samples that span pieces are copied into. */
const SLAB_BYTES = 1 << 20;

/** Slice headers are read from this many bytes at most: the fields needed end long before. */
const SLICE_PREFIX_BYTES = 64;

const EMPTY: readonly AccessUnit[] = Object.freeze([]);

type SliceHeader = H264SliceHeader | H265SliceHeader;

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
 */
export class AccessUnitSplitter implements StartCodeListener {
  private readonly codec: VideoCodecName;
  private readonly headerLength: number;
  private readonly maxBytes: number;
  private readonly insertParameterSets: boolean;
  private readonly bFramesAllowed: boolean;
  private readonly openGopAllowed: boolean;
  private readonly alwaysCopy: boolean;
  private readonly firstSliceOnly: boolean;
  private readonly scanner = new AnnexBScanner();
  // Scratch space for slice-header prefixes that span pieces or need emulation prevention removed.
  private readonly prefixScratch = new Uint8Array(SLICE_PREFIX_BYTES);
  private readonly rbspScratch = new Uint8Array(SLICE_PREFIX_BYTES);
  private slab = new Uint8Array(0);
  private slabPos = 0;

  // Pending input: views of pushed pieces covering [chunkOffsets[0], total).
  private chunks: Uint8Array[] = [];
  private chunkOffsets: number[] = [];
  private total = 0;

  // True before the first start code and after endAccessUnit(): only zero bytes may precede a start code.
  private expectStartCode = true;

  // The NAL unit being received.
  private nalOpen = false;
  private nalStart = 0;
  private nalHeader = 0;
  private nalHeaderDone = false;
  private nalType = -1;
  private nalByte0 = 0;
  private nalByte1 = 0;
  private nalVclPending = false;
  private nalIsParameterSet = false;
  private nalIsSei = false;
  private lastNalEnd = 0;

  // The access unit being assembled.
  private auStart = -1;
  private auNalTypes: number[] = [];
  private auNalStarts: number[] = [];
  private auHasVcl = false;
  private auLastSlice: SliceHeader | undefined;
  private auFirstSlice: SliceHeader | undefined;
  private auSliceTypes: SliceType[] = [];
  private auSpsParsed = false;
  private auRecoveryPoint = false;
  private auFirstVclType = -1;
  private auFirstVclByte0 = 0;

  // Stream state.
  private readonly h264Sps = new Map<number, H264Sps>();
  private readonly h264Pps = new Map<number, H264Pps>();
  private readonly h265Vps = new Map<number, H265Vps>();
  private readonly h265Sps = new Map<number, H265Sps>();
  private readonly h265Pps = new Map<number, H265Pps>();
  private readonly storedVps = new Map<number, Uint8Array>();
  private readonly storedSps = new Map<number, Uint8Array>();
  private readonly storedPps = new Map<number, Uint8Array>();
  private latestSps: H264Sps | H265Sps | undefined;
  private h264Poc = new H264PocComputer();
  private h265Poc = new H265PocComputer();
  private sequence = -1;
  private lastPoc: number | undefined;
  private index = 0;
  private output: AccessUnit[] | undefined;

  constructor(options: AccessUnitSplitterOptions) {
    this.codec = options.codec;
    this.headerLength = options.codec === 'h264' ? 1 : 2;
    this.maxBytes = options.maxAccessUnitBytes ?? DEFAULT_MAX_ACCESS_UNIT_BYTES;
    this.insertParameterSets = options.insertParameterSets ?? false;
    this.bFramesAllowed = options.bFrames === 'allow';
    this.openGopAllowed = options.openGop !== 'error';
    this.alwaysCopy = options.copy === 'always';
    this.firstSliceOnly = options.firstSliceOnly ?? false;
  }

  /** Number of access units emitted so far. */
  get accessUnitCount(): number {
    return this.index;
  }

  /** The most recently parsed SPS (H.264 or H.265), if any. */
  get sps(): H264Sps | H265Sps | undefined {
    return this.latestSps;
  }

  /** The latest raw parameter-set NAL units (no start codes), for building an avcC/hvcC record. */
  get parameterSets(): { vps: Uint8Array[]; sps: Uint8Array[]; pps: Uint8Array[] } {
    return {
      vps: [...this.storedVps.values()],
      sps: [...this.storedSps.values()],
      pps: [...this.storedPps.values()],
    };
  }

  /** Feeds the next piece of the stream; returns the access units it completed (often none). */
  push(bytes: Uint8Array): readonly AccessUnit[] {
    const n = bytes.length;
    if (n === 0) return EMPTY;
    if (this.expectStartCode) this.checkLeadingBytes(bytes);
    this.chunks.push(bytes);
    this.chunkOffsets.push(this.total);
    this.total += n;
    if (this.firstSliceOnly && this.auHasVcl && !this.nalVclPending) this.scanner.skip(bytes);
    else this.scanner.scan(bytes, this);
    if (this.nalOpen) {
      if (!this.nalHeaderDone) this.tryHeader();
      if (this.nalVclPending && this.total - this.nalHeader - this.headerLength >= SLICE_PREFIX_BYTES) {
        this.parseVcl(this.nalHeader + this.headerLength + SLICE_PREFIX_BYTES);
      }
    }
    const held = this.total - (this.auStart >= 0 ? this.auStart : this.nalOpen ? this.nalStart : this.total);
    if (held > this.maxBytes) this.tooLarge();
    this.trim();
    return this.take();
  }

  /**
   * The producer says the current frame is complete: emit it now. The next bytes must begin with a
   * start code. Parameter sets without a picture stay pending and join the next access unit.
   */
  endAccessUnit(): readonly AccessUnit[] {
    this.finishOpenNal();
    if (this.auHasVcl) this.closeAccessUnit(-1);
    this.expectStartCode = true;
    this.trim();
    return this.take();
  }

  /** End of stream: emits the last access unit and resets the splitter for a new stream. */
  end(): readonly AccessUnit[] {
    this.finishOpenNal();
    if (this.auHasVcl) this.closeAccessUnit(-1);
    const out = this.take();
    this.reset();
    return out;
  }

  /** Forgets everything (pending bytes, parameter sets, counters). */
  reset(): void {
    this.scanner.reset();
    this.chunks = [];
    this.chunkOffsets = [];
    this.total = 0;
    this.expectStartCode = true;
    this.nalOpen = false;
    this.lastNalEnd = 0;
    this.resetAccessUnit(-1);
    this.h264Sps.clear();
    this.h264Pps.clear();
    this.h265Vps.clear();
    this.h265Sps.clear();
    this.h265Pps.clear();
    this.storedVps.clear();
    this.storedSps.clear();
    this.storedPps.clear();
    this.latestSps = undefined;
    this.h264Poc = new H264PocComputer();
    this.h265Poc = new H265PocComputer();
    this.sequence = -1;
    this.lastPoc = undefined;
    this.index = 0;
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
    this.nalIsParameterSet = false;
    this.nalIsSei = false;
    this.tryHeader();
    // Live mode: once the frame's first slice has begun, the rest of the frame need not be scanned.
    return this.firstSliceOnly && (this.auHasVcl || this.nalVclPending);
  }

  private take(): readonly AccessUnit[] {
    const out = this.output;
    if (out === undefined) return EMPTY;
    this.output = undefined;
    return out;
  }

  private tooLarge(): never {
    this.fail(
      'bitstream-access-unit-too-large',
      `an access unit grew past maxAccessUnitBytes (${this.maxBytes} bytes); is this an Annex B H.264/H.265 stream?`,
    );
  }

  private fail(code: BitstreamErrorCode, message: string): never {
    throw new BitstreamError(code, message);
  }

  /** Before the first start code only zero bytes are allowed (leading_zero_8bits). */
  private checkLeadingBytes(bytes: Uint8Array): void {
    let k = 0;
    while (k < bytes.length && bytes[k] === 0) k++;
    if (k === bytes.length) return;
    if (bytes[k] !== 1 || this.scanner.trailingZeros + k < 2) {
      this.fail(
        'bitstream-no-start-code',
        `expected an Annex B start code (00 00 01 or 00 00 00 01) at byte ${this.total + k}, found 0x${(bytes[k] ?? 0).toString(16).padStart(2, '0')}; ` +
          'is the stream length-prefixed (AVCC/MP4)? Convert it with lengthPrefixedToAnnexB()',
      );
    }
  }

  private byteAt(offset: number): number {
    const chunks = this.chunks;
    for (let c = chunks.length - 1; c >= 0; c--) {
      const start = this.chunkOffsets[c] ?? 0;
      if (offset >= start) return chunks[c]?.[offset - start] ?? 0;
    }
    return 0;
  }

  /** Index of the pending piece holding absolute offset `offset` (searched from the newest). */
  private chunkIndex(offset: number): number {
    let c = this.chunks.length - 1;
    while (c > 0 && (this.chunkOffsets[c] as number) > offset) c--;
    return c;
  }

  /** Bytes [from, to) of the pending input: a view if they sit in one piece, else a copy. */
  private bytes(from: number, to: number): Uint8Array {
    const c = this.chunkIndex(from);
    const first = this.chunks[c];
    const firstStart = this.chunkOffsets[c] ?? 0;
    if (first && to - firstStart <= first.length) return first.subarray(from - firstStart, to - firstStart);
    const out = this.allocate(to - from);
    this.copyInto(out, 0, from, to);
    return out;
  }

  /**
   * Room for a sample. Samples are carved out of a shared slab: allocating one ArrayBuffer per frame
   * costs V8 about 10 µs (page faults, external-memory GCs), as much as scanning the frame. With
   * `copy: 'always'` every sample gets its own buffer.
   */
  private allocate(n: number): Uint8Array {
    if (this.alwaysCopy || n > SLAB_BYTES / 4) return new Uint8Array(n);
    if (this.slabPos + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.slabPos = 0;
    }
    const out = this.slab.subarray(this.slabPos, this.slabPos + n);
    // Keep every sample 8-byte aligned, for consumers that view it as wider typed arrays.
    this.slabPos += (n + 7) & ~7;
    return out;
  }

  private copyInto(out: Uint8Array, at: number, from: number, to: number): void {
    const chunks = this.chunks;
    for (let c = 0; c < chunks.length && from < to; c++) {
      const chunk = chunks[c];
      const start = this.chunkOffsets[c] ?? 0;
      if (!chunk || start + chunk.length <= from) continue;
      const end = Math.min(to, start + chunk.length);
      out.set(chunk.subarray(from - start, end - start), at);
      at += end - from;
      from = end;
    }
  }

  /** Drops pieces nothing pending refers to any more. */
  private trim(): void {
    let keep: number;
    if (this.auStart >= 0) keep = this.auStart;
    else if (this.nalOpen) keep = this.nalStart;
    else keep = this.total - Math.min(this.scanner.trailingZeros, 3);
    let k = 0;
    while (k < this.chunks.length - 1 && (this.chunkOffsets[k + 1] ?? 0) <= keep) k++;
    if (k > 0) {
      this.chunks.splice(0, k);
      this.chunkOffsets.splice(0, k);
    }
  }

  /**
   * Reads the NAL header once it surely belongs to this NAL unit: its last byte is non-zero (a zero could
   * be the start of the next start code). The other case waits for the NAL unit's end.
   */
  private tryHeader(): void {
    const last = this.nalHeader + this.headerLength - 1;
    if (this.total > last && this.byteAt(last) !== 0) this.processHeader();
  }

  private processHeader(): void {
    this.nalHeaderDone = true;
    const b0 = this.byteAt(this.nalHeader);
    const b1 = this.headerLength === 2 ? this.byteAt(this.nalHeader + 1) : 0;
    this.nalByte0 = b0;
    this.nalByte1 = b1;
    let type: number;
    let vcl: boolean;
    let startsAccessUnit: boolean;
    let parameterSet: boolean;
    if (this.codec === 'h264') {
      type = b0 & 0x1f;
      vcl = type >= 1 && type <= 5;
      // 7.4.1.2.3: these begin a new access unit when they follow the last VCL NAL unit of a picture.
      startsAccessUnit = (type >= 6 && type <= 9) || (type >= 14 && type <= 18);
      parameterSet = type === 7 || type === 8;
      this.nalIsSei = type === 6;
    } else {
      type = (b0 >>> 1) & 0x3f;
      const baseLayer = (b0 & 1) === 0 && b1 >>> 3 === 0;
      vcl = type < 32 && baseLayer;
      // 7.4.2.4.4: AUD, VPS, SPS, PPS, prefix SEI and reserved/unspecified 41..44, 48..55.
      startsAccessUnit =
        baseLayer &&
        ((type >= 32 && type <= 35) ||
          type === 39 ||
          (type >= 41 && type <= 44) ||
          (type >= 48 && type <= 55));
      parameterSet = baseLayer && type >= 32 && type <= 34;
    }
    this.nalType = type;
    this.nalIsParameterSet = parameterSet;
    // After an end of sequence the next picture restarts the POC (NoRaslOutputFlag = 1).
    if (this.codec === 'h265' && type === 36) this.h265Poc.reset();
    if (startsAccessUnit && this.auHasVcl) this.closeAccessUnit(this.nalStart);
    if (vcl) {
      // Whether this slice starts a new picture is decided once its header has been read.
      this.nalVclPending = true;
      return;
    }
    this.addNal(type);
  }

  private addNal(type: number): void {
    if (this.auStart < 0) this.auStart = this.nalStart;
    this.auNalTypes.push(type);
    this.auNalStarts.push(this.nalStart);
  }

  private finishOpenNal(): void {
    if (!this.nalOpen) return;
    this.finishNal(this.total - this.scanner.trailingZeros);
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
    else if (this.nalIsParameterSet) this.parseParameterSet(end);
    else if (this.nalIsSei) this.parseSei(end);
    this.lastNalEnd = end;
  }

  private parseSei(end: number): void {
    try {
      if (findRecoveryPoint(this.bytes(this.nalHeader, end), 1) !== undefined) this.auRecoveryPoint = true;
    } catch (error) {
      // A damaged SEI only costs the recovery-point report.
      if (!(error instanceof BitstreamError)) throw error;
    }
  }

  private parseParameterSet(end: number): void {
    // Parameter sets are small and kept for insertion: copy them out of the caller's buffers.
    const nal = this.bytes(this.nalHeader, end).slice();
    const type = this.nalType;
    try {
      if (this.codec === 'h264') {
        if (type === 7) {
          const sps = parseH264Sps(nal);
          this.h264Sps.set(sps.spsId, sps);
          this.storedSps.set(sps.spsId, nal);
          this.latestSps = sps;
          this.auSpsParsed = true;
        } else {
          const pps = parseH264Pps(nal);
          this.h264Pps.set(pps.ppsId, pps);
          this.storedPps.set(pps.ppsId, nal);
        }
      } else if (type === 32) {
        const vps = parseH265Vps(nal);
        this.h265Vps.set(vps.vpsId, vps);
        this.storedVps.set(vps.vpsId, nal);
      } else if (type === 33) {
        const sps = parseH265Sps(nal);
        this.h265Sps.set(sps.spsId, sps);
        this.storedSps.set(sps.spsId, nal);
        this.latestSps = sps;
        this.auSpsParsed = true;
      } else {
        const pps = parseH265Pps(nal);
        this.h265Pps.set(pps.ppsId, pps);
        this.storedPps.set(pps.ppsId, nal);
      }
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
    let src: Uint8Array;
    let start: number;
    let end: number;
    const c = this.chunkIndex(from);
    const chunk = this.chunks[c] as Uint8Array;
    const chunkStart = this.chunkOffsets[c] as number;
    if (to - chunkStart <= chunk.length) {
      src = chunk;
      start = from - chunkStart;
      end = to - chunkStart;
    } else {
      this.copyInto(this.prefixScratch, 0, from, to);
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
    let slice: SliceHeader | undefined;
    let newPicture: boolean;
    let firstMb = -1;
    if (this.codec === 'h264') {
      try {
        slice = parseH264SliceHeader(src, this.nalByte0, this.h264Pps, this.h264Sps, start, end);
        firstMb = slice.firstMbInSlice;
      } catch (error) {
        if (!(error instanceof BitstreamError)) throw error;
        firstMb = readFirstUe(src, start, end);
      }
      const prev = this.auLastSlice as H264SliceHeader | undefined;
      if (!this.auHasVcl) newPicture = false;
      else if (slice && prev) {
        const sps = this.h264Sps.get(slice.spsId);
        newPicture = isNewH264Picture(prev, slice as H264SliceHeader, sps?.picOrderCntType ?? 0);
      } else newPicture = firstMb === 0;
    } else {
      const temporalId = (this.nalByte1 & 7) - 1;
      try {
        slice = parseH265SliceHeader(src, this.nalType, temporalId, this.h265Pps, this.h265Sps, start, end);
      } catch (error) {
        if (!(error instanceof BitstreamError)) throw error;
      }
      const firstSliceInPic = end > start && ((src[start] ?? 0) & 0x80) !== 0;
      newPicture = this.auHasVcl && firstSliceInPic;
    }
    if (newPicture) this.closeAccessUnit(this.nalStart);
    if (!this.auHasVcl) {
      this.auHasVcl = true;
      this.auFirstSlice = slice;
      this.auFirstVclType = this.nalType;
      this.auFirstVclByte0 = this.nalByte0;
    }
    this.auLastSlice = slice;
    if (slice?.sliceType !== undefined) this.auSliceTypes.push(slice.sliceType);
    this.addNal(this.nalType);
  }

  /** Emits the access unit being assembled; the next one starts at `nextStart` (−1: none yet). */
  private closeAccessUnit(nextStart: number): void {
    const start = this.auStart;
    const end = this.lastNalEnd;
    const codec = this.codec;
    const firstType = this.auFirstVclType;
    const nalTypes = this.auNalTypes;
    const randomAccess: RandomAccessKind | undefined =
      codec === 'h264'
        ? firstType === 5
          ? 'idr'
          : this.auRecoveryPoint
            ? 'recovery-point'
            : undefined
        : h265RandomAccessKind(firstType);
    const isIdr = randomAccess === 'idr';

    // Parameter-set insertion: IDR (H.264) or IRAP (H.265) pictures without their SPS/PPS (VPS).
    let inserted: Uint8Array[] | undefined;
    let insertAt = start;
    let insertIndex = 0;
    if (this.insertParameterSets && randomAccess !== undefined) {
      const want = codec === 'h264' ? [7, 8] : [32, 33, 34];
      const stores =
        codec === 'h264'
          ? [this.storedSps, this.storedPps]
          : [this.storedVps, this.storedSps, this.storedPps];
      for (let k = 0; k < want.length; k++) {
        const store = stores[k];
        if (!nalTypes.includes(want[k] ?? -1) && store && store.size > 0) {
          inserted ??= [];
          for (const nal of store.values()) inserted.push(nal);
        }
      }
      if (inserted) {
        // Keep an access unit delimiter first (7.4.1.2.3 / 7.4.2.4.4).
        const audType = codec === 'h264' ? 9 : 35;
        if (nalTypes[0] === audType && nalTypes.length > 1) {
          insertIndex = 1;
          insertAt = this.auNalStarts[1] ?? start;
        }
      }
    }

    let data: Uint8Array;
    let allTypes: number[] = nalTypes;
    if (inserted) {
      let extra = 0;
      for (const nal of inserted) extra += 4 + nal.length;
      data = this.allocate(end - start + extra);
      this.copyInto(data, 0, start, insertAt);
      let at = insertAt - start;
      for (const nal of inserted) {
        data[at + 3] = 1;
        data.set(nal, at + 4);
        at += 4 + nal.length;
      }
      this.copyInto(data, at, insertAt, end);
      const insertedTypes = inserted.map((nal) =>
        codec === 'h264' ? (nal[0] ?? 0) & 0x1f : ((nal[0] ?? 0) >>> 1) & 0x3f,
      );
      allTypes = [...nalTypes.slice(0, insertIndex), ...insertedTypes, ...nalTypes.slice(insertIndex)];
    } else if (this.alwaysCopy) {
      data = this.allocate(end - start);
      this.copyInto(data, 0, start, end);
    } else {
      // Zero copies when the access unit sits in one pushed piece (whole frames from an encoder, large reads).
      data = this.bytes(start, end);
    }

    const slice = this.auFirstSlice;
    let sps: H264Sps | H265Sps | undefined = this.latestSps;
    let poc: number | undefined;
    let frameNum: number | undefined;
    let isReference: boolean;
    if (codec === 'h264') {
      const s = slice as H264SliceHeader | undefined;
      isReference = ((this.auFirstVclByte0 >>> 5) & 3) !== 0;
      if (s) {
        const active = this.h264Sps.get(s.spsId);
        if (active) {
          sps = active;
          poc = this.h264Poc.compute(s, active);
          frameNum = s.frameNum;
        }
      }
    } else {
      const s = slice as H265SliceHeader | undefined;
      isReference = !(firstType <= 14 && firstType % 2 === 0);
      if (s) {
        const active = this.h265Sps.get(s.spsId);
        if (active) {
          sps = active;
          poc = this.h265Poc.compute(s, active);
        }
      }
    }
    if (randomAccess === 'idr' || randomAccess === 'bla' || this.sequence < 0) {
      this.sequence++;
      this.lastPoc = undefined;
    }
    const hasB = this.auSliceTypes.includes('B');
    const reordered = poc !== undefined && this.lastPoc !== undefined && poc < this.lastPoc;
    if (poc !== undefined) this.lastPoc = poc;
    const hasBFrames = hasB || reordered;
    const spsInSample = this.auSpsParsed || (inserted !== undefined && sps !== undefined);
    const isKeyframe = isIdr && spsInSample;
    const index = this.index;
    if (data.length > this.maxBytes) this.tooLarge();

    if (hasBFrames && !this.bFramesAllowed) {
      this.fail(
        'bitstream-b-frames',
        `access unit ${index} is ${hasB ? 'a B-frame' : 'reordered (its POC is lower than the previous picture’s)'}: ` +
          "Rerun 0.33's VideoStream has no decode timestamps and cannot play B-frames (rerun-io/rerun#10090). " +
          'Re-encode without them, e.g. ffmpeg -c:v libx264 -bf 0 (x264: bframes=0, x265: bframes=0), ' +
          "or pass { bFrames: 'allow' } to keep going.",
      );
    }
    if (!this.openGopAllowed && randomAccess !== undefined && randomAccess !== 'idr' && index > 0) {
      this.fail(
        'bitstream-open-gop',
        `access unit ${index} is a ${randomAccess} random-access point (open GOP): Rerun 0.33 only starts decoding at IDR pictures. ` +
          'Re-encode with closed GOPs, e.g. -x265-params open-gop=0 (x264: open-gop=0, the default).',
      );
    }

    const au: AccessUnit = {
      data,
      codec,
      codecString: sps?.codecString,
      isKeyframe,
      randomAccess,
      index,
      nalTypes: allTypes,
      sliceTypes: this.auSliceTypes,
      pictType: slice?.sliceType,
      poc,
      sequence: this.sequence,
      frameNum,
      isReference,
      hasBFrames,
      parameterSetsInserted: inserted !== undefined,
      sps,
    };
    this.index++;
    if (this.output) this.output.push(au);
    else this.output = [au];
    this.resetAccessUnit(nextStart);
  }

  private resetAccessUnit(nextStart: number): void {
    this.auStart = nextStart;
    this.auNalTypes = [];
    this.auNalStarts = [];
    this.auHasVcl = false;
    this.auLastSlice = undefined;
    this.auFirstSlice = undefined;
    this.auSliceTypes = [];
    this.auSpsParsed = false;
    this.auRecoveryPoint = false;
    this.auFirstVclType = -1;
    this.auFirstVclByte0 = 0;
  }
}

/** first_mb_in_slice alone, when the rest of the slice header cannot be read (unknown PPS/SPS). */
function readFirstUe(rbsp: Uint8Array, start: number, end: number): number {
  try {
    return new BitReader(rbsp, start, end).readUE();
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
    return -2;
  }
}

/**
 * Guesses the codec of an Annex B stream from its first NAL unit header. H.265 headers have
 * nuh_temporal_id_plus1 ≥ 1 in the second byte and, at a stream start, a VPS/SPS/PPS/AUD/SEI/IRAP type;
 * anything else is taken as H.264. Throws `bitstream-no-start-code` if there is no start code.
 */
export function detectCodec(data: Uint8Array): VideoCodecName {
  let i = 0;
  while (i < data.length && data[i] === 0) i++;
  if (i < 2 || data[i] !== 1 || i + 1 >= data.length) {
    throw new BitstreamError(
      'bitstream-no-start-code',
      'cannot detect the codec: the data does not begin with a start code',
    );
  }
  const b0 = data[i + 1] ?? 0;
  const b1 = data[i + 2] ?? 0;
  const h265Type = (b0 >>> 1) & 0x3f;
  const h265Like =
    (b0 & 0x81) === 0 &&
    b1 === 1 &&
    ([32, 33, 34, 35, 39].includes(h265Type) || (h265Type >= 16 && h265Type <= 21));
  return h265Like ? 'h265' : 'h264';
}
