import { describe, expect, it } from 'vitest';
import { lz4jsCompress, lz4jsDecompress } from './lz4.js';

describe('lz4js', () => {
  it('round-trips a repetitive input through a smaller block', () => {
    const raw = new TextEncoder().encode('camstream '.repeat(200));
    const block = lz4jsCompress(raw);
    expect(block).toBeDefined();
    expect(block!.length).toBeLessThan(raw.length / 4);
    const out = new Uint8Array(raw.length);
    expect(lz4jsDecompress(block!, out)).toBe(raw.length);
    expect(out).toEqual(raw);
  });

  it('gives undefined where lz4js makes no block (incompressible bytes)', () => {
    expect(lz4jsCompress(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });
});
