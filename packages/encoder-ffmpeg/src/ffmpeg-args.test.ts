import { resolveH264Options, x264CodecArgs } from '@camstream/core/media';
import { describe, expect, it } from 'vitest';
import { liveEncodeArgs } from './ffmpeg-args.js';

const o = resolveH264Options({ width: 320, height: 240, fpsNum: 30 });

describe('liveEncodeArgs', () => {
  it('gives libx264 core’s arguments and puts encoderArgs after them, before the tee', () => {
    const args = liveEncodeArgs(o, 'libx264', { encoderArgs: ['-x264-params', 'ref=1'] });
    const codec = x264CodecArgs(o, 'libx264');
    const at = args.indexOf('-c:v');
    expect(args.slice(at, at + codec.length + 2)).toEqual([...codec, '-x264-params', 'ref=1']);
    expect(args.slice(at + codec.length + 2, at + codec.length + 4)).toEqual(['-map', '0:v']);
  });

  it('puts -threads before encoderArgs, so encoderArgs can override it', () => {
    const args = liveEncodeArgs(o, 'libx264', { threads: 2, encoderArgs: ['-threads', '1'] });
    expect(args.indexOf('-threads')).toBeLessThan(args.lastIndexOf('-threads'));
    expect(args[args.lastIndexOf('-threads') + 1]).toBe('1');
  });

  it('puts a hardware family’s input arguments before the input', () => {
    const args = liveEncodeArgs(o, 'h264_vaapi', { vaapiDevice: '/dev/dri/renderD129' });
    expect(args.slice(0, 2)).toEqual(['-vaapi_device', '/dev/dri/renderD129']);
    expect(args.indexOf('-vaapi_device')).toBeLessThan(args.indexOf('-i'));
    expect(args.indexOf('-vf')).toBeGreaterThan(args.indexOf('-i'));
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 2)).toEqual(['-c:v', 'h264_vaapi']);
  });
});
