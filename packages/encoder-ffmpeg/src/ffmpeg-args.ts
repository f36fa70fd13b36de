import {
  annexBFormat,
  type ResolvedH264Options,
  rawVideoInputArgs,
  videoCodecArgs,
} from '@camstream/core/media';
import { describeEncoder } from './encoders/encoder-family.js';
import { type EncoderArgs, type HardwareArgsOptions, hardwareCodecArgs } from './encoders/hardware-args.js';
import { FfmpegEncoderError } from './errors.js';

/**
 * The codec arguments for ffmpeg encoder `encoder`: core's for the software encoders (x264's or x265's), the
 * family mapping of `encoders/hardware-args.ts` for the others.
 */
export function codecArgsFor(
  o: ResolvedH264Options,
  encoder: string,
  options: HardwareArgsOptions = {},
): EncoderArgs {
  if (describeEncoder(encoder).family === 'software')
    return { input: [], output: videoCodecArgs(o, encoder) };
  return hardwareCodecArgs(o, encoder, options);
}

/** An argument of `encoderArgs` that camstream's own arguments depend on, and why (see {@link ownedEncoderArg}). */
export interface OwnedEncoderArg {
  /** The argument, as given. */
  readonly arg: string;
  /** What it is: the encoder, the output's format, a stream map, an input, an output. */
  readonly owns: 'encoder' | 'format' | 'map' | 'input' | 'output';
  /** Why it may not be given, in a few words. */
  readonly why: string;
}

const OWNED: readonly (Omit<OwnedEncoderArg, 'arg'> & { readonly pattern: RegExp })[] = [
  {
    // Any stream specifier (`-c:v`, `-c:0`, `-codec:V`): each one names an encoder.
    pattern: /^-(c|codec)(:.*)?$|^-vcodec$/,
    owns: 'encoder',
    why: 'the encoder is named on its own, and its codec decides how the stream is cut',
  },
  { pattern: /^-f$/, owns: 'format', why: 'the output is read as an Annex B stream' },
  { pattern: /^-map$/, owns: 'map', why: 'the one video stream is mapped by camstream' },
  { pattern: /^-i$/, owns: 'input', why: 'the input is camstream’s' },
];

/**
 * The first of `encoderArgs` that sets what camstream's own arguments depend on: the encoder (its codec must be
 * the one the samples are cut as), the output's format, a stream map, an input, or an output (a word that is
 * no option's value). With any of them the stream ffmpeg writes would not be the samples camstream cuts, and
 * frames would be lost with no clear reason (or a file written where none was asked for).
 */
export function ownedEncoderArg(encoderArgs: readonly string[] | undefined): OwnedEncoderArg | undefined {
  let afterOption = false;
  for (const arg of encoderArgs ?? []) {
    const isOption = OPTION.test(arg);
    // ffmpeg takes a word that is no option's value for an output file: a second output, beside camstream's.
    if (!isOption && !afterOption)
      return { arg, owns: 'output', why: 'a word that follows no option is an output file to ffmpeg' };
    afterOption = isOption;
    const owned = OWNED.find((o) => o.pattern.test(arg));
    if (owned !== undefined) return { arg, owns: owned.owns, why: owned.why };
  }
  return undefined;
}

/** An option's name (`-crf`, `-x264-params`), not a value (`-1`, `-0.5`). */
const OPTION = /^-[^\d.]/;

/** Throws `invalid-options` when `encoderArgs` hold an {@link ownedEncoderArg}. */
export function checkEncoderArgs(encoderArgs: readonly string[] | undefined): void {
  const owned = ownedEncoderArg(encoderArgs);
  if (owned !== undefined)
    throw new FfmpegEncoderError('invalid-options', `encoderArgs may not give ${owned.arg}: ${owned.why}`);
}

/**
 * ffmpeg flushes its output after every packet when it writes to a pipe. A run that reads a file itself has no
 * use for that: writing in its 32 KiB blocks instead wakes Node a third as often (measured at 640x480
 * ultrafast: 99 reads instead of 300 for 300 frames). Not for frames fed through stdin: with a bounded number
 * of frames in flight, samples held in ffmpeg's buffer would stop the feeding.
 */
const UNFLUSHED: readonly string[] = ['-flush_packets', '0'];

/** What a run adds to the codec arguments. */
export interface LiveRunOptions {
  /**
   * `packets` (default): the stream on fd 1 and each packet's size on fd 3, both flushed per packet. `stream`:
   * the stream alone on fd 1 (batch: no second pipe; ffmpeg still flushes each packet to a pipe, which keeps
   * the frames in flight moving).
   */
  readonly framing?: 'packets' | 'stream';
  /** ffmpeg's `-threads` for the encoder. */
  readonly threads?: number;
  /** Extra output arguments, after camstream's (so they win). */
  readonly encoderArgs?: readonly string[];
  /** The VA-API device of `*_vaapi` encoders. */
  readonly vaapiDevice?: string;
  /** ffmpeg's input arguments; default raw frames of `o` from stdin. */
  readonly input?: readonly string[];
  /** With `stream` framing: stop after this many frames, and write unflushed blocks (a file ffmpeg reads). */
  readonly fileFrames?: number;
}

/**
 * The arguments of a run: raw frames from stdin (or `run.input`, a file ffmpeg reads), the codec arguments
 * (for libx264 the same as core's `x264EncodeArgs`, so the stream is byte-identical to `ffmpeg … -f h264
 * out.h264` by hand), `threads` and `encoderArgs` after them, then the output. With `packets` framing, a tee
 * muxer that writes the stream to fd 1 and each packet's `framecrc` line (its size) to fd 3, both flushed per
 * packet (the sizes by framecrc's default on a pipe); with `stream` framing, the stream alone on fd 1.
 */
export function liveEncodeArgs(o: ResolvedH264Options, encoder: string, run: LiveRunOptions = {}): string[] {
  const codec = codecArgsFor(
    o,
    encoder,
    run.vaapiDevice === undefined ? {} : { vaapiDevice: run.vaapiDevice },
  );
  return [
    ...codec.input,
    ...(run.input ?? rawVideoInputArgs(o, 'pipe:0')),
    ...codec.output,
    ...(run.threads === undefined ? [] : ['-threads', String(run.threads)]),
    ...(run.encoderArgs ?? []),
    ...(run.framing === 'stream'
      ? [
          ...(run.fileFrames === undefined ? [] : ['-frames:v', String(run.fileFrames), ...UNFLUSHED]),
          '-f',
          annexBFormat(o.codec),
          'pipe:1',
        ]
      : [
          '-map',
          '0:v',
          '-f',
          'tee',
          // framecrc on a pipe is flushed per packet by default; an explicit `flush_packets=1` on a second tee
          // output was measured to make ffmpeg take each input frame 3–4 ms longer (1280x720, ffmpeg 5.1).
          `[f=${annexBFormat(o.codec)}:flush_packets=1]pipe\\:1|[f=framecrc]pipe\\:3`,
        ]),
  ];
}
