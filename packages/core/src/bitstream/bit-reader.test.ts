import { describe, expect, it } from 'vitest';
import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import { addEmulationPrevention, removeEmulationPrevention } from './emulation-prevention.js';

/** Writes bit strings like '1 010 00111' (spaces ignored) into bytes, zero-padded. */
function bits(s: string): Uint8Array {
  const clean = s.replace(/\s/g, '');
  const out = new Uint8Array(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** Exp-Golomb code of `k` as a bit string. */
function ue(k: number): string {
  const b = (k + 1).toString(2);
  return '0'.repeat(b.length - 1) + b;
}

describe('BitReader', () => {
  it('reads fixed-width fields across byte boundaries', () => {
    const r = new BitReader(
      Uint8Array.from([0b10110011, 0b01011100, 0xff, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a]),
    );
    expect(r.readBits(1)).toBe(1);
    expect(r.readBits(3)).toBe(0b011);
    expect(r.readBits(6)).toBe(0b001101);
    expect(r.readBits(6)).toBe(0b011100);
    expect(r.readBits(16)).toBe(0xff00);
    expect(r.readBits(32)).toBe(0x12345678);
    expect(r.bitsLeft).toBe(8);
    expect(r.readBits(0)).toBe(0);
  });

  it('reads 32 bits at an unaligned position as an unsigned number', () => {
    const r = new BitReader(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    r.skipBits(3);
    expect(r.readBits(32)).toBe(0xffffffff);
  });

  it('reads ue(v) and se(v), short and long codes', () => {
    const values = [0, 1, 2, 3, 7, 8, 254, 255, 65534, 65535, 1_000_000, 2 ** 31, 2 ** 32 - 2];
    const r = new BitReader(bits(values.map(ue).join('')));
    for (const v of values) expect(r.readUE()).toBe(v);
    const signed = new BitReader(bits([0, 1, 2, 3, 4, 2 ** 32 - 2].map(ue).join('')));
    expect([0, 1, 2, 3, 4, 5].map(() => signed.readSE())).toEqual([0, 1, -1, 2, -2, -(2 ** 31 - 1)]);
  });

  it('reads ue(v) at every bit offset', () => {
    for (let offset = 0; offset < 8; offset++) {
      const r = new BitReader(bits('1'.repeat(offset) + ue(5) + ue(300) + ue(0)));
      r.skipBits(offset);
      expect([r.readUE(), r.readUE(), r.readUE()]).toEqual([5, 300, 0]);
    }
  });

  it('throws bitstream-truncated past the end, also for an unterminated exp-Golomb prefix', () => {
    const r = new BitReader(Uint8Array.from([0x80]));
    r.readBits(8);
    expect(() => r.readBit()).toThrow(BitstreamError);
    expect(() => new BitReader(new Uint8Array(8)).readUE()).toThrow(
      expect.objectContaining({ code: 'bitstream-truncated' }),
    );
    expect(() => new BitReader(Uint8Array.from([0x00, 0x01])).readUE()).toThrow(BitstreamError);
    expect(() => new BitReader(new Uint8Array(0)).readBits(1)).toThrow(BitstreamError);
  });

  it('more_rbsp_data stops at the rbsp_stop_one_bit', () => {
    const r = new BitReader(bits('101 1 0000'));
    expect(r.moreRbspData()).toBe(true);
    r.skipBits(3);
    expect(r.moreRbspData()).toBe(false);
    expect(new BitReader(new Uint8Array(2)).moreRbspData()).toBe(false);
  });
});

describe('emulation prevention', () => {
  it('removes 03 after 00 00 and returns the input itself when there is none', () => {
    const plain = Uint8Array.from([1, 2, 3, 0, 0, 4]);
    expect(removeEmulationPrevention(plain)).toBe(plain);
    expect([...removeEmulationPrevention(Uint8Array.from([0, 0, 3, 1, 0, 0, 3, 0, 0, 3]))]).toEqual([
      0, 0, 1, 0, 0, 0, 0,
    ]);
    expect([...removeEmulationPrevention(Uint8Array.from([0, 0, 3, 0, 0, 3, 0, 3]))]).toEqual([
      0, 0, 0, 0, 0, 3,
    ]);
  });

  it('removes only up to maxOutput bytes', () => {
    const escaped = Uint8Array.from([9, 0, 0, 3, 1, 0, 0, 3, 2, 7, 7]);
    expect([...removeEmulationPrevention(escaped, 4)]).toEqual([9, 0, 0, 1]);
    expect([...removeEmulationPrevention(escaped, 100)]).toEqual([9, 0, 0, 1, 0, 0, 2, 7, 7]);
  });

  it('round-trips with addEmulationPrevention', () => {
    const rbsp = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0]);
    const escaped = addEmulationPrevention(rbsp);
    for (let i = 2; i < escaped.length; i++) {
      if (escaped[i - 2] === 0 && escaped[i - 1] === 0) expect(escaped[i]).toBeGreaterThanOrEqual(3);
    }
    expect([...removeEmulationPrevention(escaped)]).toEqual([...rbsp]);
  });
});

export { bits, ue };
