import { describe, expect, it } from 'vitest';
import { splitAnnexB } from './annexb-scanner.js';
import { type HevcDecoderConfig, lengthPrefixedToAnnexB } from './avcc.js';

/** A length-prefixed (4-byte) sample of the given NAL units. */
function lengthPrefixed(...nals: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nals.reduce((n, nal) => n + 4 + nal.length, 0));
  let at = 0;
  for (const nal of nals) {
    new DataView(out.buffer).setUint32(at, nal.length);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

// H.265 NAL headers (type << 1, temporal id 1) followed by a payload byte.
const VPS = Uint8Array.of(32 << 1, 1, 0xaa);
const SPS = Uint8Array.of(33 << 1, 1, 0xbb);
const PPS = Uint8Array.of(34 << 1, 1, 0xcc);
const SEI = Uint8Array.of(39 << 1, 1, 0x05, 0xdd);
const IDR = Uint8Array.of(20 << 1, 1, 0x80, 0xee);
const TRAIL = Uint8Array.of(1 << 1, 1, 0x80, 0xff);

const config: HevcDecoderConfig = {
  codec: 'h265',
  profileTierLevel: {
    profileSpace: 0,
    tierFlag: 0,
    profileIdc: 1,
    compatibilityFlags: 0,
    constraintIndicatorFlags: [0, 0, 0, 0, 0, 0],
    levelIdc: 60,
  },
  chromaFormatIdc: 1,
  bitDepthLuma: 8,
  bitDepthChroma: 8,
  lengthSize: 4,
  vps: [VPS],
  sps: [SPS],
  pps: [PPS],
  other: [SEI],
};

describe('lengthPrefixedToAnnexB (hvcC)', () => {
  it("puts the record's VPS, SPS, PPS and declarative SEI in front of an IRAP, as ffmpeg's hevc_mp4toannexb does", () => {
    const out = splitAnnexB(lengthPrefixedToAnnexB(lengthPrefixed(IDR), config)).map((n) => [...n.data]);
    expect(out).toEqual([[...VPS], [...SPS], [...PPS], [...SEI], [...IDR]]);
  });

  it('leaves other pictures alone', () => {
    const out = splitAnnexB(lengthPrefixedToAnnexB(lengthPrefixed(TRAIL), config)).map((n) => [...n.data]);
    expect(out).toEqual([[...TRAIL]]);
  });
});
