import { concatBytes } from '@camstream/test-helpers/bytes';
import { lz4jsCompress, lz4jsDecompress } from '@camstream/test-helpers/lz4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompressLz4Block, Lz4BlockError } from './block.js';

describe('decompressLz4Block', () => {
  it('round-trips blocks made by lz4js, including overlapping matches (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 60 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (runs) => {
          const parts = runs.flatMap(([bytes, repeat]) => Array.from({ length: repeat }, () => bytes));
          const raw = concatBytes(parts);
          const block = lz4jsCompress(raw);
          if (block === undefined) return; // lz4js gives up on tiny inputs
          expect(decompressLz4Block(block, raw.length)).toEqual(raw);
          // Same answer as lz4js's own (unchecked) decoder.
          const theirs = new Uint8Array(raw.length);
          expect(lz4jsDecompress(block, theirs)).toBe(raw.length);
          expect(theirs).toEqual(raw);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes a hand-made block: literals, then an overlapping match (RLE)', () => {
    // token 0x1f: 1 literal 'a', match length 15+1+4=20 at offset 1; then a final literal-only sequence.
    const block = new Uint8Array([0x1f, 0x61, 0x01, 0x00, 0x01, 0x10, 0x62]);
    expect(new TextDecoder().decode(decompressLz4Block(block, 22))).toBe(`${'a'.repeat(21)}b`);
  });

  it('refuses an uncompressed size no block of that length can reach, before allocating it', () => {
    // A few bytes claiming 4 GiB: without the check the decoder first allocates the 4 GiB.
    const tiny = Uint8Array.of(0x10, 0x61, 0x01, 0x00);
    expect(() => decompressLz4Block(tiny, 2 ** 32 - 1)).toThrow(/more than a 4-byte LZ4 block can hold/);
    expect(() => decompressLz4Block(new Uint8Array(0), 1)).toThrow(Lz4BlockError);
    // The densest block there is (one literal, then one match whose length bytes are all 255) still decodes.
    const k = 100;
    const dense = Uint8Array.of(0x1f, 0x61, 0x01, 0x00, ...new Array(k).fill(255), 0);
    const out = decompressLz4Block(dense, 1 + 19 + 255 * k);
    expect(out.every((b) => b === 0x61)).toBe(true);
    expect(out.length).toBeLessThanOrEqual(255 * dense.length);
  });

  it('rejects bad blocks with Lz4BlockError, never reading or writing out of bounds (property)', () => {
    const raw = new TextEncoder().encode('hello hello hello hello hello hello world world world world');
    const good = lz4jsCompress(raw)!;
    expect(() => decompressLz4Block(good, raw.length + 1)).toThrow(/uncompressed_size says/);
    expect(() => decompressLz4Block(good, raw.length - 1)).toThrow(/larger than the uncompressed size/);
    expect(() => decompressLz4Block(good.subarray(0, good.length - 3), raw.length)).toThrow(Lz4BlockError);
    expect(() => decompressLz4Block(new Uint8Array([0x04, 0x00, 0x00]), 8)).toThrow(/match offset 0/);
    expect(() => decompressLz4Block(good, -1)).toThrow(Lz4BlockError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 4096 }), (garbage, size) => {
        try {
          const out = decompressLz4Block(garbage, size);
          expect(out.length).toBe(size);
        } catch (error) {
          expect(error).toBeInstanceOf(Lz4BlockError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
