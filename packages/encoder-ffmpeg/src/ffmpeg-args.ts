import { type ResolvedH264Options, rawVideoInputArgs, x264CodecArgs } from '@camstream/core/media';

/**
 * The arguments of a live run: raw frames from stdin, the same codec arguments as core's `x264EncodeArgs`
 * (so the stream is byte-identical to `ffmpeg … -f h264 out.h264` by hand), and a tee muxer that writes the
 * stream to fd 1 and each packet's `framecrc` line (its size) to fd 3, both flushed per packet.
 */
export function liveEncodeArgs(o: ResolvedH264Options, encoder: string, threads?: number): string[] {
  return [
    ...rawVideoInputArgs(o, 'pipe:0'),
    ...x264CodecArgs(o, encoder),
    ...(threads === undefined ? [] : ['-threads', String(threads)]),
    '-map',
    '0:v',
    '-f',
    'tee',
    '[f=h264:flush_packets=1]pipe\\:1|[f=framecrc:flush_packets=1]pipe\\:3',
  ];
}
