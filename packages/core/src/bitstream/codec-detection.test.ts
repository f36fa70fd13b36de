import { describe, expect, it } from 'vitest';
import { BitstreamError } from './bitstream-error.js';
import { detectCodec } from './codec-detection.js';
import { from, IDR, PPS, SPS } from './hand-made-nal.test-util.js';

describe('detectCodec', () => {
  it('detects the codec from the first NAL header', () => {
    expect(detectCodec(from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR}`))).toBe('h264');
    expect(detectCodec(from('00000001 4001 0c01'))).toBe('h265');
    expect(detectCodec(from('000001 4601 50'))).toBe('h265');
    expect(() => detectCodec(from('ff'))).toThrow(BitstreamError);
  });

  it('takes H.265 VPS, SPS, PPS, AUD, prefix SEI and BLA/IDR/CRA slices as H.265, and anything else as H.264', () => {
    const first = (type: number, byte1 = 1) => detectCodec(Uint8Array.of(0, 0, 0, 1, type << 1, byte1, 0x80));
    for (const type of [32, 33, 34, 35, 39, 16, 17, 18, 19, 20, 21]) expect(first(type)).toBe('h265');
    // Trailing pictures, reserved IRAP types, suffix SEI: not how an H.265 stream begins.
    for (const type of [0, 1, 22, 23, 36, 40]) expect(first(type)).toBe('h264');
    // nuh_layer_id ≠ 0 or nuh_temporal_id_plus1 ≠ 1.
    expect(first(32, 2)).toBe('h264');
    expect(first(32, 0x09)).toBe('h264');
    // H.264 headers: SPS (0x67), AUD (0x09), IDR (0x65).
    for (const byte0 of [0x67, 0x09, 0x65])
      expect(detectCodec(Uint8Array.of(0, 0, 1, byte0, 0x42))).toBe('h264');
  });

  it('accepts leading zero bytes and wants a start code and a header', () => {
    expect(detectCodec(from('0000000000 01 4001 0c'))).toBe('h265');
    for (const data of ['0001 4001', '000001', '', '00000002 40']) {
      expect(() => detectCodec(from(data))).toThrow(
        expect.objectContaining({ code: 'bitstream-no-start-code' }),
      );
    }
  });
});
