import { describe, expect, it } from 'vitest';
import { isCamstreamError } from '../errors.js';
import {
  checkH264Frame,
  EncoderOptionsError,
  resolveH264Options,
  videoCodecArgs,
  videoEncodeArgs,
  X265_TUNES,
  x264CodecArgs,
  x264EncodeArgs,
  x265CodecArgs,
} from './encoder-options.js';

describe('H.264 encoder options', () => {
  it('fills in the defaults and builds the x264 arguments from them', () => {
    const o = resolveH264Options({ width: 64, height: 48, fpsNum: 30 });
    expect(o).toMatchObject({
      codec: 'h264',
      preset: 'veryfast',
      tune: 'zerolatency',
      gop: 30,
      pixelFormat: 'I420',
      frameBytes: 4608,
    });
    const args = x264EncodeArgs(o, 'in', 'out');
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-flush_packets'))).toEqual(x264CodecArgs(o));
    expect(args.join(' ')).toContain('-g 30 -sc_threshold 0');
    expect(x264CodecArgs(o, 'libx264rgb')[1]).toBe('libx264rgb');
  });

  it('throws core errors with the option and frame codes', () => {
    const bad = (run: () => unknown, code: string): void => {
      try {
        run();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(EncoderOptionsError);
        expect(isCamstreamError(error, code)).toBe(true);
      }
    };
    bad(() => resolveH264Options({ width: 63, height: 48, fpsNum: 30 }), 'invalid-options');
    bad(
      () => resolveH264Options({ width: 64, height: 48, fpsNum: 30, pixelFormat: 'YUY2' as never }),
      'unsupported-format',
    );
    const o = resolveH264Options({ width: 64, height: 48, fpsNum: 30 });
    const frame = {
      format: 'I420',
      width: 64,
      height: 48,
      data: new Uint8Array(10),
      pts: 0n,
      index: 0,
    } as const;
    bad(() => checkH264Frame(frame, o), 'invalid-frame');
  });

  it('keeps the H.264 arguments of the default codec exactly as they were', () => {
    const o = resolveH264Options({ width: 64, height: 48, fpsNum: 30, crf: 20, gop: 60, profile: 'main' });
    expect(x264EncodeArgs(o, 'in', 'out')).toEqual(videoEncodeArgs(o, 'in', 'out'));
    expect(videoCodecArgs(o)).toEqual(x264CodecArgs(o));
    expect(x264EncodeArgs(o, 'in', 'out').join(' ')).toBe(
      '-hide_banner -nostats -loglevel error -f rawvideo -pix_fmt yuv420p -s 64x48 -framerate 30/1 -probesize 32 ' +
        '-analyzeduration 0 -i in -c:v libx264 -pix_fmt yuv420p -preset veryfast -tune zerolatency -bf 0 -g 60 ' +
        '-sc_threshold 0 -crf 20 -profile:v main -flush_packets 1 -f h264 out',
    );
  });
});

describe('H.265 encoder options', () => {
  const h265 = { codec: 'h265', width: 320, height: 240, fpsNum: 30 } as const;
  const rejects = (run: () => unknown, text: string): void => {
    try {
      run();
      expect.unreachable();
    } catch (error) {
      expect(isCamstreamError(error, 'invalid-options')).toBe(true);
      expect((error as Error).message).toContain(text);
    }
  };

  it('builds libx265 arguments: no B-frames, closed GOPs of exactly gop frames, headers before every IDR', () => {
    const o = resolveH264Options({ ...h265, gop: 30, preset: 'faster', tune: 'psnr', profile: 'main' });
    expect(o.codec).toBe('h265');
    const args = videoEncodeArgs(o, 'pipe:0', 'out.hevc');
    expect(args.slice(args.indexOf('-c:v'))).toEqual([
      ...['-c:v', 'libx265', '-pix_fmt', 'yuv420p', '-preset', 'faster', '-tune', 'psnr', '-bf', '0'],
      ...['-g', '30', '-keyint_min', '30', '-profile:v', 'main'],
      '-x265-params',
      'bframes=0:keyint=30:min-keyint=30:scenecut=0:open-gop=0:repeat-headers=1:log-level=error',
      ...['-flush_packets', '1', '-f', 'hevc', 'out.hevc'],
    ]);
    expect(x264EncodeArgs(o, 'pipe:0', 'out.hevc')).toEqual(args);
    expect(videoCodecArgs(o)).toEqual(x265CodecArgs(o));
    expect(videoCodecArgs(o, 'hevc_nvenc')[1]).toBe('hevc_nvenc');
  });

  it('passes crf and the bit-rate options as it does for x264', () => {
    const crf = x265CodecArgs(resolveH264Options({ ...h265, crf: 28 })).join(' ');
    expect(crf).toContain('-crf 28');
    const vbv = x265CodecArgs(
      resolveH264Options({ ...h265, bitrate: 500_000, maxrate: 600_000, bufsize: 1_000_000 }),
    ).join(' ');
    expect(vbv).toContain('-b:v 500000 -maxrate 600000 -bufsize 1000000');
  });

  it("accepts x265's tunes and only the main profile", () => {
    for (const tune of X265_TUNES) expect(resolveH264Options({ ...h265, tune }).tune).toBe(tune);
    rejects(() => resolveH264Options({ ...h265, tune: 'film' }), 'x265 has no tune "film"');
    rejects(() => resolveH264Options({ ...h265, tune: 'stillimage' }), 'x265 has no tune "stillimage"');
    rejects(() => resolveH264Options({ ...h265, profile: 'high' }), 'profile main only');
    rejects(() => resolveH264Options({ ...h265, profile: 'baseline' }), 'profile main only');
    expect(resolveH264Options({ ...h265 }).profile).toBeUndefined();
    // The H.264 checks stay as they were.
    expect(resolveH264Options({ ...h265, codec: 'h264', tune: 'film', profile: 'high' }).tune).toBe('film');
    rejects(() => resolveH264Options({ ...h265, codec: 'vp9' as never }), 'unknown codec "vp9"');
    rejects(() => resolveH264Options({ ...h265, preset: 'placebo' as never }), 'unknown x265 preset');
  });
});
