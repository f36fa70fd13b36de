import { describe, expect, it } from 'vitest';
import { AnnexBScanner, splitAnnexB } from './annexb-scanner.js';
import { BitstreamError } from './bitstream-error.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const from = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

function scanAll(data: Uint8Array, piece: number, native = true): [number, number][] {
  const found: [number, number][] = [];
  const scanner = new AnnexBScanner({ native });
  for (let i = 0; i < data.length; i += piece) {
    scanner.scan(data.subarray(i, i + piece), {
      onStartCode: (one, zeros) => {
        found.push([one, zeros]);
        return false;
      },
    });
  }
  return found;
}

describe('AnnexBScanner', () => {
  it('finds 3- and 4-byte start codes and counts the zeros before them, in any pieces', () => {
    const data = from('00000001 67 aa 000001 68 bb 0000 000001 65 cc 000000 01 41');
    const expected: [number, number][] = [
      [3, 3],
      [8, 2],
      [15, 4],
      [21, 3],
    ];
    for (const piece of [1, 2, 3, 4, 5, 100]) {
      expect(scanAll(data, piece)).toEqual(expected);
      expect(scanAll(data, piece, false)).toEqual(expected);
    }
  });

  it('finds the same start codes with the native and the portable search, in both native modes', () => {
    // Dense random data keeps the memchr(01) mode; sparse data (no 01 bytes) switches to the needle search.
    let seed = 1;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const dense of [true, false]) {
      const data = new Uint8Array(200_000);
      for (let i = 0; i < data.length; i++) {
        const r = rand();
        data[i] = dense ? r % 4 : r < 2 ? 0 : r === 2 ? 1 : 5 + (r % 200);
      }
      for (let i = 0; i < data.length; i += 997) data.set([0, 0, 0, 1, 0x65], i);
      for (const piece of [1, 3, 4096, 65536, data.length]) {
        const portable = scanAll(data, piece, false);
        expect(scanAll(data, piece, true)).toEqual(portable);
        expect(portable.length).toBeGreaterThan(200);
      }
    }
  });

  it('does not see start codes in 00 00 02, 00 01 or 00 00 03 01', () => {
    expect(scanAll(from('000001 67 000002 0001 00000301 ff'), 1)).toEqual([[2, 2]]);
  });
});

describe('splitAnnexB', () => {
  it('returns views of the NAL units without start codes and trailing zeros', () => {
    const data = from('00000001 6742 000001 68ce 0000 00000001 65888001 0000');
    const nals = splitAnnexB(data);
    expect(nals.map((n) => hex(n.data))).toEqual(['6742', '68ce', '65888001']);
    expect(nals.map((n) => n.startCodeOffset)).toEqual([0, 6, 13]);
    expect(nals[0]?.data.buffer).toBe(data.buffer);
  });

  it('accepts leading zero bytes and skips empty NAL units', () => {
    expect(splitAnnexB(from('0000 000001 09f0 000001 000001 41')).map((n) => hex(n.data))).toEqual([
      '09f0',
      '41',
    ]);
  });

  it('throws bitstream-no-start-code when the data does not begin with one', () => {
    expect(() => splitAnnexB(from('0000001a 67'))).toThrow(
      expect.objectContaining({ code: 'bitstream-no-start-code' }),
    );
    expect(() => splitAnnexB(from('000001'.replace('000001', '0001') + '67'))).toThrow(BitstreamError);
  });
});
