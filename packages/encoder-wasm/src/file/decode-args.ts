import type { ResolvedDecodeOptions } from './decode-options.js';

/**
 * The ffmpeg arguments that decode the first video stream of `input` to raw I420 frames in `output`, with one
 * `showinfo` log line per frame carrying the demuxer's timestamp:
 * - `-copyts`: keep the demuxer's timestamps (ffmpeg otherwise shifts them so the file starts at 0);
 * - `-fps_mode passthrough`: never duplicate or drop a frame to fit a constant rate (variable-rate files stay so);
 * - `showinfo` first in the chain, so it logs the decoder's frame before any scaling; `checksum=0` saves hashing
 *   every picture;
 * - `level+info`: every log line says its level, so errors while reading (a truncated file) can be told apart.
 */
export function decodeArgs(o: ResolvedDecodeOptions, input: string, output: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info'];
  if (o.format !== undefined) args.push('-f', o.format);
  if (o.raw !== undefined)
    args.push('-pix_fmt', o.raw.pixFmt, '-video_size', `${o.raw.width}x${o.raw.height}`);
  if (o.constantRate !== undefined) args.push('-framerate', `${o.constantRate.num}/${o.constantRate.den}`);
  args.push('-copyts', '-i', input, '-map', '0:v:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough');
  const filters = ['showinfo=checksum=0'];
  if (o.scale !== undefined) filters.push(`scale=${o.scale.width}:${o.scale.height}`);
  filters.push('format=yuv420p');
  args.push('-vf', filters.join(','), '-f', 'rawvideo', output);
  return args;
}
