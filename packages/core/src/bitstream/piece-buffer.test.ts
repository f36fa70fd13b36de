import { describe, expect, it } from 'vitest';
import { PieceBuffer } from './piece-buffer.js';
import { SampleMemory } from './sample-memory.js';

/** Pieces [0 1 2] [3 4] [5 6 7 8] at offsets 0, 3, 5. */
function threePieces(): { buffer: PieceBuffer; pieces: Uint8Array[] } {
  const buffer = new PieceBuffer(new SampleMemory(false));
  const pieces = [Uint8Array.of(0, 1, 2), Uint8Array.of(3, 4), Uint8Array.of(5, 6, 7, 8)];
  for (const p of pieces) buffer.append(p);
  return { buffer, pieces };
}

describe('PieceBuffer', () => {
  it('addresses the pushed pieces by absolute offset', () => {
    const { buffer, pieces } = threePieces();
    expect(buffer.end).toBe(9);
    expect(Array.from({ length: 10 }, (_, k) => buffer.byteAt(k))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    expect([0, 2, 3, 4, 5, 8].map((k) => buffer.indexAt(k))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(buffer.piece(1)).toBe(pieces[1]);
    expect([0, 1, 2].map((k) => buffer.pieceStart(k))).toEqual([0, 3, 5]);
  });

  it('gives a range inside one piece as a view of it, and copies a range that spans pieces (or any range, asked to)', () => {
    const { buffer, pieces } = threePieces();
    const view = buffer.bytes(5, 8);
    expect([...view]).toEqual([5, 6, 7]);
    expect(view.buffer).toBe(pieces[2]?.buffer);
    const copy = buffer.bytes(1, 7);
    expect([...copy]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pieces.some((p) => p.buffer === copy.buffer)).toBe(false);
    const copyOfView = buffer.copy(5, 8);
    expect([...copyOfView]).toEqual([5, 6, 7]);
    expect(copyOfView.buffer).not.toBe(pieces[2]?.buffer);
    const out = new Uint8Array(6);
    buffer.copyInto(out, 1, 2, 7);
    expect([...out]).toEqual([0, 2, 3, 4, 5, 6]);
  });

  it('drops the pieces wholly before an offset (never the newest) and forgets all at clear()', () => {
    const { buffer } = threePieces();
    buffer.dropBefore(4);
    expect([buffer.byteAt(2), buffer.byteAt(3), buffer.byteAt(8)]).toEqual([0, 3, 8]);
    buffer.dropBefore(100);
    expect([buffer.byteAt(4), buffer.byteAt(5), buffer.end]).toEqual([0, 5, 9]);
    buffer.clear();
    buffer.append(Uint8Array.of(9));
    expect([buffer.end, buffer.byteAt(0)]).toEqual([1, 9]);
  });
});
