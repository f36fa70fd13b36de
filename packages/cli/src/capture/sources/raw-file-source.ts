import { open } from 'node:fs/promises';
import { frameByteLength, frameTime, type PixelFormat, type RawFrame } from '@camstream/core';
import { CliError } from '../../errors.js';
import type { FrameSource } from './frame-source.js';
import { fileError } from './input-path.js';

/** Options of {@link openRawFileSource}. */
export interface RawFileOptions {
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  readonly pixelFormat: PixelFormat;
  /** Size of the file, bytes (from `checkInputFile`). */
  readonly fileBytes: number;
}

const FORMAT_NAMES: Record<PixelFormat, string> = { I420: 'yuv420p', NV12: 'nv12', RGBA: 'rgba' };

/**
 * Raw `.yuv` frames packed back to back (no header), at the `--size`/`--pix-fmt`/`--fps` the user gives.
 * The file's length must be a whole number of frames, which catches most wrong `--size` values up front.
 */
export async function openRawFileSource(path: string, options: RawFileOptions): Promise<FrameSource> {
  const frameBytes = frameByteLength(options.pixelFormat, options.width, options.height);
  if (options.fileBytes % frameBytes !== 0) {
    const fmt = FORMAT_NAMES[options.pixelFormat];
    throw new CliError(
      'usage',
      `${path} is ${options.fileBytes} bytes, not a whole number of ${options.width}x${options.height} ${fmt} frames (${frameBytes} bytes each); check --size and --pix-fmt`,
    );
  }
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(path, error);
  });
  const total = options.fileBytes / frameBytes;
  let stopped = false;
  async function* frames(): AsyncGenerator<RawFrame, void, undefined> {
    try {
      for (let index = 0; index < total && !stopped; index++) {
        const data = new Uint8Array(frameBytes);
        const { bytesRead } = await handle.read(data, 0, frameBytes, index * frameBytes);
        if (bytesRead !== frameBytes) {
          throw new CliError(
            'input',
            `${path} ended inside frame ${index} (the file shrank while being read)`,
          );
        }
        const pts = frameTime(index, options.fpsNum, options.fpsDen);
        yield { format: options.pixelFormat, width: options.width, height: options.height, data, pts, index };
      }
    } finally {
      await handle.close();
    }
  }
  return {
    name: path,
    width: options.width,
    height: options.height,
    fpsNum: options.fpsNum,
    fpsDen: options.fpsDen,
    pixelFormat: options.pixelFormat,
    live: false,
    dropWhenBehind: false,
    totalFrames: total,
    file: { path, container: 'raw', wholeFrames: () => total },
    frames,
    close: () => {
      stopped = true;
    },
  };
}
