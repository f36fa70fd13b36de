import { type ResolvedH264Options, rawVideoInputArgs, x264CodecArgs } from '@camstream/core/media';
import { describeEncoder } from './encoders/encoder-family.js';
import { type EncoderArgs, type HardwareArgsOptions, hardwareCodecArgs } from './encoders/hardware-args.js';

/**
 * The codec arguments for ffmpeg encoder `encoder`: core's for the software encoders, the family mapping of
 * `encoders/hardware-args.ts` for the others.
 */
export function codecArgsFor(
  o: ResolvedH264Options,
  encoder: string,
  options: HardwareArgsOptions = {},
): EncoderArgs {
  if (describeEncoder(encoder).family === 'software') return { input: [], output: x264CodecArgs(o, encoder) };
  return hardwareCodecArgs(o, encoder, options);
}

/**
 * The arguments of a live run: raw frames from stdin, the codec arguments (for libx264 the same as core's
 * `x264EncodeArgs`, so the stream is byte-identical to `ffmpeg … -f h264 out.h264` by hand), `encoderArgs`
 * after them, and a tee muxer that writes the stream to fd 1 and each packet's `framecrc` line (its size) to
 * fd 3, both flushed per packet. `hardware` holds the hardware families' own settings (the VA-API device).
 */
export function liveEncodeArgs(
  o: ResolvedH264Options,
  encoder: string,
  encoderArgs: readonly string[] = [],
  hardware: HardwareArgsOptions = {},
): string[] {
  const codec = codecArgsFor(o, encoder, hardware);
  return [
    ...codec.input,
    ...rawVideoInputArgs(o, 'pipe:0'),
    ...codec.output,
    ...encoderArgs,
    '-map',
    '0:v',
    '-f',
    'tee',
    '[f=h264:flush_packets=1]pipe\\:1|[f=framecrc:flush_packets=1]pipe\\:3',
  ];
}
