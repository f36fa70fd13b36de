import { BitstreamError } from './bitstream-error.js';

const START_CODE = Uint8Array.of(0, 0, 1);

/** Receives start codes found by {@link AnnexBScanner}. */
export interface StartCodeListener {
  /**
   * A start code `00 00 01` whose `01` byte is at absolute stream offset `oneOffset`.
   * `zeros` counts all zero bytes right before the `01` (≥ 2; 3 for a 4-byte start code, more with
   * trailing_zero_8bits), across piece boundaries. The NAL unit before it ends at `oneOffset − zeros`;
   * the next one's header starts at `oneOffset + 1`. Returning `true` stops the scan of the current
   * piece (the rest of it is skipped; the carried state stays right).
   */
  onStartCode(oneOffset: number, zeros: number): boolean | undefined;
}

type IndexOf = (this: Uint8Array, value: number | Uint8Array, byteOffset: number) => number;

/**
 * Node's `Buffer.prototype.indexOf` runs `memchr` (or a native needle search) and accepts any
 * `Uint8Array`; V8's own `TypedArray.prototype.indexOf` is several times slower. Feature-detected so
 * browsers fall back to a plain loop.
 */
const nativeIndexOf: IndexOf | undefined = (() => {
  const fn = (globalThis as { Buffer?: { prototype?: { indexOf?: unknown } } }).Buffer?.prototype?.indexOf;
  if (typeof fn !== 'function') return undefined;
  try {
    const probe = Uint8Array.of(7, 0, 0, 1);
    const ok = (fn as IndexOf).call(probe, 1, 0) === 3 && (fn as IndexOf).call(probe, START_CODE, 0) === 1;
    return ok ? (fn as IndexOf) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Portable fallback: look at every third byte. A byte > 1 rules out a `01` there and at the next two
 * positions, so most of the data is skipped three bytes at a time.
 */
function findWithSkipLoop(p: Uint8Array, from: number): number {
  const n = p.length;
  let i = from;
  while (i < n) {
    const b = p[i] as number;
    if (b > 1) i += 3;
    else if (b === 0) i++;
    else if (p[i - 1] === 0 && p[i - 2] === 0) return i;
    else i += 3;
  }
  return -1;
}

/**
 * Below this density of `01` bytes, the native `00 00 01` needle search is faster than `memchr(01)` plus
 * a JavaScript check per hit (entropy-coded CABAC data); above it (CAVLC data, where `00` is even more
 * common than `01`) the `memchr(01)` path wins. Measured on x264 720p streams.
 */
const NEEDLE_DENSITY = 1 / 160;
/** In needle mode, re-measure the `01` density with `memchr` every this many pieces. */
const REPROBE_PIECES = 32;

/**
 * Incremental Annex B start-code scanner.
 *
 * In Node the hot loop is native: `memchr` for the `01` byte followed by two byte compares, or, where
 * `01` bytes are rare, the native `00 00 01` needle search (it picks by the `01` density it measures).
 * Elsewhere a loop that looks at every third byte. The only state carried between pieces is the number
 * of zero bytes the previous piece ended with, so a start code split across pieces is found too.
 */
export class AnnexBScanner {
  private readonly indexOf: IndexOf | undefined;

  /** @param options - `native: false` forces the portable loop (tests, benchmarks). */
  constructor(options: { readonly native?: boolean } = {}) {
    this.indexOf = options.native === false ? undefined : nativeIndexOf;
  }

  private zeroRun = 0;
  private offset = 0;
  // Pieces left to scan with the native needle search before measuring the `01` density again.
  private needleMode = 0;

  /** Absolute offset of the next byte to scan (= bytes scanned so far). */
  get position(): number {
    return this.offset;
  }

  /** Zero bytes at the end of what has been scanned (candidates for a start code or trailing zeros). */
  get trailingZeros(): number {
    return this.zeroRun;
  }

  /** Scans the next piece of the stream, reporting every start code that ends in it. */
  scan(piece: Uint8Array, listener: StartCodeListener): void {
    const n = piece.length;
    const base = this.offset;
    const carried = this.zeroRun;
    // Start codes whose `01` is one of the first two bytes use the zeros carried from the last piece.
    let stop = false;
    if (n > 0 && piece[0] === 1 && carried >= 2) stop = listener.onStartCode(base, carried) === true;
    else if (n > 1 && piece[1] === 1 && piece[0] === 0 && carried >= 1) {
      stop = listener.onStartCode(base + 1, carried + 1) === true;
    }
    const indexOf = this.indexOf;
    if (stop) {
      // The listener needs nothing more from this piece.
    } else if (indexOf === undefined) {
      for (let i = findWithSkipLoop(piece, 2); i !== -1; i = findWithSkipLoop(piece, i + 3)) {
        if (this.report(piece, i, base, carried, listener)) break;
      }
    } else if (this.needleMode > 0 && n >= 3) {
      this.needleMode--;
      // Native needle search: the whole loop stays in C++ between start codes.
      for (let i = indexOf.call(piece, START_CODE, 0); i !== -1; i = indexOf.call(piece, START_CODE, i + 3)) {
        if (this.report(piece, i + 2, base, carried, listener)) break;
      }
    } else {
      // memchr for `01`, then two compares; count the hits to pick the faster mode for what follows.
      let hits = 0;
      let i = indexOf.call(piece, 1, 2);
      while (i !== -1) {
        hits++;
        if (piece[i - 1] === 0 && piece[i - 2] === 0) {
          if (this.report(piece, i, base, carried, listener)) {
            hits = n; // stopped early: the density is unknown, keep this mode
            break;
          }
          i = indexOf.call(piece, 1, i + 3);
        } else {
          i = indexOf.call(piece, 1, i + 1);
        }
      }
      if (n >= 1024 && hits < n * NEEDLE_DENSITY) this.needleMode = REPROBE_PIECES;
    }
    this.skip(piece, base, carried);
  }

  /**
   * Moves past `piece` without looking for start codes (for a caller that knows there are none it
   * needs); only its trailing zeros are counted, so a start code straddling the next piece is still found.
   */
  skip(piece: Uint8Array, base = this.offset, carried = this.zeroRun): void {
    const n = piece.length;
    let k = n - 1;
    while (k >= 0 && piece[k] === 0) k--;
    this.zeroRun = k < 0 ? carried + n : n - 1 - k;
    this.offset = base + n;
  }

  /** Forgets all state: the next byte scanned is offset 0. */
  reset(): void {
    this.zeroRun = 0;
    this.offset = 0;
    this.needleMode = 0;
  }

  /** Reports the start code whose `01` is at `i` (≥ 2) of `piece`, counting the zeros before it. */
  private report(
    piece: Uint8Array,
    i: number,
    base: number,
    carried: number,
    listener: StartCodeListener,
  ): boolean {
    let zeros = 2;
    let j = i - 3;
    while (j >= 0 && piece[j] === 0) {
      zeros++;
      j--;
    }
    if (j < 0) zeros += carried;
    return listener.onStartCode(base + i, zeros) === true;
  }
}

/** A NAL unit found in a whole buffer: its bytes (header included, no start code) and where it sits. */
export interface NalUnitView {
  /** The NAL unit, header included, trailing zero bytes excluded; a view into the input. */
  readonly data: Uint8Array;
  /** Offset of the start code (including a 4-byte start code's leading zero) in the input. */
  readonly startCodeOffset: number;
  /** Offset of the NAL header in the input. */
  readonly offset: number;
}

/**
 * Splits a complete Annex B buffer into NAL units (views, no copies). Leading zero bytes are allowed;
 * anything else before the first start code throws `bitstream-no-start-code`. Empty NAL units are skipped.
 */
export function splitAnnexB(data: Uint8Array): NalUnitView[] {
  const starts: number[] = [];
  const zerosBefore: number[] = [];
  const scanner = new AnnexBScanner();
  scanner.scan(data, {
    onStartCode(one, zeros) {
      starts.push(one);
      zerosBefore.push(zeros);
      return false;
    },
  });
  const nals: NalUnitView[] = [];
  if (data.length === 0) return nals;
  const first = starts[0];
  if (first === undefined || first - (zerosBefore[0] ?? 0) !== 0) {
    throw new BitstreamError(
      'bitstream-no-start-code',
      'Annex B data must begin with a start code (00 00 01 or 00 00 00 01); is it length-prefixed (AVCC/MP4)?',
    );
  }
  for (let k = 0; k < starts.length; k++) {
    const one = starts[k] ?? 0;
    const next = starts[k + 1];
    const end = next === undefined ? data.length - scanner.trailingZeros : next - (zerosBefore[k + 1] ?? 0);
    if (end > one + 1) {
      nals.push({
        data: data.subarray(one + 1, end),
        startCodeOffset: one - Math.min(zerosBefore[k] ?? 0, 3),
        offset: one + 1,
      });
    }
  }
  return nals;
}
