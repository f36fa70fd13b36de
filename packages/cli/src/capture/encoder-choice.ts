import { CliError } from '../errors.js';

/**
 * Which encoder a capture uses (decision 0018): `auto` (the system ffmpeg when its software encoder works, else
 * ffmpeg.wasm), `wasm`, `ffmpeg` (the system ffmpeg's software encoder), or `ffmpeg:<name>` (an ffmpeg encoder
 * by name, such as `h264_nvenc`).
 */
export type EncoderChoice = 'auto' | 'wasm' | 'ffmpeg' | `ffmpeg:${string}`;

/** The codecs a capture can encode. */
export type CaptureCodec = 'h264' | 'h265';

/** The encoder a capture runs, once `chooseEncoder` has decided. */
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
