import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { CliError } from '../errors.js';
import { checkFrameSize } from './frame-limits.js';
import type { CaptureOptions } from './options.js';
import type { SourceOptions } from './source-plan.js';
import { openDecodedFileSource } from './sources/decoded-file-source.js';
import { openDeviceSource } from './sources/device-source.js';
import type { FrameSource } from './sources/frame-source.js';
import { checkInputFile } from './sources/input-path.js';
import { openRawFileSource } from './sources/raw-file-source.js';
import { openStdinSource } from './sources/stdin-source.js';
import { openTestSource } from './sources/test-source.js';
import { countY4mFrames } from './sources/y4m-file-frames.js';
import { openY4mStream } from './sources/y4m-stream.js';

/** The test pattern's size and rate when none is given. */
export const DEFAULT_SIZE = { width: 1280, height: 720 } as const;
export const DEFAULT_FPS = 30;

/**
 * Opens the source `options` name: the test pattern (default), `--input FILE`, `--input -` or `--device`.
 * `reuseBuffer` lets the test pattern render into one buffer (batch mode copies each frame at once); `signal`
 * stops a camera that is still opening. Sources whose frames the encoder cannot take (odd sides, beyond H.264
 * level 6.2) are refused (`input`).
 */
export async function openSource(
  options: SourceOptions,
  reuseBuffer: boolean,
  signal?: AbortSignal,
): Promise<FrameSource> {
  const source = await openAny(options, reuseBuffer, signal);
  // A camera's mode or a decoded file's size is known only now; the encoder cannot take every size.
  try {
    checkFrameSize(source.width, source.height, source.name, 'input');
  } catch (error) {
    source.close();
    throw error;
  }
  return source;
}

async function openAny(
  options: SourceOptions,
  reuseBuffer: boolean,
  signal: AbortSignal | undefined,
): Promise<FrameSource> {
  if (options.input !== undefined && options.device !== undefined) {
    throw new CliError('usage', '--input and --device both name a source; give one of them');
  }
  if (options.live === true && options.input !== '-') {
    throw new CliError(
      'usage',
      '--live applies to --input - (a camera piped in on stdin); cameras (--device) and the paced pattern drop frames already, files never do',
    );
  }
  const fpsNum = options.fpsNum ?? DEFAULT_FPS;
  const fpsDen = options.fpsDen ?? 1;
  if (options.device !== undefined) {
    return openDeviceSource(options.device, {
      ...(options.width !== undefined && options.height !== undefined
        ? { size: { width: options.width, height: options.height } }
        : {}),
      ...(options.fpsNum !== undefined ? { rate: { num: fpsNum, den: fpsDen } } : {}),
      ...(options.ffmpegPath !== undefined && { ffmpeg: options.ffmpegPath }),
      ...(signal !== undefined && { signal }),
    });
  }
  if (options.input === '-') {
    const source = await openStdinSource(options.stdin, options.live === true);
    checkSize(source, options);
    return source;
  }
  if (options.input !== undefined) return openFile(options.input, options);
  return openTestSource({
    width: options.width ?? DEFAULT_SIZE.width,
    height: options.height ?? DEFAULT_SIZE.height,
    fpsNum,
    fpsDen,
    frames: boundedFrames(options, fpsNum / fpsDen),
    reuseBuffer,
    ...(options.hue !== undefined && { hue: options.hue }),
    ...(options.stamp === true && { stamp: true }),
  });
}

/** Frames a bounded test pattern gives: `--frames`, `--duration` × fps, whichever is fewer. */
function boundedFrames(options: CaptureOptions, fps: number): number | undefined {
  const byDuration =
    options.durationSeconds === undefined ? undefined : Math.ceil(options.durationSeconds * fps);
  if (options.frames === undefined) return byDuration;
  return byDuration === undefined ? options.frames : Math.min(options.frames, byDuration);
}

async function openFile(path: string, options: CaptureOptions): Promise<FrameSource> {
  const bytes = await checkInputFile(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.yuv' || ext === '.raw') {
    if (options.width === undefined || options.height === undefined) {
      throw new CliError(
        'usage',
        `${path} is raw video without a header; give its size with --size WIDTHxHEIGHT (and --pix-fmt, --fps)`,
      );
    }
    return openRawFileSource(path, {
      width: options.width,
      height: options.height,
      fpsNum: options.fpsNum ?? DEFAULT_FPS,
      fpsDen: options.fpsDen ?? 1,
      pixelFormat: options.pixelFormat ?? 'I420',
      fileBytes: bytes,
    });
  }
  if (ext === '.y4m') {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    const source = await openY4mStream(stream, {
      name: path,
      live: false,
      dropWhenBehind: false,
      close: () => stream.destroy(),
    });
    checkSize(source, options);
    const { width, height } = source;
    return {
      ...source,
      file: { path, container: 'y4m', wholeFrames: () => countY4mFrames(path, bytes, width, height) },
    };
  }
  return openDecodedFileSource(path, {
    ...(options.width !== undefined &&
      options.height !== undefined && {
        size: { width: options.width, height: options.height },
      }),
    ...(options.fpsNum !== undefined && { rate: { num: options.fpsNum, den: options.fpsDen ?? 1 } }),
  });
}

/** Y4M carries its own size: a different `--size` is a mistake worth naming. */
function checkSize(source: FrameSource, options: CaptureOptions): void {
  if (options.width === undefined || options.height === undefined) return;
  if (options.width !== source.width || options.height !== source.height) {
    source.close();
    throw new CliError(
      'usage',
      `--size ${options.width}x${options.height} does not match ${source.name}'s Y4M header (${source.width}x${source.height}); drop --size, Y4M carries its own`,
    );
  }
}
