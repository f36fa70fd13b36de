import { describe, expect, it } from 'vitest';
import { decodeArgs } from './decode-args.js';
import { fraction, resolveDecodeOptions } from './decode-options.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('resolveDecodeOptions', () => {
  it('picks the demuxer from the extension and times bare bitstreams at 25 fps unless told', () => {
    expect(resolveDecodeOptions('a.MP4', {})).toMatchObject({ format: undefined, constantRate: undefined });
    expect(resolveDecodeOptions('a.h264', {})).toMatchObject({
      format: 'h264',
      constantRate: { num: 25, den: 1 },
    });
    expect(resolveDecodeOptions('a.265', { framerate: 29.97 })).toMatchObject({
      format: 'hevc',
      constantRate: { num: 30000, den: 1001 },
    });
    expect(resolveDecodeOptions('a.yuv', { size: { width: 3, height: 3 }, pixFmt: 'yuv420p' }).raw).toEqual({
      width: 3,
      height: 3,
      pixFmt: 'yuv420p',
      frameBytes: 9 + 2 * 4,
    });
  });

  it('refuses contradictory or incomplete options with invalid-options', () => {
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { width: 100 }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { width: 0, height: 10 }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.yuv', { pixFmt: 'yuv420p' }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { pixFmt: 'yuv420p' }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { framerate: 30 }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.h264', { framerate: -1 }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { format: 'mp4; rm -rf' }))).toBe('invalid-options');
    expect(codeOf(() => resolveDecodeOptions('a.mp4', { maxFramesAhead: 0 }))).toBe('invalid-options');
    expect(
      codeOf(() => resolveDecodeOptions('a.yuv', { size: { width: 2, height: 2 }, pixFmt: 'p010le' })),
    ).toBe('unsupported-format');
  });
});

describe('decodeArgs', () => {
  it('keeps the demuxer timestamps, never drops or duplicates, logs every frame before scaling', () => {
    const args = decodeArgs(
      resolveDecodeOptions('a.mkv', { width: 64, height: 48 }),
      '/in/a.mkv',
      '/dev/out',
    );
    expect(args).toEqual(expect.arrayContaining(['-copyts', '-fps_mode', 'passthrough', '-map', '0:v:0']));
    expect(args[args.indexOf('-vf') + 1]).toBe('showinfo=checksum=0,scale=64:48,format=yuv420p');
    expect(args.slice(-3)).toEqual(['-f', 'rawvideo', '/dev/out']);
  });

  it('describes raw input before -i', () => {
    const args = decodeArgs(
      resolveDecodeOptions('a.yuv', { size: { width: 8, height: 6 }, pixFmt: 'nv12', framerate: 30 }),
      '/in/a.yuv',
      '/dev/out',
    );
    const input = args.slice(0, args.indexOf('-i'));
    expect(input).toEqual(
      expect.arrayContaining([
        '-f',
        'rawvideo',
        '-pix_fmt',
        'nv12',
        '-video_size',
        '8x6',
        '-framerate',
        '30/1',
      ]),
    );
  });
});

describe('fraction', () => {
  it('keeps integer rates, recognises NTSC rates, and approximates the rest to 1/1000', () => {
    expect(fraction(30)).toEqual({ num: 30, den: 1 });
    expect(fraction(59.94)).toEqual({ num: 60000, den: 1001 });
    expect(fraction(23.976)).toEqual({ num: 24000, den: 1001 });
    expect(fraction(12.5)).toEqual({ num: 12500, den: 1000 });
  });
});
