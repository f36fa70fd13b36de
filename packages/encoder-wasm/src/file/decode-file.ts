import { type FileHandle, open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { RawFrame } from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { decodeArgs } from './decode-args.js';
import {
  type DecodeFileOptions,
  type ResolvedDecodeOptions,
  resolveDecodeOptions,
} from './decode-options.js';
import { DECODE_INPUT_DIR, DECODE_OUTPUT, type DecodeWorkerMessage } from './decode-protocol.js';
import { DecodeRun } from './decode-run.js';

/**
 * Decodes the first video stream of a file with ffmpeg.wasm in a worker thread: I420 frames, each with the
 * demuxer's own timestamp (bigint ns; variable frame rate kept, no frame duplicated or dropped). Streaming: the
 * file is read in place, range by range, and at most `maxFramesAhead` decoded frames wait for the consumer.
 *
 * Inputs: anything ffmpeg.wasm demuxes and decodes (mp4, mkv, webm, y4m, …), raw `.yuv` (give `size` and
 * `pixFmt`), Annex B `.h264`/`.h265` (timestamps from `framerate`, default 25 fps).
 *
 * Throws (as {@link EncoderError}): `file-not-found`, `file-unreadable`, `invalid-raw-size` (a raw file that is
 * not a whole number of frames), `no-video-stream`, `corrupt-input` (ffmpeg could not read the file, with its
 * exit code and log tail; or, with `strict`, it reported damage: thrown after the frames that did decode),
 * `invalid-options`, `unsupported-format`, `aborted`. Ending the iteration early stops the worker.
 */
export async function* decodeFile(
  path: string,
  options: DecodeFileOptions = {},
): AsyncGenerator<RawFrame, void, undefined> {
  const o = resolveDecodeOptions(path, options);
  const signal = options.signal;
  throwIfAborted(signal);
  // The extension is kept: ffmpeg's probe weighs it.
  const inputName = `input${/^\.[A-Za-z0-9]{1,8}$/.test(extname(path)) ? extname(path) : ''}`;
  const mounted = `${DECODE_INPUT_DIR}/${inputName}`;
  const { handle, size } = await openInput(path);
  let run: DecodeRun | undefined;
  const onAbort = (): void =>
    run?.fail(new EncoderError('aborted', `decoding ${path} was aborted`, { cause: signal?.reason }));
  try {
    const rawFrames = o.raw === undefined ? undefined : rawFrameCount(path, size, o.raw.frameBytes);
    run = await DecodeRun.start({
      args: decodeArgs(o, mounted, DECODE_OUTPUT),
      fd: handle.fd,
      fileSize: size,
      inputName,
      scale: o.scale,
      constantRate: o.constantRate,
      maxFramesAhead: o.maxFramesAhead,
      rawFrames,
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    throwIfAborted(signal);
    let index = 0;
    for await (const message of run.messages()) {
      if (message.type === 'frame') {
        run.frameTaken();
        const { data, pts, width, height } = message;
        yield { format: 'I420', width, height, data, pts, index: index++ };
      } else if (message.type === 'info') {
        options.onInfo?.(message.info);
      } else if (message.type !== 'blocked') {
        finish(path, mounted, o, message);
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The worker reads through this descriptor: it must be gone before the descriptor is closed.
    await run?.stop();
    await handle.close();
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EncoderError('aborted', 'the decode was aborted', { cause: signal.reason });
}

/** Opens `path` for reading; maps the file system's refusals to typed errors. */
async function openInput(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new EncoderError('file-not-found', `${path}: no such file (expected a video file to decode)`, {
        cause: error,
      });
    throw new EncoderError('file-unreadable', `${path} cannot be opened for reading (${code ?? 'error'})`, {
      cause: error,
    });
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new EncoderError(
      'file-unreadable',
      `${path} is not a regular file (expected a video file to decode)`,
    );
  }
  return { handle, size: stat.size };
}

function rawFrameCount(path: string, size: number, frameBytes: number): number {
  if (size % frameBytes !== 0) {
    throw new EncoderError(
      'invalid-raw-size',
      `${basename(path)} holds ${size} bytes, not a whole number of ${frameBytes}-byte frames (${Math.floor(size / frameBytes)} frames and ${size % frameBytes} bytes over): check size and pixFmt`,
    );
  }
  return size / frameBytes;
}

/** Turns the worker's last message into success or the typed error it stands for. */
function finish(
  path: string,
  mounted: string,
  o: ResolvedDecodeOptions,
  message: Exclude<DecodeWorkerMessage, { type: 'frame' | 'info' | 'blocked' }>,
): void {
  if (message.type === 'failed')
    throw new EncoderError(message.code as EncoderError['code'], `decoding ${path}: ${message.message}`);
  // ffmpeg names the file by its mount point in the worker; the user knows it by `path`.
  const ours = (lines: readonly string[]): string[] => lines.map((line) => line.replaceAll(mounted, path));
  const { exitCode } = message;
  const logTail = ours(message.logTail);
  const damage = ours(message.damage);
  const evidence = damage.length > 0 ? damage : logTail;
  const said = evidence.length > 0 ? `:\n  ${evidence.join('\n  ')}` : ' (no log)';
  if (exitCode !== 0) {
    if (logTail.some((line) => line.includes('matches no streams')))
      throw new EncoderError('no-video-stream', `${path} has no video stream`, { exitCode, logTail });
    throw new EncoderError(
      'corrupt-input',
      `ffmpeg could not read ${path} as video (exit code ${exitCode})${said}`,
      { exitCode, logTail: evidence },
    );
  }
  if (o.strict && damage.length > 0) {
    throw new EncoderError(
      'corrupt-input',
      `${path} is damaged (truncated or corrupt; ${message.frames} frames decoded; pass strict: false to accept that)${said}`,
      { exitCode, logTail: damage },
    );
  }
}
