import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EncodedSample,
  H265NalType,
  isH265Irap,
  isH265Vcl,
  nalUnitType,
  type RawFrame,
  resolveH264Options,
  splitAnnexB,
  VideoCodec,
  videoEncodeArgs,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe, psnr } from '@camstream/test-helpers/oracle';
import { describe, expect, it } from 'vitest';
import { FfmpegEncoder, type FfmpegEncoderOptions } from './ffmpeg-encoder.js';
import { movingFrame } from './test-frames.test-util.js';

const H265 = { codec: 'h265', width: 320, height: 240, fpsNum: 30 } as const;

/**
 * Lowest PSNR accepted for the moving gradient at x265's defaults (crf 28, veryfast, zerolatency). Measured on
 * Debian's ffmpeg 5.1 (x265 3.5): 49.0 dB over 90 frames at 320x240; the floor leaves room for other x265
 * builds, and a broken stream (frames swapped, lost or undecodable) lands far below it.
 */
const PSNR_FLOOR_DB = 40;

const frames = (count: number): RawFrame[] =>
  Array.from({ length: count }, (_, i) => movingFrame(i, H265.width, H265.height));

async function encodeAll(
  input: readonly RawFrame[],
  options: Partial<FfmpegEncoderOptions> = {},
): Promise<{ samples: EncodedSample[]; encoder: FfmpegEncoder }> {
  const encoder = await FfmpegEncoder.open({ ...H265, whenFull: 'wait', ...options });
  const collected = (async () => {
    const out: EncodedSample[] = [];
    for await (const sample of encoder.samples()) out.push(sample);
    return out;
  })();
  for (const frame of input) await encoder.encode(frame);
  await encoder.close();
  return { samples: await collected, encoder };
}

/** The NAL unit types of a sample, in order. */
function nalTypes(sample: EncodedSample): number[] {
  return splitAnnexB(sample.data).map((nal) => nalUnitType('h265', nal.data[0] as number));
}

describe('FfmpegEncoder with codec h265 (libx265)', () => {
  it('makes an H.265 stream Rerun plays: I/P only, an IDR exactly every gop, VPS/SPS/PPS before each', async () => {
    const input = frames(90);
    const { samples, encoder } = await encodeAll(input, { gop: 30 });
    expect(encoder.codec).toBe(VideoCodec.H265);
    expect(encoder.options.codec).toBe('h265');
    expect(samples.map((s) => s.pts)).toEqual(input.map((f) => f.pts));
    expect(samples.every((s) => s.codec === VideoCodec.H265)).toBe(true);
    expect(samples[0]?.codecString).toMatch(/^hev1\.1\.6\.L\d+\.[0-9A-F]+/);
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 30, 60]);

    // Core's parser: every keyframe sample carries VPS, SPS and PPS ahead of an IDR (closed GOP), and no other
    // sample holds an IRAP picture (a CRA would be an open GOP).
    for (const [i, sample] of samples.entries()) {
      const types = nalTypes(sample);
      const firstVcl = types.findIndex((t) => isH265Vcl(t));
      const irap = types.filter((t) => isH265Irap(t));
      if (sample.isKeyframe) {
        const before = types.slice(0, firstVcl);
        expect(before, `sample ${i}`).toEqual(
          expect.arrayContaining([H265NalType.Vps, H265NalType.Sps, H265NalType.Pps]),
        );
        expect(before.indexOf(H265NalType.Vps), `sample ${i}`).toBeLessThan(before.indexOf(H265NalType.Sps));
        expect(before.indexOf(H265NalType.Sps), `sample ${i}`).toBeLessThan(before.indexOf(H265NalType.Pps));
        expect(irap.length, `sample ${i}`).toBeGreaterThan(0);
        expect(
          irap.every((t) => t === H265NalType.IdrWRadl || t === H265NalType.IdrNLp),
          `sample ${i}`,
        ).toBe(true);
      } else {
        expect(irap, `sample ${i}`).toEqual([]);
      }
    }

    // ffprobe on the samples written out as an Annex B .hevc file.
    const stream = concatBytes(samples.map((s) => s.data));
    const dir = mkdtempSync(join(tmpdir(), 'camstream-h265-'));
    try {
      writeFileSync(join(dir, 'out.hevc'), stream);
      const report = probe(readFileSync(join(dir, 'out.hevc')), 'hevc');
      expect(report.codec).toBe('hevc');
      expect(report.frames).toBe(90);
      expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
      expect(report.keyframes).toEqual([0, 30, 60]);
      expect(report.hasBFrames).toBe(0);
      expect(report.profile).toBe('Main');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(psnr(stream, input, 'hevc')).toBeGreaterThan(PSNR_FLOOR_DB);
  });

  it('writes the bytes ffmpeg writes by hand with core’s arguments (-f hevc through the tee)', async () => {
    const input = frames(12);
    const options = { ...H265, gop: 5, crf: 30 };
    const { samples } = await encodeAll(input, options);
    const dir = mkdtempSync(join(tmpdir(), 'camstream-h265-'));
    try {
      writeFileSync(join(dir, 'in.raw'), concatBytes(input.map((f) => f.data)));
      const args = videoEncodeArgs(resolveH264Options(options), join(dir, 'in.raw'), join(dir, 'out.hevc'));
      execFileSync('ffmpeg', ['-y', ...args]);
      const byHand = readFileSync(join(dir, 'out.hevc'));
      expect(byHand.length).toBeGreaterThan(0);
      expect(Buffer.from(concatBytes(samples.map((s) => s.data))).equals(byHand)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("delivers each frame's sample before the next frame is given (x265 holds no frame back)", async () => {
    const encoder = await FfmpegEncoder.open(H265);
    const samples = encoder.samples()[Symbol.asyncIterator]();
    for (let i = 0; i < 8; i++) {
      encoder.encode(movingFrame(i, H265.width, H265.height));
      const next = await samples.next();
      expect(next.done).toBe(false);
      expect((next.value as EncodedSample).pts).toBe(movingFrame(i).pts);
      expect((next.value as EncodedSample).isKeyframe).toBe(i === 0);
    }
    await encoder.close();
    expect((await samples.next()).done).toBe(true);
  });

  it('refuses x264-only settings for H.265 with invalid-options before ffmpeg starts', async () => {
    for (const bad of [{ tune: 'film' }, { tune: 'stillimage' }, { profile: 'high' }] as const) {
      await expect(FfmpegEncoder.open({ ...H265, ...bad })).rejects.toMatchObject({
        name: 'FfmpegEncoderError',
        code: 'invalid-options',
      });
    }
  });
});
