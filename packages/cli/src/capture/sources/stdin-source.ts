import type { Readable } from 'node:stream';
import { CliError } from '../../errors.js';
import type { FrameSource } from './frame-source.js';
import { openY4mStream } from './y4m-stream.js';

/**
 * Y4M on stdin (`--input -`), through the core's Y4M reader: any capture tool can pipe in. A live source: it
 * is encoded as it arrives. By default it waits for the encoder (a piped file loses nothing); `live` drops
 * the oldest waiting frame instead, counted, as a camera does, so a camera piped in never queues old frames.
 */
export async function openStdinSource(
  stdin: Readable & { isTTY?: boolean } = process.stdin,
  live = false,
): Promise<FrameSource> {
  if (stdin.isTTY === true) {
    throw new CliError(
      'usage',
      '--input - reads Y4M from stdin, but stdin is a terminal; pipe a stream in, e.g. ffmpeg -i clip.mp4 -f yuv4mpegpipe - | camstream capture --input -',
    );
  }
  return openY4mStream(stdin, {
    name: 'stdin',
    live: true,
    dropWhenBehind: live,
    close: () => stdin.destroy(),
  });
}
