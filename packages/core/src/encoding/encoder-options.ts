// The codec-level option model every H.264 encoder of camstream shares (ffmpeg.wasm, a system ffmpeg): which
// x264 settings exist, their defaults and checks, and the ffmpeg arguments they become. Only strings: nothing
// here links or loads x264, so it lives in MIT core (decision 0004).
import { CamstreamError, type CoreErrorCode } from '../errors.js';
import { frameByteLength, type PixelFormat, type RawFrame } from '../model/pipeline.js';

/** Codes {@link EncoderOptionsError} uses; each encoder package rethrows them under its own error class. */
export type EncoderOptionsErrorCode = Extract<
  CoreErrorCode,
  'invalid-options' | 'invalid-frame' | 'unsupported-format'
>;

/** Thrown by {@link resolveH264Options} and {@link checkH264Frame}: options or a frame an encoder cannot take. */
export class EncoderOptionsError extends CamstreamError {
  constructor(code: EncoderOptionsErrorCode, message: string) {
    super(code, message);
    this.name = 'EncoderOptionsError';
  }
}

/** x264 presets, fastest first. */
export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;

/** One of {@link X264_PRESETS}. */
export type X264Preset = (typeof X264_PRESETS)[number];

/** x264 tunings; `zerolatency` (the default) is what live mode needs: no lookahead, one frame in, one out. */
export const X264_TUNES = [
  'zerolatency',
  'film',
  'animation',
  'grain',
  'stillimage',
  'fastdecode',
  'psnr',
  'ssim',
] as const;

/** One of {@link X264_TUNES}. */
export type X264Tune = (typeof X264_TUNES)[number];

/** H.264 profiles x264 can be limited to. */
export type H264Profile = 'baseline' | 'main' | 'high';

/** Options of every camstream H.264 encoder. B-frames are always 0 (Rerun 0.33 cannot play them). */
export interface H264EncoderOptions {
  readonly width: number;
  readonly height: number;
  /** Frame rate numerator (30, or 30000 with `fpsDen` 1001). */
  readonly fpsNum: number;
  /** Frame rate denominator. Default 1. */
  readonly fpsDen?: number;
  /** Layout of the input frames. Default `I420`; NV12 and RGBA are converted to 4:2:0 by ffmpeg. */
  readonly pixelFormat?: PixelFormat;
  /** Default `veryfast` (the reference pipeline's choice). */
  readonly preset?: X264Preset;
  /** Default `zerolatency`. */
  readonly tune?: X264Tune;
  /** Constant quality 0–51 (x264's default 23 when neither `crf` nor `bitrate` is given). */
  readonly crf?: number;
  /** Target bit rate, bits/s (VBR; add `maxrate` = `bitrate` and a `bufsize` for CBR-like output). */
  readonly bitrate?: number;
  /** Peak bit rate, bits/s (VBV); needs `bufsize`. */
  readonly maxrate?: number;
  /** VBV buffer size, bits. */
  readonly bufsize?: number;
  /** Frames from one IDR to the next; keyframes come exactly every `gop` frames (scene cuts off). Default 30. */
  readonly gop?: number;
  /** Default: what the preset gives (ultrafast → Constrained Baseline, others → High). */
  readonly profile?: H264Profile;
}

/** {@link H264EncoderOptions} with every default filled in. */
export interface ResolvedH264Options {
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  readonly pixelFormat: PixelFormat;
  readonly preset: X264Preset;
  readonly tune: X264Tune;
  readonly crf: number | undefined;
  readonly bitrate: number | undefined;
  readonly maxrate: number | undefined;
  readonly bufsize: number | undefined;
  readonly gop: number;
  readonly profile: H264Profile | undefined;
  /** Bytes of one input frame. */
  readonly frameBytes: number;
}

const PRESETS = new Set<string>(X264_PRESETS);
const TUNES = new Set<string>(X264_TUNES);
const PROFILES = new Set<string>(['baseline', 'main', 'high']);
const FORMATS = new Set<string>(['I420', 'NV12', 'RGBA']);
const FFMPEG_PIX_FMT: Record<PixelFormat, string> = { I420: 'yuv420p', NV12: 'nv12', RGBA: 'rgba' };

function bad(message: string): never {
  throw new EncoderOptionsError('invalid-options', message);
}

function int(name: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min || value > max)) {
    bad(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Checks options and fills in defaults; throws `invalid-options` / `unsupported-format`. */
export function resolveH264Options(o: H264EncoderOptions): ResolvedH264Options {
  int('width', o.width, 2, 16384);
  int('height', o.height, 2, 16384);
  // x264 needs even dimensions for 4:2:0.
  if (o.width % 2 !== 0 || o.height % 2 !== 0)
    bad(`width and height must be even for 4:2:0 H.264, got ${o.width}x${o.height}`);
  int('fpsNum', o.fpsNum, 1);
  int('fpsDen', o.fpsDen, 1);
  int('gop', o.gop, 1, 100_000);
  int('bitrate', o.bitrate, 1);
  int('maxrate', o.maxrate, 1);
  int('bufsize', o.bufsize, 1);
  if (o.crf !== undefined && (!Number.isFinite(o.crf) || o.crf < 0 || o.crf > 51))
    bad(`crf must be in [0, 51], got ${o.crf}`);
  if (o.crf !== undefined && o.bitrate !== undefined) bad('give crf or bitrate, not both');
  if (o.maxrate !== undefined && o.bufsize === undefined) bad('maxrate needs bufsize (the VBV buffer)');
  if (o.preset !== undefined && !PRESETS.has(o.preset))
    bad(`unknown x264 preset ${JSON.stringify(o.preset)}`);
  if (o.tune !== undefined && !TUNES.has(o.tune)) bad(`unknown x264 tune ${JSON.stringify(o.tune)}`);
  if (o.profile !== undefined && !PROFILES.has(o.profile))
    bad(`unknown H.264 profile ${JSON.stringify(o.profile)}`);
  const pixelFormat = o.pixelFormat ?? 'I420';
  if (!FORMATS.has(pixelFormat)) {
    throw new EncoderOptionsError(
      'unsupported-format',
      `pixel format ${JSON.stringify(pixelFormat)} is not supported; use I420, NV12 or RGBA`,
    );
  }
  return {
    width: o.width,
    height: o.height,
    fpsNum: o.fpsNum,
    fpsDen: o.fpsDen ?? 1,
    pixelFormat,
    preset: o.preset ?? 'veryfast',
    tune: o.tune ?? 'zerolatency',
    crf: o.crf,
    bitrate: o.bitrate,
    maxrate: o.maxrate,
    bufsize: o.bufsize,
    gop: o.gop ?? 30,
    profile: o.profile,
    frameBytes: frameByteLength(pixelFormat, o.width, o.height),
  };
}

/** Throws `invalid-frame` / `unsupported-format` unless `frame` matches the encoder's input. */
export function checkH264Frame(frame: RawFrame, o: ResolvedH264Options): void {
  if (!FORMATS.has(frame.format)) {
    throw new EncoderOptionsError(
      'unsupported-format',
      `frame ${frame.index}: pixel format ${JSON.stringify(frame.format)} is not supported; use I420, NV12 or RGBA`,
    );
  }
  if (frame.format !== o.pixelFormat || frame.width !== o.width || frame.height !== o.height) {
    throw new EncoderOptionsError(
      'invalid-frame',
      `frame ${frame.index} is ${frame.width}x${frame.height} ${frame.format}; this encoder was opened for ${o.width}x${o.height} ${o.pixelFormat}`,
    );
  }
  if (frame.data.length !== o.frameBytes) {
    throw new EncoderOptionsError(
      'invalid-frame',
      `frame ${frame.index} holds ${frame.data.length} bytes; ${o.width}x${o.height} ${o.pixelFormat} needs ${o.frameBytes}`,
    );
  }
  if (typeof frame.pts !== 'bigint')
    throw new EncoderOptionsError('invalid-frame', `frame ${frame.index}: pts must be a bigint (ns)`);
}

/**
 * ffmpeg's input arguments for raw frames of `o` read from `input` (a path, `pipe:0`, a device). Never
 * `-fflags nobuffer`: with rawvideo on FFmpeg 5.1 it drops a frame.
 */
export function rawVideoInputArgs(o: ResolvedH264Options, input: string): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error'];
  args.push('-f', 'rawvideo', '-pix_fmt', FFMPEG_PIX_FMT[o.pixelFormat], '-s', `${o.width}x${o.height}`);
  args.push(
    '-framerate',
    `${o.fpsNum}/${o.fpsDen}`,
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-i',
    input,
  );
  return args;
}

/**
 * ffmpeg's output codec arguments for `o`: x264 (or an encoder taking x264's options, `encoder`), 4:2:0, no
 * B-frames, and keyframes exactly every `gop` frames (no scene-cut IDRs, no shorter minimum interval).
 */
export function x264CodecArgs(o: ResolvedH264Options, encoder = 'libx264'): string[] {
  const args = ['-c:v', encoder, '-pix_fmt', 'yuv420p', '-preset', o.preset, '-tune', o.tune, '-bf', '0'];
  args.push('-g', String(o.gop), '-keyint_min', String(o.gop), '-sc_threshold', '0');
  if (o.crf !== undefined) args.push('-crf', String(o.crf));
  if (o.bitrate !== undefined) args.push('-b:v', String(o.bitrate));
  if (o.maxrate !== undefined) args.push('-maxrate', String(o.maxrate));
  if (o.bufsize !== undefined) args.push('-bufsize', String(o.bufsize));
  if (o.profile !== undefined) args.push('-profile:v', o.profile);
  return args;
}

/**
 * The ffmpeg arguments that encode raw frames from `input` to an Annex B H.264 stream in `output`
 * ({@link rawVideoInputArgs} + {@link x264CodecArgs} + packets flushed as they come). Live and offline runs use
 * the same arguments (only the paths differ), so their output is byte-identical.
 */
export function x264EncodeArgs(o: ResolvedH264Options, input: string, output: string): string[] {
  return [...rawVideoInputArgs(o, input), ...x264CodecArgs(o), '-flush_packets', '1', '-f', 'h264', output];
}
