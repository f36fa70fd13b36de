import { errorMessage } from '@camstream/core/media';
import {
  type EncoderProbeReport,
  ownedEncoderArg,
  probeEncoders,
  streamedCodec,
} from '@camstream/encoder-ffmpeg';
import { CliError } from '../errors.js';
import { autoEncoder, NOT_IN_BUILD } from './auto-encoder.js';
import {
  type CaptureCodec,
  type ChosenEncoder,
  type EncoderChoice,
  softwareEncoder,
} from './encoder-choice.js';
import { stoppedBeforeStart } from './until-stopped.js';

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
 * missing ffmpeg or an encoder that fails its trial (no device, no driver) a `runtime` error. `--encoder-args`
 * that set what camstream sets itself (the encoder, the format, maps, inputs) are a `usage` error.
 */
export async function chooseEncoder(
  choice: EncoderChoice,
  options: ChooseEncoderOptions,
): Promise<ChosenEncoder> {
  const { codec } = options;
  const owned = ownedEncoderArg(options.encoderArgs);
  if (owned !== undefined)
    throw new CliError(
      'usage',
      `--encoder-args may not give ${owned.arg}: ${owned.why}${owned.owns === 'encoder' ? ' (--encoder ffmpeg:NAME)' : ''}`,
    );
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
    if (codec === 'h265')
      throw new CliError(
        'usage',
        'ffmpeg.wasm cannot encode H.265; use --encoder ffmpeg (the system ffmpeg’s libx265)',
      );
    if ((options.encoderArgs?.length ?? 0) > 0)
      throw new CliError(
        'usage',
        '--encoder-args applies to the system ffmpeg; drop it or use --encoder ffmpeg',
      );
    return wasm();
  }
  const name =
    choice === 'auto' || choice === 'ffmpeg' ? softwareEncoder(codec) : choice.slice('ffmpeg:'.length);
  const probe = await probeOne(ffmpegPath, name, options.signal);
  const found = probe.encoders.find((e) => e.name === name);
  // Whether or not it works here, an encoder of the other codec is a mistake in the command.
  const streamed = found?.ffmpegCodec === undefined ? undefined : streamedCodec(found.ffmpegCodec);
  if (streamed !== undefined && streamed !== codec) {
    throw new CliError(
      'usage',
      `--encoder ${choice} encodes ${codecName(streamed)}, not ${codecName(codec)}; pick a ${codecName(codec)} encoder or --codec ${streamed}`,
    );
  }
  if (probe.ffmpeg !== undefined && found?.ok === true) {
    return {
      backend: 'ffmpeg',
      name,
      ffmpegPath,
      encoderArgs: options.encoderArgs ?? [],
      label: `system ffmpeg ${probe.ffmpeg.version} ${name}`,
    };
  }
  const auto = autoEncoder(probe, name, ffmpegPath);
  if (choice === 'auto' && auto.backend === 'wasm') {
    if (codec !== 'h265') return wasm(auto.why);
    // ffmpeg.wasm has no working H.265 encoder: say what is missing rather than encode H.264 instead.
    throw new CliError(
      'runtime',
      `--codec h265 needs the system ffmpeg with libx265 (ffmpeg.wasm cannot encode H.265), and ${auto.why}`,
    );
  }
  if (probe.ffmpeg === undefined) {
    throw new CliError(
      'runtime',
      `--encoder ${choice} needs the system's ffmpeg, and ${JSON.stringify(ffmpegPath)} could not be used (${probe.reason ?? 'not found'}); install ffmpeg (apt install ffmpeg), give its path with --ffmpeg, or use --encoder wasm`,
    );
  }
  const missing = found === undefined || found.reason === NOT_IN_BUILD;
  const otherCodec = found?.ffmpegCodec !== undefined && streamed === undefined;
  if (missing || otherCodec) {
    const all = await probeEncoders({
      ffmpegPath,
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    const working = ['wasm', ...all.encoders.filter((e) => e.ok).map((e) => `ffmpeg:${e.name}`)];
    const what = missing
      ? `this ffmpeg has no encoder ${JSON.stringify(name)}`
      : `${name} writes ${found?.ffmpegCodec}, not H.264 or H.265`;
    throw new CliError(
      'usage',
      `--encoder ${choice}: ${what}; encoders that work here: ${working.join(', ')}`,
    );
  }
  throw new CliError(
    'runtime',
    `--encoder ${choice}: ${name} does not work on this machine (${found.reason ?? 'its trial encode failed'}); see camstream encoders, or use --encoder auto`,
  );
}

function codecName(codec: CaptureCodec): string {
  return codec === 'h265' ? 'H.265' : 'H.264';
}

async function probeOne(
  ffmpegPath: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<EncoderProbeReport> {
  try {
    return await probeEncoders({
      ffmpegPath,
      names: [name],
      onlyNames: true,
      ...(signal !== undefined && { signal }),
    });
  } catch (error) {
    // A stop during the check is no missing ffmpeg: auto must not fall back to ffmpeg.wasm for it.
    if (signal?.aborted) throw stoppedBeforeStart();
    return { ffmpeg: undefined, reason: errorMessage(error), encoders: [] };
  }
}
