import { errorMessage } from '@camstream/core/media';
import { type EncoderProbe, probeEncoders } from '@camstream/encoder-ffmpeg';
import { CliError } from '../errors.js';

/**
 * Which encoder a capture uses (decision 0018): `auto` (the system ffmpeg when its software encoder works, else
 * ffmpeg.wasm), `wasm`, `ffmpeg` (the system ffmpeg's software encoder), or `ffmpeg:<name>` (an ffmpeg encoder
 * by name, such as `h264_nvenc`).
 */
export type EncoderChoice = 'auto' | 'wasm' | 'ffmpeg' | `ffmpeg:${string}`;

/** The codecs a capture can encode. */
export type CaptureCodec = 'h264' | 'h265';

/** The encoder a capture runs, once {@link chooseEncoder} has decided. */
export type ChosenEncoder =
  | {
      readonly backend: 'wasm';
      /** The encoder inside ffmpeg.wasm (`libx264`, `libx265`). */
      readonly name: string;
      /** For people: `ffmpeg.wasm libx264`. */
      readonly label: string;
      /** Why `auto` did not use the system ffmpeg. */
      readonly fallback?: string;
    }
  | {
      readonly backend: 'ffmpeg';
      /** ffmpeg's encoder (`libx264`, `h264_nvenc`, …). */
      readonly name: string;
      /** The ffmpeg executable. */
      readonly ffmpegPath: string;
      /** Extra ffmpeg arguments after camstream's own (`--encoder-args`). */
      readonly encoderArgs: readonly string[];
      /** For people: `system ffmpeg 5.1.8 libx264`. */
      readonly label: string;
    };

const CHOICE_HELP = 'expected auto, wasm, ffmpeg or ffmpeg:<encoder> (see camstream encoders)';

/** Parses `--encoder`; a usage error for anything else. */
export function parseEncoderChoice(text: string): EncoderChoice {
  if (text === 'auto' || text === 'wasm' || text === 'ffmpeg') return text;
  if (text.startsWith('ffmpeg:')) {
    const name = text.slice('ffmpeg:'.length);
    if (/^[A-Za-z0-9_.-]+$/.test(name)) return `ffmpeg:${name}`;
  }
  throw new CliError('usage', `--encoder ${JSON.stringify(text)}: ${CHOICE_HELP}`);
}

/** The system ffmpeg's software encoder for a codec. */
export function softwareEncoder(codec: CaptureCodec): string {
  return codec === 'h265' ? 'libx265' : 'libx264';
}

/** Options of {@link chooseEncoder}. */
export interface ChooseEncoderOptions {
  readonly codec: CaptureCodec;
  /** The ffmpeg executable (`--ffmpeg`); default `ffmpeg` on PATH. */
  readonly ffmpegPath?: string;
  /** `--encoder-args`, for the system ffmpeg only. */
  readonly encoderArgs?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * Decides the encoder of a capture by a one-frame trial encode with the system ffmpeg (decision 0018). `auto`
 * never fails: without a working system ffmpeg it picks ffmpeg.wasm and says why. An explicit `ffmpeg…`
 * choice never falls back: an encoder ffmpeg does not have is a `usage` error listing what works here, a
 * missing ffmpeg or an encoder that fails its trial (no device, no driver) a `runtime` error.
 */
export async function chooseEncoder(choice: EncoderChoice, options: ChooseEncoderOptions): Promise<ChosenEncoder> {
  const { codec } = options;
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const wasm = (fallback?: string): ChosenEncoder => {
    const name = softwareEncoder(codec);
    return {
      backend: 'wasm',
      name,
      label: `ffmpeg.wasm ${name}`,
      ...(fallback !== undefined && { fallback }),
    };
  };
  if (choice === 'wasm') {
    if ((options.encoderArgs?.length ?? 0) > 0)
      throw new CliError('usage', '--encoder-args applies to the system ffmpeg; drop it or use --encoder ffmpeg');
    return wasm();
  }
  const name = choice === 'auto' || choice === 'ffmpeg' ? softwareEncoder(codec) : choice.slice('ffmpeg:'.length);
  const probe = await probeOne(ffmpegPath, name, options.signal);
  const found = probe.encoders.find((e) => e.name === name);
  if (probe.ffmpeg !== undefined && found?.ok === true) {
    if (found.codec !== codec) {
      throw new CliError(
        'usage',
        `--encoder ${choice} encodes ${codecName(found.codec)}, not ${codecName(codec)}; pick a ${codecName(codec)} encoder or --codec ${found.codec}`,
      );
    }
    return {
      backend: 'ffmpeg',
      name,
      ffmpegPath,
      encoderArgs: options.encoderArgs ?? [],
      label: `system ffmpeg ${probe.ffmpeg.version} ${name}`,
    };
  }
  const why =
    probe.ffmpeg === undefined
      ? `no system ffmpeg: ${probe.reason ?? `${ffmpegPath} not found`}`
      : `the system ffmpeg's ${name} does not work: ${found?.reason ?? 'not in this ffmpeg build'}`;
  if (choice === 'auto') return wasm(why);
  if (probe.ffmpeg === undefined) {
    throw new CliError(
      'runtime',
      `--encoder ${choice} needs the system's ffmpeg, and ${JSON.stringify(ffmpegPath)} could not be run (${probe.reason ?? 'not found'}); install ffmpeg (apt install ffmpeg), give its path with --ffmpeg, or use --encoder wasm`,
    );
  }
  if (found === undefined || found.reason === NOT_IN_BUILD) {
    const all = await probeEncoders({ ffmpegPath, ...(options.signal !== undefined && { signal: options.signal }) });
    const working = ['wasm', ...all.encoders.filter((e) => e.ok).map((e) => `ffmpeg:${e.name}`)];
    throw new CliError(
      'usage',
      `--encoder ${choice}: this ffmpeg has no encoder ${JSON.stringify(name)}; encoders that work here: ${working.join(', ')}`,
    );
  }
  throw new CliError(
    'runtime',
    `--encoder ${choice}: ${name} does not work on this machine (${found.reason ?? 'its trial encode failed'}); see camstream encoders, or use --encoder auto`,
  );
}

const NOT_IN_BUILD = 'not in this ffmpeg build';

function codecName(codec: CaptureCodec): string {
  return codec === 'h265' ? 'H.265' : 'H.264';
}

async function probeOne(ffmpegPath: string, name: string, signal: AbortSignal | undefined): Promise<EncoderProbe> {
  try {
    return await probeEncoders({ ffmpegPath, names: [name], only: true, ...(signal !== undefined && { signal }) });
  } catch (error) {
    return { ffmpeg: undefined, reason: errorMessage(error), encoders: [] };
  }
}
