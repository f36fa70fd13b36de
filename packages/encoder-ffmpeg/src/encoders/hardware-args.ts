import type { ResolvedH264Options, X264Preset } from '@camstream/core/media';
import { FfmpegEncoderError } from '../errors.js';
import { describeEncoder } from './encoder-family.js';

/** The render node VA-API encoders use unless told otherwise. */
export const DEFAULT_VAAPI_DEVICE = '/dev/dri/renderD128';

/** Options of {@link hardwareCodecArgs} beyond the codec options. */
export interface HardwareArgsOptions {
  /** The VA-API device (`-vaapi_device`). Default {@link DEFAULT_VAAPI_DEVICE}. */
  readonly vaapiDevice?: string;
}

/** ffmpeg arguments for one encoder: some go before the input (`-i`), the rest after it. */
export interface EncoderArgs {
  /** Global or input options, placed before `-i` (VA-API's device). */
  readonly input: readonly string[];
  /** Output options: `-c:v`, pixel format or filter, rate control, GOP. */
  readonly output: readonly string[];
}

// x264's nine presets onto NVENC's seven (p1 fastest … p7 best); medium stays the middle, as in both defaults.
const NVENC_PRESET: Record<X264Preset, string> = {
  ultrafast: 'p1',
  superfast: 'p1',
  veryfast: 'p2',
  faster: 'p3',
  fast: 'p3',
  medium: 'p4',
  slow: 'p5',
  slower: 'p6',
  veryslow: 'p7',
};

// QSV's presets are x264's names from veryfast on; the two faster ones become veryfast.
const QSV_PRESET: Record<X264Preset, string> = {
  ultrafast: 'veryfast',
  superfast: 'veryfast',
  veryfast: 'veryfast',
  faster: 'faster',
  fast: 'fast',
  medium: 'medium',
  slow: 'slow',
  slower: 'slower',
  veryslow: 'veryslow',
};

/** x264's quality when neither crf nor bitrate is given; the hardware families get the same number. */
const DEFAULT_QUALITY = 23;

/** Keyframes exactly every `gop` frames and no B-frames: what every family is given. */
function gopArgs(o: ResolvedH264Options): string[] {
  return ['-g', String(o.gop), '-keyint_min', String(o.gop), '-bf', '0'];
}

/** `-b:v`, `-maxrate`, `-bufsize` as given. */
function bitrateArgs(o: ResolvedH264Options): string[] {
  const args: string[] = [];
  if (o.bitrate !== undefined) args.push('-b:v', String(o.bitrate));
  if (o.maxrate !== undefined) args.push('-maxrate', String(o.maxrate));
  if (o.bufsize !== undefined) args.push('-bufsize', String(o.bufsize));
  return args;
}

/** A peak rate equal to the target rate asks for constant bit rate. */
function isConstantRate(o: ResolvedH264Options): boolean {
  return o.bitrate !== undefined && o.maxrate === o.bitrate;
}

function quality(o: ResolvedH264Options): number {
  return o.crf ?? DEFAULT_QUALITY;
}

function profileArgs(o: ResolvedH264Options, names: Partial<Record<string, string>> = {}): string[] {
  return o.profile === undefined ? [] : ['-profile:v', names[o.profile] ?? o.profile];
}

function nvencArgs(o: ResolvedH264Options, name: string): string[] {
  const args = ['-c:v', name, '-pix_fmt', 'yuv420p', '-preset', NVENC_PRESET[o.preset]];
  if (o.tune === 'zerolatency') {
    // Low latency: ultra-low for the fastest preset; no reordering, each frame out as soon as it is encoded.
    args.push('-tune', o.preset === 'ultrafast' ? 'ull' : 'll', '-zerolatency', '1', '-delay', '0');
  } else {
    args.push('-tune', 'hq');
  }
  // NVENC has no crf: constant quality is VBR with a quality target and no bit-rate cap (`-b:v 0`).
  if (o.bitrate === undefined) args.push('-rc', 'vbr', '-cq', String(quality(o)), '-b:v', '0');
  else args.push('-rc', isConstantRate(o) ? 'cbr' : 'vbr', ...bitrateArgs(o));
  // Every keyframe an IDR: NVENC's IDR period follows -g, and forced keyframes become IDRs too.
  args.push(...gopArgs(o), '-forced-idr', '1', ...profileArgs(o));
  return args;
}

function vaapiArgs(o: ResolvedH264Options, name: string): string[] {
  // Frames are uploaded to the GPU as NV12, the layout VA-API encoders take.
  const args = ['-vf', 'format=nv12,hwupload', '-c:v', name];
  if (o.bitrate === undefined) args.push('-rc_mode', 'CQP', '-qp', String(Math.round(quality(o))));
  else args.push('-rc_mode', isConstantRate(o) ? 'CBR' : 'VBR', ...bitrateArgs(o));
  // idr_interval 0: every I-frame is an IDR, so each GOP is closed.
  args.push(...gopArgs(o), '-idr_interval', '0', ...profileArgs(o, { baseline: 'constrained_baseline' }));
  return args;
}

function qsvArgs(o: ResolvedH264Options, name: string, codec: 'h264' | 'h265'): string[] {
  const args = ['-c:v', name, '-pix_fmt', 'nv12', '-preset', QSV_PRESET[o.preset]];
  // ICQ (constant quality) takes 1–51; bit rates choose CBR or VBR from -maxrate themselves.
  if (o.bitrate === undefined) args.push('-global_quality', String(Math.max(1, Math.round(quality(o)))));
  else args.push(...bitrateArgs(o));
  // hevc_qsv in FFmpeg 5.1 has no look_ahead switch (its lookahead needs extbrc, off by default).
  if (codec === 'h264') args.push('-look_ahead', '0');
  // idr_interval 0: every I-frame an IDR; async_depth 1: one frame in flight, for latency.
  args.push(...gopArgs(o), '-idr_interval', '0', '-forced_idr', '1', '-async_depth', '1', ...profileArgs(o));
  return args;
}

/**
 * The ffmpeg arguments that make a hardware (or other non-software) encoder follow camstream's options as far
 * as its family has them: no B-frames and keyframes exactly every `gop` frames everywhere; the preset, the
 * latency tuning, constant quality (`crf`, or 23 when no bit rate is given) or bit rate, closed GOPs and the
 * profile mapped per family (nvenc, vaapi, qsv; the table is in the package README). `other` names get only
 * `-c:v`, the GOP options and the bit-rate options. Software names (libx264, libx265) are refused with
 * `invalid-options`: core builds theirs.
 *
 * Only argument lists: these encoders need hardware the package's tests do not have.
 */
export function hardwareCodecArgs(
  o: ResolvedH264Options,
  name: string,
  options: HardwareArgsOptions = {},
): EncoderArgs {
  const kind = describeEncoder(name);
  switch (kind.family) {
    case 'software':
      throw new FfmpegEncoderError(
        'invalid-options',
        `${name} is a software encoder; its arguments come from core, not hardwareCodecArgs`,
      );
    case 'nvenc':
      return { input: [], output: nvencArgs(o, name) };
    case 'vaapi':
      return {
        input: ['-vaapi_device', options.vaapiDevice ?? DEFAULT_VAAPI_DEVICE],
        output: vaapiArgs(o, name),
      };
    case 'qsv':
      return { input: [], output: qsvArgs(o, name, kind.codec) };
    case 'other':
      return { input: [], output: ['-c:v', name, ...gopArgs(o), ...bitrateArgs(o)] };
  }
}
