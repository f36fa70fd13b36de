import {
  annexBFormat,
  type ResolvedH264Options,
  rawVideoInputArgs,
  videoCodecArgs,
} from '@camstream/core/media';

/**
 * The arguments of a live run: raw frames from stdin, the same codec arguments as core's `videoEncodeArgs`
 * (so the stream is byte-identical to `ffmpeg … -f h264 out.h264`, or `-f hevc` for H.265, by hand), and a tee
 * muxer that writes the stream to fd 1 and each packet's `framecrc` line (its size) to fd 3, both flushed per
 * packet.
 */
export function liveEncodeArgs(o: ResolvedH264Options, encoder: string): string[] {
  return [
    ...rawVideoInputArgs(o, 'pipe:0'),
    ...videoCodecArgs(o, encoder),
    '-map',
    '0:v',
    '-f',
    'tee',
    `[f=${annexBFormat(o.codec)}:flush_packets=1]pipe\\:1|[f=framecrc:flush_packets=1]pipe\\:3`,
  ];
}
