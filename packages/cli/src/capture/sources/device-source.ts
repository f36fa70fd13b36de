import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { CliError } from '../../errors.js';
import type { FrameRate, FrameSize } from '../flags.js';
import type { FrameSource } from './frame-source.js';
import { openY4mStream } from './y4m-stream.js';

/** Options of {@link openDeviceSource}. */
export interface DeviceOptions {
  /** Asked of the camera (`-video_size`); its default mode otherwise. */
  readonly size?: FrameSize;
  /** Asked of the camera (`-framerate`); its default rate otherwise. */
  readonly rate?: FrameRate;
  /** The ffmpeg to run (default `ffmpeg` on the PATH). */
  readonly ffmpeg?: string;
}

/**
 * A V4L2 camera through the system's ffmpeg (`-f v4l2 … -f yuv4mpegpipe -`), read as Y4M. ffmpeg.wasm cannot
 * open devices, so this needs a native ffmpeg; when there is none, the error says how to get one.
 */
export async function openDeviceSource(device: string, options: DeviceOptions = {}): Promise<FrameSource> {
  try {
    const stats = await stat(device);
    if (!stats.isCharacterDevice()) {
      throw new CliError(
        'input',
        `${device} is not a video device; expected a V4L2 device such as /dev/video0`,
      );
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      'input',
      `${device} does not exist; is the camera plugged in? List cameras with: v4l2-ctl --list-devices (or ls /dev/video*)`,
      { cause: error },
    );
  }
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'v4l2'];
  if (options.rate !== undefined) args.push('-framerate', `${options.rate.num}/${options.rate.den}`);
  if (options.size !== undefined) args.push('-video_size', `${options.size.width}x${options.size.height}`);
  args.push('-i', device, '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', '-');
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (error: NodeJS.ErrnoException) => {
    spawnError = error;
    child.stdout.destroy();
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const explain = async (error: unknown): Promise<unknown> => {
    // ffmpeg's complaint may arrive after its stdout ended: wait (briefly) for it to exit.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    if (spawnError?.code === 'ENOENT') {
      return new CliError(
        'runtime',
        `--device needs the system's ffmpeg, and "${ffmpeg}" was not found; install it (apt install ffmpeg) or pipe Y4M in: ffmpeg -f v4l2 -i ${device} -f yuv4mpegpipe - | camstream capture --input -`,
        { cause: spawnError },
      );
    }
    if (stopping) return error;
    const last = stderr.trim().split('\n').at(-1);
    if (last !== undefined && last.length > 0) {
      return new CliError('input', `${device}: ffmpeg could not read the camera: ${last}`, { cause: error });
    }
    return error;
  };
  return openY4mStream(child.stdout, {
    name: device,
    live: true,
    dropWhenBehind: true,
    explain,
    close: () => {
      stopping = true;
      // SIGINT lets ffmpeg close the device cleanly.
      if (child.exitCode === null) child.kill('SIGINT');
    },
  });
}
