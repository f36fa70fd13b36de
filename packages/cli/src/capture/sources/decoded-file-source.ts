import type { RawFrame } from '@camstream/core';
import { decodeFile, type FileInfo } from '@camstream/encoder-wasm';
import { CliError } from '../../errors.js';
import type { FrameSource } from './frame-source.js';

/** Options of {@link openDecodedFileSource}. */
export interface DecodedFileOptions {
  /** Scale the pictures to this size (default: the file's). */
  readonly size?: { readonly width: number; readonly height: number };
  /** Frame rate of inputs without timestamps (Annex B `.h264`/`.h265`). */
  readonly rate?: { readonly num: number; readonly den: number };
}

/**
 * A video file in any container ffmpeg.wasm reads (mp4, mkv, webm, mov, Annex B h264/h265, …) through
 * encoder-wasm's `decodeFile`: I420 frames with the file's own timestamps. The first frame is read on open,
 * so the size is known before the encoder starts.
 */
export async function openDecodedFileSource(
  path: string,
  options: DecodedFileOptions = {},
): Promise<FrameSource> {
  const stop = new AbortController();
  let info: FileInfo | undefined;
  const frames = decodeFile(path, {
    signal: stop.signal,
    onInfo: (i) => {
      info = i;
    },
    ...(options.size !== undefined && { width: options.size.width, height: options.size.height }),
    ...(options.rate !== undefined && { framerate: options.rate }),
  });
  const first = await frames.next();
  if (first.done === true) throw new CliError('input', `${path} holds no video frames`);
  const frame = first.value;
  const fps = info?.fps ?? options.rate ?? { num: 25, den: 1 };
  let stopped = false;
  async function* all(): AsyncGenerator<RawFrame, void, undefined> {
    yield frame;
    // Ending early (a limit, Ctrl-C) returns the generator, which stops the decoding worker.
    for await (const next of frames) {
      if (stopped) break;
      yield next;
    }
  }
  return {
    name: path,
    width: frame.width,
    height: frame.height,
    fpsNum: fps.num,
    fpsDen: fps.den,
    pixelFormat: 'I420',
    live: false,
    dropWhenBehind: false,
    totalFrames: info?.framesEstimate,
    frames: all,
    close: () => {
      stopped = true;
    },
  };
}
