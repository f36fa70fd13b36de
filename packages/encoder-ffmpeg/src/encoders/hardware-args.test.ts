import { execFile } from 'node:child_process';
import {
  type H264EncoderOptions,
  isCamstreamError,
  rawVideoInputArgs,
  resolveH264Options,
} from '@camstream/core/media';
import { describe, expect, it } from 'vitest';
import { hardwareCodecArgs } from './hardware-args.js';

const SIZE = { width: 256, height: 256, fpsNum: 30 } as const;

function argsOf(name: string, options: Partial<H264EncoderOptions> = {}, vaapiDevice?: string) {
  const o = resolveH264Options({ ...SIZE, ...options });
  return hardwareCodecArgs(o, name, vaapiDevice === undefined ? {} : { vaapiDevice });
}

// These encoders need hardware this machine lacks: the tests assert the arguments, not an encode.
describe('hardwareCodecArgs', () => {
  it('nvenc: p-preset, low-latency tuning, constant quality as VBR with -cq, IDR every gop frames', () => {
    expect(argsOf('h264_nvenc', { preset: 'veryfast', crf: 20, gop: 60 })).toEqual({
      input: [],
      output: [
        ...['-c:v', 'h264_nvenc', '-pix_fmt', 'yuv420p', '-preset', 'p2'],
        ...['-tune', 'll', '-zerolatency', '1', '-delay', '0'],
        ...['-rc', 'vbr', '-cq', '20', '-b:v', '0'],
        ...['-g', '60', '-keyint_min', '60', '-bf', '0', '-forced-idr', '1'],
      ],
    });
    expect(
      argsOf('hevc_nvenc', { preset: 'ultrafast', bitrate: 4e6, maxrate: 4e6, bufsize: 2e6 }).output,
    ).toEqual([
      ...['-c:v', 'hevc_nvenc', '-pix_fmt', 'yuv420p', '-preset', 'p1'],
      ...['-tune', 'ull', '-zerolatency', '1', '-delay', '0'],
      ...['-rc', 'cbr', '-b:v', '4000000', '-maxrate', '4000000', '-bufsize', '2000000'],
      ...['-g', '30', '-keyint_min', '30', '-bf', '0', '-forced-idr', '1'],
    ]);
    expect(
      argsOf('h264_nvenc', { preset: 'veryslow', tune: 'film', bitrate: 3e6, profile: 'high' }).output,
    ).toEqual([
      ...['-c:v', 'h264_nvenc', '-pix_fmt', 'yuv420p', '-preset', 'p7', '-tune', 'hq'],
      ...['-rc', 'vbr', '-b:v', '3000000'],
      ...['-g', '30', '-keyint_min', '30', '-bf', '0', '-forced-idr', '1', '-profile:v', 'high'],
    ]);
  });

  it('vaapi: the device before the input, upload as NV12, -qp for crf, every I-frame an IDR', () => {
    expect(argsOf('h264_vaapi', { crf: 27.6, gop: 15, profile: 'baseline' })).toEqual({
      input: ['-vaapi_device', '/dev/dri/renderD128'],
      output: [
        ...['-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi', '-rc_mode', 'CQP', '-qp', '28'],
        ...['-g', '15', '-keyint_min', '15', '-bf', '0', '-idr_interval', '0'],
        ...['-profile:v', 'constrained_baseline'],
      ],
    });
    expect(argsOf('hevc_vaapi', { bitrate: 2e6 }, '/dev/dri/renderD129')).toEqual({
      input: ['-vaapi_device', '/dev/dri/renderD129'],
      output: [
        ...['-vf', 'format=nv12,hwupload', '-c:v', 'hevc_vaapi', '-rc_mode', 'VBR', '-b:v', '2000000'],
        ...['-g', '30', '-keyint_min', '30', '-bf', '0', '-idr_interval', '0'],
      ],
    });
    expect(argsOf('h264_vaapi', { bitrate: 2e6, maxrate: 2e6, bufsize: 1e6 }).output).toContain('CBR');
  });

  it('qsv: its presets, -global_quality for crf, no lookahead, one frame in flight', () => {
    expect(argsOf('h264_qsv', { preset: 'superfast' })).toEqual({
      input: [],
      output: [
        ...['-c:v', 'h264_qsv', '-pix_fmt', 'nv12', '-preset', 'veryfast', '-global_quality', '23'],
        ...['-look_ahead', '0', '-g', '30', '-keyint_min', '30', '-bf', '0'],
        ...['-idr_interval', '0', '-forced_idr', '1', '-async_depth', '1'],
      ],
    });
    // hevc_qsv has no look_ahead switch; crf 0 becomes ICQ's lowest, 1.
    expect(argsOf('hevc_qsv', { preset: 'slower', crf: 0 }).output).toEqual([
      ...['-c:v', 'hevc_qsv', '-pix_fmt', 'nv12', '-preset', 'slower', '-global_quality', '1'],
      ...['-g', '30', '-keyint_min', '30', '-bf', '0'],
      ...['-idr_interval', '0', '-forced_idr', '1', '-async_depth', '1'],
    ]);
    expect(argsOf('h264_qsv', { bitrate: 5e6, maxrate: 6e6, bufsize: 3e6, profile: 'main' }).output).toEqual([
      ...['-c:v', 'h264_qsv', '-pix_fmt', 'nv12', '-preset', 'veryfast'],
      ...['-b:v', '5000000', '-maxrate', '6000000', '-bufsize', '3000000', '-look_ahead', '0'],
      ...['-g', '30', '-keyint_min', '30', '-bf', '0'],
      ...['-idr_interval', '0', '-forced_idr', '1', '-async_depth', '1', '-profile:v', 'main'],
    ]);
  });

  it('other names: only the encoder, the GOP and the bit rate', () => {
    expect(argsOf('h264_v4l2m2m', { preset: 'slow', crf: 18, gop: 10 })).toEqual({
      input: [],
      output: ['-c:v', 'h264_v4l2m2m', '-g', '10', '-keyint_min', '10', '-bf', '0'],
    });
    expect(argsOf('h264_omx', { bitrate: 1e6, maxrate: 2e6, bufsize: 1e6 }).output).toEqual([
      ...['-c:v', 'h264_omx', '-g', '30', '-keyint_min', '30', '-bf', '0'],
      ...['-b:v', '1000000', '-maxrate', '2000000', '-bufsize', '1000000'],
    ]);
  });

  it('refuses the software encoders, whose arguments core builds', () => {
    let error: unknown;
    try {
      argsOf('libx264');
    } catch (e) {
      error = e;
    }
    expect(isCamstreamError(error) && error.code).toBe('invalid-options');
  });
});

/** ffmpeg's stderr for a one-frame encode with `name` and the arguments built for `options`. */
function stderrOf(name: string, options: Partial<H264EncoderOptions>): Promise<string> {
  const o = resolveH264Options({ ...SIZE, ...options });
  const codec = hardwareCodecArgs(o, name);
  const args = [
    ...codec.input,
    ...rawVideoInputArgs(o, 'pipe:0'),
    ...codec.output,
    '-frames:v',
    '1',
    '-f',
    'null',
    '-',
  ];
  return new Promise((resolve) => {
    const child = execFile('ffmpeg', args, { timeout: 10_000 }, (_error, _stdout, stderr) => resolve(stderr));
    child.stdin?.on('error', () => {});
    child.stdin?.end(new Uint8Array(o.frameBytes));
  });
}

// ffmpeg sets an encoder's options before the encoder looks for its hardware: a value it cannot parse fails with
// "Unable to parse option value" / "Error setting option" even here. (VA-API fails earlier, at its device.)
describe('the values ffmpeg 5.1 accepts', () => {
  const variants: Partial<H264EncoderOptions>[] = [
    { preset: 'ultrafast', profile: 'baseline' },
    { preset: 'veryfast', crf: 30, profile: 'high' },
    { preset: 'medium', tune: 'film', bitrate: 2e6, maxrate: 2e6, bufsize: 1e6 },
    { preset: 'veryslow', bitrate: 2e6 },
  ];
  for (const name of ['h264_nvenc', 'hevc_nvenc', 'h264_qsv', 'hevc_qsv']) {
    it(`${name} takes every value we give it`, async () => {
      for (const variant of variants) {
        // H.265 has no baseline or high profile.
        const { profile, ...rest } = variant;
        const options = name.startsWith('hevc') || profile === undefined ? rest : { ...rest, profile };
        const stderr = await stderrOf(name, options);
        expect(stderr, JSON.stringify(options)).not.toMatch(
          /Unable to parse option|Error setting option|not found/i,
        );
        expect(stderr, JSON.stringify(options)).toMatch(/libcuda|MFX session/);
      }
    }, 60_000);
  }
});
