import { describe, expect, it } from 'vitest';
import type { AccessUnit } from './access-unit.js';
import { AccessUnitSplitter } from './access-unit-splitter.js';
import { AnnexBScanner, splitAnnexB } from './annexb-scanner.js';
import { BitstreamError } from './bitstream-error.js';
import { detectCodec } from './codec-detection.js';

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

// Hand-made minimal streams for splitter edge cases; the real-encoder vectors are in ffmpeg-vectors.test.ts.
/** A NAL unit in hex: header byte(s), then the bit string padded with 1s to a byte, then `tail` bytes. */
function nal(header: string, bitString: string, tail = 'ffee'): string {
  const b = bitString.replace(/\s/g, '');
  const padded = b + '1'.repeat((8 - (b.length % 8)) % 8);
  let out = header;
  for (let i = 0; i < padded.length; i += 8)
    out += parseInt(padded.slice(i, i + 8), 2)
      .toString(16)
      .padStart(2, '0');
  return out + tail;
}
// Baseline SPS, 16x16, log2_max_frame_num 4, POC type 2 (sps_id, log2-4, poc type, ref frames, gaps,
// width, height, frame_mbs_only, direct_8x8, cropping, vui, stop bit).
const SPS = `${nal('6742c00a', '1 1 011 010 0 1 1 1 1 0 0 1', '')}`;
// PPS 0 → SPS 0, CAVLC.
const PPS = '68ce3c80';
// IDR: first_mb 0, slice_type 7 (I), pps 0, frame_num 0, idr_pic_id 0.
const IDR = nal('65', '1 0001000 1 0000 1');
// P slices (nal_ref_idc 2): first_mb 0, slice_type 5 (P), pps 0, frame_num 1 / 2.
const P1 = nal('41', '1 00110 1 0001');
const P2 = nal('41', '1 00110 1 0010');

function split(data: Uint8Array, pieces: number[] = [data.length], options = {}): AccessUnit[] {
  const s = new AccessUnitSplitter({ codec: 'h264', ...options });
  const out: AccessUnit[] = [];
  let at = 0;
  for (const p of pieces) {
    out.push(...s.push(data.subarray(at, at + p)));
    at += p;
  }
  out.push(...s.push(data.subarray(at)));
  out.push(...s.end());
  return out;
}

describe('AccessUnitSplitter on hand-made streams', () => {
  const stream = from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 000001 ${P1} 00000001 ${P2}`);

  it('cuts one picture per sample and finds the keyframe', () => {
    const aus = split(stream);
    expect(aus.map((a) => a.nalTypes)).toEqual([[7, 8, 5], [1], [1]]);
    expect(aus.map((a) => a.isKeyframe)).toEqual([true, false, false]);
    expect(aus.map((a) => a.frameNum)).toEqual([0, 1, 2]);
    expect(aus.map((a) => a.poc)).toEqual([0, 2, 4]);
    expect(aus[0]?.codecString).toBe('avc1.42C00A');
    expect(hex(aus[1]?.data ?? new Uint8Array())).toBe(`000001${P1}`);
  });

  it('gives the same samples for every split point', () => {
    const whole = split(stream).map((a) => hex(a.data));
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(split(stream, [cut]).map((a) => hex(a.data))).toEqual(whole);
    }
  });

  it('strips trailing zeros at the end and tolerates a stream ending mid-NAL', () => {
    const withZeros = from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 00 00 00 00`);
    expect(hex(split(withZeros)[0]?.data ?? new Uint8Array()).endsWith('ffee')).toBe(true);
    const cut = stream.subarray(0, stream.length - 2);
    const aus = split(cut);
    expect(aus).toHaveLength(3);
    expect(aus[2]?.data.length).toBe(4 + 3);
  });

  it('throws bitstream-no-start-code for a stream without a leading start code', () => {
    expect(() => split(from(`ff 00000001 ${SPS}`))).toThrow(
      expect.objectContaining({ code: 'bitstream-no-start-code' }),
    );
    expect(() => split(from(`0001 ${SPS}`))).toThrow(
      expect.objectContaining({ code: 'bitstream-no-start-code' }),
    );
    // Length-prefixed (AVCC) data is refused with a hint.
    expect(() => split(from(`00000005 ${IDR}`))).toThrow(/length-prefixed/);
  });

  it('throws bitstream-access-unit-too-large past maxAccessUnitBytes', () => {
    const big = new Uint8Array(5000).fill(0xee);
    big.set(from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR}`));
    const s = new AccessUnitSplitter({ codec: 'h264', maxAccessUnitBytes: 4096 });
    expect(() => s.push(big)).toThrow(expect.objectContaining({ code: 'bitstream-access-unit-too-large' }));
  });

  it('endAccessUnit() emits the frame at once; parameter sets alone wait for their picture', () => {
    const s = new AccessUnitSplitter({ codec: 'h264' });
    expect(s.push(from(`00000001 ${SPS} 00000001 ${PPS}`))).toHaveLength(0);
    expect(s.endAccessUnit()).toHaveLength(0);
    expect(s.push(from(`00000001 ${IDR}`))).toHaveLength(0);
    const first = s.endAccessUnit();
    expect(first.map((a) => a.nalTypes)).toEqual([[7, 8, 5]]);
    expect(first[0]?.isKeyframe).toBe(true);
    s.push(from(`000001 ${P1}`));
    expect(s.endAccessUnit().map((a) => a.index)).toEqual([1]);
    expect(() => s.push(from('ff'))).toThrow(expect.objectContaining({ code: 'bitstream-no-start-code' }));
  });

  it('an SPS that does not parse makes no keyframe', () => {
    const broken = from(`00000001 6742c00a 00000001 ${PPS} 00000001 ${IDR}`);
    expect(split(broken)[0]?.isKeyframe).toBe(false);
  });

  it('detects the codec from the first NAL header', () => {
    expect(detectCodec(stream)).toBe('h264');
    expect(detectCodec(from('00000001 4001 0c01'))).toBe('h265');
    expect(detectCodec(from('000001 4601 50'))).toBe('h265');
    expect(() => detectCodec(from('ff'))).toThrow(BitstreamError);
  });
});
