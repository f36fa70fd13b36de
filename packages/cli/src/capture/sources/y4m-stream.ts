import type { RawFrame } from '@camstream/core';
import { Y4mParser } from '@camstream/core';
import { CliError } from '../../errors.js';
import { checkFrameSize } from '../frame-limits.js';
import type { FrameSource } from './frame-source.js';

/** Options of {@link openY4mStream}. */
export interface Y4mStreamOptions {
  /** Names the input in messages (`stdin`, a path, a device). */
  readonly name: string;
  readonly live: boolean;
  /** See {@link FrameSource.dropWhenBehind}. */
  readonly dropWhenBehind: boolean;
  readonly totalFrames?: number;
  /** Stops the producer (destroys the stream, kills ffmpeg). */
  readonly close: () => void;
  /** Turns an error of the underlying stream (EIO, ffmpeg's exit) into a clearer one; may wait (for a log). */
  readonly explain?: (error: unknown) => unknown;
  /**
   * Called when the stream has ended: the producer's failure, if it failed (a camera's ffmpeg that exited with
   * an error ends its stdout like one that finished), to be thrown instead of ending quietly.
   */
  readonly failure?: () => Promise<unknown>;
}

/**
 * A {@link FrameSource} over a Y4M byte stream: reads until the header is parsed (so size and rate are known)
 * and refuses sizes the encoder cannot take, then streams frames through the core's Y4M parser. A truncated
 * last frame is a `y4m-truncated` SourceError.
 */
export async function openY4mStream(
  bytes: AsyncIterable<Uint8Array>,
  options: Y4mStreamOptions,
): Promise<FrameSource> {
  const parser = new Y4mParser(options.name);
  const iterator = bytes[Symbol.asyncIterator]();
  // Bytes after the header line: the parser sees them only once the header's size is known to be encodable,
  // since it allocates a whole frame on the first FRAME line (a forged W1000000 must not take terabytes).
  let rest: Uint8Array | undefined;
  const explain = options.explain ?? ((error: unknown) => error);
  try {
    while (parser.header === undefined) {
      const next = await iterator.next();
      if (next.done === true) {
        parser.end(); // throws: no complete header
        break;
      }
      const piece = next.value;
      const newline = piece.indexOf(0x0a);
      parser.push(newline < 0 ? piece : piece.subarray(0, newline + 1));
      if (newline >= 0 && newline + 1 < piece.byteLength) rest = piece.subarray(newline + 1);
    }
  } catch (error) {
    // Explain first: closing marks the producer as stopped on purpose, which silences its complaints.
    const explained = await explain(error);
    options.close();
    throw explained;
  }
  const header = parser.header;
  if (header === undefined) throw new CliError('input', `${options.name}: no Y4M header`);
  try {
    checkFrameSize(header.width, header.height, `${options.name}'s Y4M header`, 'input');
  } catch (error) {
    options.close();
    throw error;
  }
  async function* frames(): AsyncGenerator<RawFrame, void, undefined> {
    try {
      if (rest !== undefined) yield* parser.push(rest);
      rest = undefined;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        yield* parser.push(next.value);
      }
    } catch (error) {
      throw await explain(error);
    }
    const failure = await options.failure?.();
    if (failure !== undefined) throw failure;
    parser.end();
  }
  return {
    name: options.name,
    width: header.width,
    height: header.height,
    fpsNum: header.fpsNum,
    fpsDen: header.fpsDen,
    pixelFormat: 'I420',
    live: options.live,
    dropWhenBehind: options.dropWhenBehind,
    totalFrames: options.totalFrames,
    frames,
    close: options.close,
  };
}
