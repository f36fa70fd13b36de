import type { SampleMemory } from './sample-memory.js';

/**
 * The pushed pieces of a stream that are still needed, kept by reference (no copy), addressed by absolute
 * stream offset. Ranges inside one piece are read in place; ranges spanning pieces are copied once.
 */
export class PieceBuffer {
  private pieces: Uint8Array[] = [];
  // Absolute offset of each piece's first byte.
  private starts: number[] = [];
  private total = 0;

  /** @param memory - where ranges spanning pieces are copied to. */
  constructor(private readonly memory: SampleMemory) {}

  /** Absolute offset just past the newest piece (= bytes pushed since the last {@link clear}). */
  get end(): number {
    return this.total;
  }

  /** Keeps `piece` (not a copy) as the bytes that follow the stream so far. */
  append(piece: Uint8Array): void {
    this.pieces.push(piece);
    this.starts.push(this.total);
    this.total += piece.length;
  }

  /** The byte at absolute offset `offset`; 0 outside the kept pieces. */
  byteAt(offset: number): number {
    const pieces = this.pieces;
    for (let c = pieces.length - 1; c >= 0; c--) {
      const start = this.starts[c] ?? 0;
      if (offset >= start) return pieces[c]?.[offset - start] ?? 0;
    }
    return 0;
  }

  /** Index of the kept piece holding absolute offset `offset` (searched from the newest). */
  indexAt(offset: number): number {
    let c = this.pieces.length - 1;
    while (c > 0 && (this.starts[c] as number) > offset) c--;
    return c;
  }

  /** The kept piece at `index` (from {@link indexAt}). */
  piece(index: number): Uint8Array {
    return this.pieces[index] as Uint8Array;
  }

  /** Absolute offset of the first byte of the kept piece at `index`. */
  pieceStart(index: number): number {
    return this.starts[index] as number;
  }

  /** Bytes [from, to): a view if they sit in one piece, else a copy. */
  bytes(from: number, to: number): Uint8Array {
    const c = this.indexAt(from);
    const first = this.pieces[c];
    const firstStart = this.starts[c] ?? 0;
    if (first && to - firstStart <= first.length) return first.subarray(from - firstStart, to - firstStart);
    return this.copy(from, to);
  }

  /** A copy of bytes [from, to) in sample memory. */
  copy(from: number, to: number): Uint8Array {
    const out = this.memory.allocate(to - from);
    this.copyInto(out, 0, from, to);
    return out;
  }

  /** Copies bytes [from, to) into `out` at `at`. */
  copyInto(out: Uint8Array, at: number, from: number, to: number): void {
    const pieces = this.pieces;
    for (let c = 0; c < pieces.length && from < to; c++) {
      const piece = pieces[c];
      const start = this.starts[c] ?? 0;
      if (!piece || start + piece.length <= from) continue;
      const end = Math.min(to, start + piece.length);
      out.set(piece.subarray(from - start, end - start), at);
      at += end - from;
      from = end;
    }
  }

  /** Lets go of the pieces that lie wholly before absolute offset `keep` (the newest piece always stays). */
  dropBefore(keep: number): void {
    let k = 0;
    while (k < this.pieces.length - 1 && (this.starts[k + 1] ?? 0) <= keep) k++;
    if (k > 0) {
      this.pieces.splice(0, k);
      this.starts.splice(0, k);
    }
  }

  /** Lets go of every piece; the next piece appended starts at offset 0. */
  clear(): void {
    this.pieces = [];
    this.starts = [];
    this.total = 0;
  }
}
