// The codec-level option model every encoder of camstream shares (ffmpeg.wasm, a system ffmpeg), for H.264
// (x264) and H.265 (x265): which settings exist, their defaults and per-codec checks, and the ffmpeg arguments
// they become. Only strings: nothing here links or loads x264 or x265, so it lives in MIT core (decision 0004).
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

/** The codecs camstream's encoders produce: H.264 through x264, H.265 through x265. */
export type EncoderCodec = 'h264' | 'h265';

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

/** x265 tunings (x265 has no `film` or `stillimage`); `zerolatency` is the default here too. */
export const X265_TUNES = ['zerolatency', 'psnr', 'ssim', 'grain', 'fastdecode', 'animation'] as const;

/** One of {@link X265_TUNES}. */
export type X265Tune = (typeof X265_TUNES)[number];

/** H.264 profiles x264 can be limited to. */
export type H264Profile = 'baseline' | 'main' | 'high';

/**
 * Options of every camstream encoder, H.264 or H.265 (`codec`; the name stays for compatibility). B-frames are
 * always 0 (Rerun 0.33 cannot play them).
 */
export interface H264EncoderOptions {
  /**
   * `h264` (default, x264) or `h265` (x265: the same presets, the tunes in {@link X265_TUNES}, profile `main`
   * only; every keyframe an IDR with VPS, SPS and PPS in front).
   */
  readonly codec?: EncoderCodec;
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
  /** Default `zerolatency`. For H.265 one of {@link X265_TUNES}. */
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
  /** Default: what the preset gives (ultrafast → Constrained Baseline, others → High). H.265: only `main`. */
  readonly profile?: H264Profile;
}

/** Another name for {@link H264EncoderOptions}, which covers both codecs. */
export type VideoEncoderOptions = H264EncoderOptions;

/** {@link H264EncoderOptions} with every default filled in. */
export interface ResolvedH264Options {
  /** `h264` unless `h265` was asked for. */
  readonly codec: EncoderCodec;
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
const X265_TUNE_SET = new Set<string>(X265_TUNES);
const CODECS = new Set<string>(['h264', 'h265']);
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
  const codec = o.codec ?? 'h264';
  if (!CODECS.has(codec)) bad(`unknown codec ${JSON.stringify(codec)}; use h264 or h265`);
  const h265 = codec === 'h265';
  int('width', o.width, 2, 16384);
  int('height', o.height, 2, 16384);
  // x264 and x265 need even dimensions for 4:2:0.
  if (o.width % 2 !== 0 || o.height % 2 !== 0)
    bad(`width and height must be even for 4:2:0 ${h265 ? 'H.265' : 'H.264'}, got ${o.width}x${o.height}`);
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
    bad(`unknown ${h265 ? 'x265' : 'x264'} preset ${JSON.stringify(o.preset)}`);
  if (h265) {
    if (o.tune !== undefined && !X265_TUNE_SET.has(o.tune))
      bad(`x265 has no tune ${JSON.stringify(o.tune)}; use one of ${X265_TUNES.join(', ')}`);
    if (o.profile !== undefined && o.profile !== 'main')
      bad(`H.265 is encoded with profile main only, got ${JSON.stringify(o.profile)}`);
  } else {
    if (o.tune !== undefined && !TUNES.has(o.tune)) bad(`unknown x264 tune ${JSON.stringify(o.tune)}`);
    if (o.profile !== undefined && !PROFILES.has(o.profile))
      bad(`unknown H.264 profile ${JSON.stringify(o.profile)}`);
  }
  const pixelFormat = o.pixelFormat ?? 'I420';
  if (!FORMATS.has(pixelFormat)) {
    throw new EncoderOptionsError(
      'unsupported-format',
      `pixel format ${JSON.stringify(pixelFormat)} is not supported; use I420, NV12 or RGBA`,
    );
  }
  return {
    codec,
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
 * B-frames, and keyframes exactly every `gop` frames (scene cuts off, so `-g` alone places every IDR). No
 * `-keyint_min`: with scene cuts off it changes no keyframe, yet with it equal to `-g` x264's sliced threads
 * wait on each other (measured on Debian's ffmpeg 5.1, 640x480 ultrafast, 2 threads: twice the wall time for
 * the same CPU time).
 */
export function x264CodecArgs(o: ResolvedH264Options, encoder = 'libx264'): string[] {
  const args = ['-c:v', encoder, '-pix_fmt', 'yuv420p', '-preset', o.preset, '-tune', o.tune, '-bf', '0'];
  args.push('-g', String(o.gop), '-sc_threshold', '0');
  if (o.crf !== undefined) args.push('-crf', String(o.crf));
  if (o.bitrate !== undefined) args.push('-b:v', String(o.bitrate));
  if (o.maxrate !== undefined) args.push('-maxrate', String(o.maxrate));
  if (o.bufsize !== undefined) args.push('-bufsize', String(o.bufsize));
  if (o.profile !== undefined) args.push('-profile:v', o.profile);
  return args;
}

/**
 * The x265 settings that make a stream Rerun's `VideoStream` plays and core's splitter cuts: no B-frames, an IDR
 * exactly every `gop` frames (no scene cuts, closed GOPs), VPS/SPS/PPS before every IRAP, x265's own log
 * quiet (it prints to stderr past ffmpeg's `-loglevel`). FFmpeg 5.1's libx265 wrapper maps `-g`, `-keyint_min`,
 * `-bf`, `-crf`, `-b:v`, `-maxrate` and `-bufsize` itself (checked with x265's log and ffprobe on Debian's 5.1); the keyframe settings are
 * repeated here so they hold whatever the wrapper's version.
 */
function x265Params(o: ResolvedH264Options): string {
  const gop = String(o.gop);
  return [
    'bframes=0',
    `keyint=${gop}`,
    `min-keyint=${gop}`,
    'scenecut=0',
    'open-gop=0',
    'repeat-headers=1',
    'log-level=error',
  ].join(':');
}

/**
 * ffmpeg's output codec arguments for `o` with x265 (or an encoder taking x265's options, `encoder`): 4:2:0, no
 * B-frames, closed GOPs with an IDR exactly every `gop` frames, parameter sets repeated before every keyframe.
 */
export function x265CodecArgs(o: ResolvedH264Options, encoder = 'libx265'): string[] {
  const args = ['-c:v', encoder, '-pix_fmt', 'yuv420p', '-preset', o.preset, '-tune', o.tune, '-bf', '0'];
  args.push('-g', String(o.gop), '-keyint_min', String(o.gop));
  if (o.crf !== undefined) args.push('-crf', String(o.crf));
  if (o.bitrate !== undefined) args.push('-b:v', String(o.bitrate));
  if (o.maxrate !== undefined) args.push('-maxrate', String(o.maxrate));
  if (o.bufsize !== undefined) args.push('-bufsize', String(o.bufsize));
  if (o.profile !== undefined) args.push('-profile:v', o.profile);
  args.push('-x265-params', x265Params(o));
  return args;
}

/** ffmpeg's software encoder for `codec`: `libx264` or `libx265`. */
export function softwareEncoderName(codec: EncoderCodec): string {
  return codec === 'h265' ? 'libx265' : 'libx264';
}

/** ffmpeg's raw Annex B muxer for `codec`: `h264` or `hevc`. */
export function annexBFormat(codec: EncoderCodec): 'h264' | 'hevc' {
  return codec === 'h265' ? 'hevc' : 'h264';
}

/**
 * ffmpeg's output codec arguments for `o`'s codec: {@link x264CodecArgs} or {@link x265CodecArgs}, with
 * `encoder` (default: {@link softwareEncoderName}) given that codec's x264/x265 options.
 */
export function videoCodecArgs(o: ResolvedH264Options, encoder = softwareEncoderName(o.codec)): string[] {
  return o.codec === 'h265' ? x265CodecArgs(o, encoder) : x264CodecArgs(o, encoder);
}

/**
 * The ffmpeg arguments that encode raw frames from `input` to an Annex B stream of `o`'s codec in `output`
 * ({@link rawVideoInputArgs} + {@link videoCodecArgs} + packets flushed as they come). Live and offline runs use
 * the same arguments (only the paths differ), so their output is byte-identical.
 */
export function videoEncodeArgs(o: ResolvedH264Options, input: string, output: string): string[] {
  return [
    ...rawVideoInputArgs(o, input),
    ...videoCodecArgs(o),
    '-flush_packets',
    '1',
    '-f',
    annexBFormat(o.codec),
    output,
  ];
}

/**
 * {@link videoEncodeArgs} under its first name: an Annex B H.264 stream for the default codec, H.265 when
 * `o.codec` is `h265`.
 */
export function x264EncodeArgs(o: ResolvedH264Options, input: string, output: string): string[] {
  return videoEncodeArgs(o, input, output);
}
