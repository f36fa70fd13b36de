import { RrdDecodeError } from '../../errors.js';

/**
 * Error (code `rrd-bad-message`) thrown by {@link decompressLz4Block} for a block that is not valid LZ4 or does not decompress to the
 * promised size. `offset` is the position in the compressed block where the problem was found.
 */
export class Lz4BlockError extends RrdDecodeError {
  constructor(message: string, offset: number) {
    super('rrd-bad-message', message, offset);
    this.name = 'Lz4BlockError';
  }
}

const MIN_MATCH = 4;
/** Most output bytes one input byte can stand for (a match length byte of 255). */
const MAX_EXPANSION = 255;

/**
 * Decompresses one raw LZ4 **block** (no frame header, no size prefix: what `lz4_flex::block::compress`
 * writes and Rerun puts in LZ4 ArrowMsgs) into exactly `uncompressedSize` bytes.
 *
 * Every read and write is bounds-checked: a truncated block, a match offset before the start of the output,
 * output larger than `uncompressedSize` or output shorter than it throws {@link Lz4BlockError}; so does an
 * `uncompressedSize` more than 255 times the block (no block expands further), before anything is allocated.
 */
export function decompressLz4Block(block: Uint8Array, uncompressedSize: number): Uint8Array {
  if (!Number.isSafeInteger(uncompressedSize) || uncompressedSize < 0)
    throw new Lz4BlockError(`uncompressed size ${uncompressedSize} is not a byte count`, 0);
  // A sequence turns at most 255 output bytes out of each input byte: a larger claim is a lie, and allocating
  // for it first would let a few bytes of input reserve gigabytes.
  if (uncompressedSize > MAX_EXPANSION * block.length)
    throw new Lz4BlockError(
      `uncompressed size ${uncompressedSize} is more than a ${block.length}-byte LZ4 block can hold`,
      0,
    );
  const out = new Uint8Array(uncompressedSize);
  const end = block.length;
  let s = 0;
  let d = 0;
  const readLength = (base: number): number => {
    let n = base;
    if (base !== 15) return n;
    for (;;) {
      if (s >= end) throw new Lz4BlockError('block ends inside a length', s);
      const b = block[s++]!;
      n += b;
      if (b !== 255) return n;
    }
  };
  while (s < end) {
    const token = block[s++]!;
    const literals = readLength(token >> 4);
    if (s + literals > end) throw new Lz4BlockError(`${literals} literals run past the end of the block`, s);
    if (d + literals > uncompressedSize)
      throw new Lz4BlockError(`output is larger than the uncompressed size ${uncompressedSize}`, s);
    out.set(block.subarray(s, s + literals), d);
    s += literals;
    d += literals;
    if (s === end) break; // the last sequence has literals only
    if (s + 2 > end) throw new Lz4BlockError('block ends inside a match offset', s);
    const offset = block[s]! | (block[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d)
      throw new Lz4BlockError(
        `match offset ${offset} points before the start of the output (at ${d})`,
        s - 2,
      );
    const length = readLength(token & 15) + MIN_MATCH;
    if (d + length > uncompressedSize)
      throw new Lz4BlockError(`output is larger than the uncompressed size ${uncompressedSize}`, s);
    if (offset >= length) out.copyWithin(d, d - offset, d - offset + length);
    else for (let i = 0; i < length; i++) out[d + i] = out[d - offset + i]!;
    d += length;
  }
  if (d !== uncompressedSize)
    throw new Lz4BlockError(
      `block decompresses to ${d} bytes; uncompressed_size says ${uncompressedSize}`,
      s,
    );
  return out;
}
