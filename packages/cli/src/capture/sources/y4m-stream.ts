import type { RawFrame } from '@camstream/core';
import { Y4mParser } from '@camstream/core';
import { CliError } from '../../errors.js';
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
}

/**
 * A {@link FrameSource} over a Y4M byte stream: reads until the header is parsed (so size and rate are known),
 * then streams frames through the core's Y4M parser. A truncated last frame is a `y4m-truncated` SourceError.
 */
export async function openY4mStream(
  bytes: AsyncIterable<Uint8Array>,
  options: Y4mStreamOptions,
): Promise<FrameSource> {
  const parser = new Y4mParser(options.name);
  const iterator = bytes[Symbol.asyncIterator]();
  const early: RawFrame[] = [];
  const explain = options.explain ?? ((error: unknown) => error);
  try {
    while (parser.header === undefined) {
      const next = await iterator.next();
      if (next.done === true) {
        parser.end(); // throws: no complete header
        break;
      }
      early.push(...parser.push(next.value));
    }
  } catch (error) {
    // Explain first: closing marks the producer as stopped on purpose, which silences its complaints.
    const explained = await explain(error);
    options.close();
    throw explained;
  }
  const header = parser.header;
  if (header === undefined) throw new CliError('input', `${options.name}: no Y4M header`);
  async function* frames(): AsyncGenerator<RawFrame, void, undefined> {
    yield* early;
    early.length = 0;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        yield* parser.push(next.value);
      }
    } catch (error) {
      throw await explain(error);
    }
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
