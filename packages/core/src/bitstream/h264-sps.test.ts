import { describe, expect, it } from 'vitest';
import { BitstreamError } from './bitstream-error.js';
import { avcCodecString, hevcCodecString } from './codec-string.js';
import { addEmulationPrevention } from './emulation-prevention.js';
import { parseH264Pps } from './h264-pps.js';
import { parseH264Sps } from './h264-sps.js';

/** Minimal MSB-first bit writer for building parameter sets field by field. */
class BitWriter {
  private readonly bits: number[] = [];
  u(n: number, value: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }
  flag(b: boolean): this {
    return this.u(1, b ? 1 : 0);
  }
  ue(v: number): this {
    const len = Math.floor(Math.log2(v + 1));
    return this.u(len, 0).u(len + 1, v + 1);
  }
  se(v: number): this {
    return this.ue(v <= 0 ? -2 * v : 2 * v - 1);
  }
  /** rbsp_trailing_bits, emulation prevention and the NAL header. */
  nal(header: number): Uint8Array {
    this.bits.push(1);
    while (this.bits.length % 8 !== 0) this.bits.push(0);
    const bytes = new Uint8Array(this.bits.length / 8);
    this.bits.forEach((b, i) => {
      if (b) bytes[i >> 3]! |= 0x80 >> (i & 7);
    });
    return Uint8Array.from([header, ...addEmulationPrevention(bytes)]);
  }
}

interface SpsFields {
  profileIdc: number;
  constraint?: number;
  level?: number;
  chromaFormatIdc?: number;
  separateColourPlane?: boolean;
  bitDepthLuma?: number;
  scaling?: boolean;
  pocType?: number;
  frameMbsOnly?: boolean;
  widthMbs: number;
  heightMapUnits: number;
  crop?: [number, number, number, number];
  vui?: boolean;
}

function buildSps(f: SpsFields): Uint8Array {
  const w = new BitWriter()
    .u(8, f.profileIdc)
    .u(8, f.constraint ?? 0)
    .u(8, f.level ?? 31)
    .ue(0);
  if ([100, 110, 122, 244, 44].includes(f.profileIdc)) {
    const chroma = f.chromaFormatIdc ?? 1;
    w.ue(chroma);
    if (chroma === 3) w.flag(f.separateColourPlane ?? false);
    w.ue((f.bitDepthLuma ?? 8) - 8)
      .ue((f.bitDepthLuma ?? 8) - 8)
      .flag(false)
      .flag(f.scaling ?? false);
    if (f.scaling) {
      const lists = chroma === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        const present = i % 2 === 0;
        w.flag(present);
        if (present) for (let j = 0; j < (i < 6 ? 16 : 64); j++) w.se(j === 0 ? 8 : 1);
      }
    }
  }
  w.ue(0); // log2_max_frame_num_minus4
  const poc = f.pocType ?? 0;
  w.ue(poc);
  if (poc === 0) w.ue(2);
  else if (poc === 1) w.flag(false).se(-1).se(0).ue(2).se(2).se(2);
  w.ue(1)
    .flag(false)
    .ue(f.widthMbs - 1)
    .ue(f.heightMapUnits - 1);
  const frameMbsOnly = f.frameMbsOnly ?? true;
  w.flag(frameMbsOnly);
  if (!frameMbsOnly) w.flag(true);
  w.flag(true);
  w.flag(f.crop !== undefined);
  if (f.crop) for (const c of f.crop) w.ue(c);
  w.flag(f.vui ?? false);
  if (f.vui) {
    w.flag(true).u(8, 255).u(16, 4).u(16, 3); // SAR 4:3
    w.flag(false); // overscan
    w.flag(true).u(3, 5).flag(true).flag(true).u(8, 1).u(8, 1).u(8, 1); // full range BT.709
    w.flag(false); // chroma loc
    w.flag(true).u(32, 1).u(32, 60).flag(true); // 30 fps
    w.flag(true).ue(0).u(4, 4).u(4, 4).ue(1000).ue(2000).flag(true).u(5, 23).u(5, 23).u(5, 23).u(5, 24); // NAL HRD
    w.flag(false).flag(false).flag(false); // VCL HRD, low_delay, pic_struct
    w.flag(true).flag(true).ue(0).ue(0).ue(16).ue(16).ue(2).ue(4); // bitstream restriction
  }
  return w.nal(0x67);
}

describe('parseH264Sps', () => {
  it('Baseline 1280x720: codec string, sizes, defaults', () => {
    const sps = parseH264Sps(
      buildSps({ profileIdc: 66, constraint: 0xc0, widthMbs: 80, heightMapUnits: 45 }),
    );
    expect(sps).toMatchObject({
      profileIdc: 66,
      chromaFormatIdc: 1,
      bitDepthLuma: 8,
      width: 1280,
      height: 720,
    });
    expect(sps.codecString).toBe('avc1.42C01F');
    expect(sps.profileName).toBe('Constrained Baseline');
    expect(sps.vui).toBeUndefined();
  });

  it('1080p: cropping 8 rows in 4:2:0 units; coded 1088', () => {
    const sps = parseH264Sps(
      buildSps({ profileIdc: 100, widthMbs: 120, heightMapUnits: 68, crop: [0, 0, 0, 4] }),
    );
    expect([sps.codedWidth, sps.codedHeight, sps.width, sps.height]).toEqual([1920, 1088, 1920, 1080]);
  });

  it('interlaced (frame_mbs_only 0): map units are field pairs, crop units double', () => {
    const sps = parseH264Sps(
      buildSps({ profileIdc: 77, widthMbs: 45, heightMapUnits: 18, frameMbsOnly: false, crop: [0, 0, 0, 2] }),
    );
    expect([sps.codedWidth, sps.codedHeight, sps.width, sps.height]).toEqual([720, 576, 720, 568]);
    expect(sps.frameMbsOnly).toBe(false);
  });

  it('High 10 with scaling lists', () => {
    const sps = parseH264Sps(
      buildSps({ profileIdc: 110, bitDepthLuma: 10, scaling: true, widthMbs: 10, heightMapUnits: 8 }),
    );
    expect(sps).toMatchObject({
      bitDepthLuma: 10,
      bitDepthChroma: 10,
      scalingMatrixPresent: true,
      width: 160,
      height: 128,
    });
    expect(sps.profileName).toBe('High 10');
  });

  it('High 4:2:2 and High 4:4:4 (12 scaling lists, separate colour planes) crop in the right units', () => {
    const s422 = parseH264Sps(
      buildSps({ profileIdc: 122, chromaFormatIdc: 2, widthMbs: 10, heightMapUnits: 10, crop: [1, 1, 1, 1] }),
    );
    expect([s422.chromaFormatIdc, s422.width, s422.height]).toEqual([2, 156, 158]);
    const s444 = parseH264Sps(
      buildSps({
        profileIdc: 244,
        chromaFormatIdc: 3,
        scaling: true,
        widthMbs: 10,
        heightMapUnits: 10,
        crop: [1, 1, 1, 1],
      }),
    );
    expect([s444.chromaFormatIdc, s444.width, s444.height]).toEqual([3, 158, 158]);
    expect(s444.profileName).toBe('High 4:4:4 Predictive');
    const planes = parseH264Sps(
      buildSps({
        profileIdc: 244,
        chromaFormatIdc: 3,
        separateColourPlane: true,
        widthMbs: 4,
        heightMapUnits: 4,
      }),
    );
    expect(planes.separateColourPlane).toBe(true);
  });

  it('POC types 0, 1, 2', () => {
    expect(
      parseH264Sps(buildSps({ profileIdc: 77, widthMbs: 2, heightMapUnits: 2, pocType: 0 })),
    ).toMatchObject({
      picOrderCntType: 0,
      log2MaxPicOrderCntLsb: 6,
    });
    expect(
      parseH264Sps(buildSps({ profileIdc: 77, widthMbs: 2, heightMapUnits: 2, pocType: 1 })),
    ).toMatchObject({
      picOrderCntType: 1,
      offsetForNonRefPic: -1,
      offsetForRefFrame: [2, 2],
    });
    expect(
      parseH264Sps(buildSps({ profileIdc: 77, widthMbs: 2, heightMapUnits: 2, pocType: 2 })).picOrderCntType,
    ).toBe(2);
  });

  it('VUI: aspect ratio, colour, timing, HRD, bitstream restriction (max_num_reorder_frames)', () => {
    const sps = parseH264Sps(buildSps({ profileIdc: 100, widthMbs: 80, heightMapUnits: 45, vui: true }));
    expect(sps.vui).toEqual({
      sarWidth: 4,
      sarHeight: 3,
      videoFullRange: true,
      colourPrimaries: 1,
      transferCharacteristics: 1,
      matrixCoefficients: 1,
      timing: { numUnitsInTick: 1, timeScale: 60, fixedFrameRate: true },
      bitstreamRestriction: { maxNumReorderFrames: 2, maxDecFrameBuffering: 4 },
    });
  });

  it('rejects garbage with a typed error', () => {
    expect(() => parseH264Sps(Uint8Array.from([0x68, 1, 2, 3]))).toThrow(BitstreamError);
    expect(() => parseH264Sps(Uint8Array.from([0x67, 0x64, 0, 0x1f, 0x00, 0x00, 0x03, 0x00]))).toThrow(
      BitstreamError,
    );
    const crop = buildSps({ profileIdc: 66, widthMbs: 1, heightMapUnits: 1, crop: [8, 0, 0, 0] });
    expect(() => parseH264Sps(crop)).toThrow(
      expect.objectContaining({ code: 'bitstream-invalid-parameter-set' }),
    );
  });
});

describe('parseH264Pps', () => {
  it('reads ids, entropy mode and the POC-bottom flag, also with slice groups', () => {
    const w = new BitWriter().ue(3).ue(1).flag(true).flag(true).ue(2).ue(2).ue(0).ue(1).ue(1).ue(2);
    w.ue(0).ue(0).flag(false).u(2, 0).se(0).se(0).se(0).flag(true).flag(false).flag(false);
    const pps = parseH264Pps(w.nal(0x68));
    expect(pps).toMatchObject({
      ppsId: 3,
      spsId: 1,
      entropyCodingModeFlag: true,
      bottomFieldPicOrderInFramePresent: true,
      numSliceGroups: 3,
    });
  });
});

describe('codec strings', () => {
  it('avc1.PPCCLL in upper-case hex', () => {
    expect(avcCodecString(100, 0, 10)).toBe('avc1.64000A');
    expect(avcCodecString(66, 0xc0, 30)).toBe('avc1.42C01E');
  });

  it('hev1 with reversed compatibility flags, tier, level and trimmed constraint bytes', () => {
    const main = {
      profileSpace: 0,
      tierFlag: 0,
      profileIdc: 1,
      compatibilityFlags: 0x60000000,
      constraintIndicatorFlags: [0x90, 0, 0, 0, 0, 0],
      levelIdc: 93,
    };
    expect(hevcCodecString(main)).toBe('hev1.1.6.L93.90');
    expect(
      hevcCodecString({
        ...main,
        profileIdc: 2,
        compatibilityFlags: 0x20000000,
        tierFlag: 1,
        levelIdc: 120,
        constraintIndicatorFlags: [0xb0, 0, 0, 0, 0, 0],
      }),
    ).toBe('hev1.2.4.H120.B0');
    expect(
      hevcCodecString({ ...main, profileSpace: 1, constraintIndicatorFlags: [0, 0, 0, 0, 0, 0] }, 'hvc1'),
    ).toBe('hvc1.A1.6.L93');
  });
});
