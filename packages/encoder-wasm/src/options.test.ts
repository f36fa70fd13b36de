import { describe, expect, it } from 'vitest';
import { encodeBatch } from './batch/encode-batch.js';
import { EncoderPool } from './batch/encoder-pool.js';
import { EncoderError } from './errors.js';
import { findStackExports } from './ffmpeg/wasm-module.js';
import { LiveEncoder } from './live/live-encoder.js';
import { checkFrame, encodeArgs, H265_UNSUPPORTED, resolveOptions } from './options.js';

describe('resolveOptions / encodeArgs', () => {
  it('fills the defaults: veryfast, zerolatency, gop 30, I420', () => {
    const o = resolveOptions({ width: 640, height: 480, fpsNum: 30 });
    expect(o).toMatchObject({
      preset: 'veryfast',
      tune: 'zerolatency',
      gop: 30,
      pixelFormat: 'I420',
      fpsDen: 1,
      frameBytes: 460_800,
    });
  });

  it('builds live-safe arguments: no B-frames, IDR exactly every gop, never -fflags nobuffer', () => {
    const args = encodeArgs(
      resolveOptions({
        width: 320,
        height: 240,
        fpsNum: 30000,
        fpsDen: 1001,
        gop: 15,
        crf: 20,
        profile: 'main',
      }),
      'in',
      'out',
    );
    const joined = args.join(' ');
    expect(joined).toContain('-f rawvideo -pix_fmt yuv420p -s 320x240 -framerate 30000/1001');
    expect(joined).toContain('-bf 0 -g 15 -sc_threshold 0 -crf 20 -profile:v main');
    expect(joined).toContain('-tune zerolatency');
    expect(joined).toMatch(/-f h264 out$/);
    expect(args).not.toContain('nobuffer');
  });

  it('passes bit-rate control through', () => {
    const args = encodeArgs(
      resolveOptions({
        width: 320,
        height: 240,
        fpsNum: 30,
        bitrate: 1_000_000,
        maxrate: 1_000_000,
        bufsize: 500_000,
      }),
      'i',
      'o',
    );
    expect(args.join(' ')).toContain('-b:v 1000000 -maxrate 1000000 -bufsize 500000');
  });

  it('maps NV12 and RGBA input to ffmpeg pixel formats', () => {
    expect(
      encodeArgs(resolveOptions({ width: 4, height: 4, fpsNum: 1, pixelFormat: 'NV12' }), 'i', 'o'),
    ).toContain('nv12');
    expect(
      encodeArgs(resolveOptions({ width: 4, height: 4, fpsNum: 1, pixelFormat: 'RGBA' }), 'i', 'o'),
    ).toContain('rgba');
  });

  it('refuses contradictory or out-of-range options with invalid-options', () => {
    const base = { width: 320, height: 240, fpsNum: 30 };
    for (const bad of [
      { ...base, crf: 20, bitrate: 1000 },
      { ...base, crf: 60 },
      { ...base, maxrate: 1000 },
      { ...base, width: 321 },
      { ...base, fpsNum: 0 },
      { ...base, gop: 0 },
      { ...base, preset: 'warp' as never },
      { ...base, tune: 'fast' as never },
      { ...base, profile: 'high10' as never },
    ]) {
      expect(() => resolveOptions(bad)).toThrow(expect.objectContaining({ code: 'invalid-options' }));
      expect(() => resolveOptions(bad)).toThrow(EncoderError);
    }
  });

  it("throws this package's EncoderError for a frame that does not fit", () => {
    const o = resolveOptions({ width: 640, height: 480, fpsNum: 30 });
    const frame = {
      format: 'I420',
      width: 640,
      height: 480,
      data: new Uint8Array(3),
      pts: 0n,
      index: 0,
    } as const;
    expect(() => checkFrame(frame, o)).toThrow(EncoderError);
    expect(() => checkFrame(frame, o)).toThrow(expect.objectContaining({ code: 'invalid-frame' }));
  });
});

describe('codec h265', () => {
  const h265 = { codec: 'h265', width: 320, height: 240, fpsNum: 30 } as const;
  const isRefusal = (error: unknown): void => {
    expect(error).toBeInstanceOf(EncoderError);
    expect(error).toMatchObject({ code: 'unsupported-format', message: H265_UNSUPPORTED });
  };

  it("is refused with unsupported-format: @ffmpeg/core's libx265 hangs", () => {
    try {
      resolveOptions(h265);
      expect.unreachable();
    } catch (error) {
      isRefusal(error);
    }
    expect(resolveOptions({ ...h265, codec: 'h264' }).codec).toBe('h264');
  });

  it('is refused by the live encoder, the batch pool and encodeBatch', async () => {
    await expect(LiveEncoder.open(h265)).rejects.toMatchObject({ code: 'unsupported-format' });
    const pool = await EncoderPool.open({ threads: 1 });
    try {
      await expect(pool.warmUp(h265)).rejects.toMatchObject({ code: 'unsupported-format' });
      await expect(encodeBatch([], { ...h265, pool }).next()).rejects.toMatchObject({
        name: 'EncoderError',
        code: 'unsupported-format',
        message: H265_UNSUPPORTED,
      });
    } finally {
      await pool.close();
    }
  });
});
describe('findStackExports', () => {
  it("finds the minified stackSave/stackRestore names in the core's JS", () => {
    const js =
      'var stackSave=function(){return(stackSave=Module["asm"]["Da"]).apply(null,arguments)};var stackRestore=function(){return(stackRestore=Module["asm"]["Ea"]).apply(null,arguments)};';
    expect(findStackExports(js)).toEqual({ save: 'Da', restore: 'Ea' });
    expect(() => findStackExports('nothing here')).toThrow(/0\.12\.10/);
  });
});
