import type { ChildProcessByStdio } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { frameByteLength } from '@camstream/core';
import { ffmpegEnv, killFfmpeg, signalFfmpeg, spawnFfmpeg } from '@camstream/encoder-ffmpeg';
import {
  type CameraPlatform,
  cameraPlatform,
  FFMPEG_INSTALL_HINT,
  HOW_TO_NAME_A_CAMERA,
} from '../../devices/camera-platform.js';
import { deviceInputArgs } from '../../devices/input-args.js';
import { shellWord } from '../../devices/shell-word.js';
import { CliError } from '../../errors.js';
import type { FrameRate, FrameSize } from '../flags.js';
import type { FrameSource } from './frame-source.js';
import { openY4mStream } from './y4m-stream.js';

/** Options of {@link openDeviceSource}. */
export interface DeviceOptions {
  /** Asked of the camera (`-video_size`); its default mode otherwise. */
  readonly size?: FrameSize;
  /** Asked of the camera (`-framerate`); its default rate otherwise (macOS: 30, see `deviceInputArgs`). */
  readonly rate?: FrameRate;
  /** The ffmpeg to run (default `ffmpeg` on the PATH). */
  readonly ffmpeg?: string;
  /** Whose camera input to use, as `process.platform` names it (default: this one's). */
  readonly platform?: string;
  /** Stops a camera that is still opening (its ffmpeg is killed; the open rejects). */
  readonly signal?: AbortSignal;
}

/** How long the camera's ffmpeg has to close the device after SIGINT before it is killed. */
const CAMERA_STOP_MS = 3000;

/** A frame size to plan ffmpeg's memory for when the camera's own mode is not known before it opens. */
const UNKNOWN_CAMERA_SIZE: FrameSize = { width: 1920, height: 1080 };

/**
 * The camera's ffmpeg converts and writes a frame-sized buffer per frame, as the encoder's does: the same
 * malloc settings keep those buffers on the heap instead of mapped and unmapped at every frame.
 */
function cameraFfmpegEnv(size: FrameSize = UNKNOWN_CAMERA_SIZE): NodeJS.ProcessEnv {
  return ffmpegEnv(frameByteLength('I420', size.width, size.height));
}

/**
 * A camera through the system's ffmpeg (V4L2 on Linux, AVFoundation on macOS, DirectShow on Windows;
 * `… -f yuv4mpegpipe -`), read as Y4M so that capture time and drops stay known here. ffmpeg.wasm cannot
 * open devices, so this needs a native ffmpeg; when there is none, the error says how to get one.
 */
export async function openDeviceSource(device: string, options: DeviceOptions = {}): Promise<FrameSource> {
  const platformName = options.platform ?? process.platform;
  const platform = cameraPlatform(platformName);
  if (platform === undefined) {
    throw new CliError(
      'runtime',
      `--device opens cameras on Linux, macOS and Windows, not on ${platformName}; pipe Y4M from a camera tool into camstream capture --input - instead`,
    );
  }
  // Only V4L2 devices are paths; AVFoundation and DirectShow cameras are indexes and names ffmpeg resolves.
  if (platform === 'linux') await checkV4l2Device(device);
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const input = deviceInputArgs(platform, device, {
    ...(options.size !== undefined && { size: options.size }),
    ...(options.rate !== undefined && { rate: options.rate }),
  });
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input];
  args.push('-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', '-');
  // A process group of its own (see `spawnFfmpeg`): a terminal's Ctrl-C reaches camstream alone, which stops
  // the camera in order (`close`).
  const child = spawnFfmpeg(ffmpeg, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cameraFfmpegEnv(options.size),
  }) as ChildProcessByStdio<null, Readable, Readable>;
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
  // ffmpeg's complaint and exit code may arrive after its stdout ended: wait (briefly) for it to exit.
  const settled = (): Promise<unknown> =>
    Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  const lastLogLine = (): string | undefined => {
    const last = stderr.trim().split('\n').at(-1);
    return last === undefined || last.length === 0 ? undefined : last;
  };
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // SIGINT lets ffmpeg close the device cleanly; one that does not exit in time is stuck, and killed.
    signalFfmpeg(child, 'SIGINT');
    const kill = setTimeout(() => killFfmpeg(child), CAMERA_STOP_MS);
    // Not on its exit: what it started may still hold its stdout.
    child.once('close', () => clearTimeout(kill));
  };
  const explain = async (error: unknown): Promise<unknown> => {
    await settled();
    if (spawnError?.code === 'ENOENT') {
      return new CliError(
        'runtime',
        `--device needs the system's ffmpeg, and "${ffmpeg}" was not found; install it (${FFMPEG_INSTALL_HINT[platform]}) or pipe Y4M in: ffmpeg ${input.map(shellWord).join(' ')} -f yuv4mpegpipe - | camstream capture --input -`,
        { cause: spawnError },
      );
    }
    if (stopping) return error;
    const last = lastLogLine();
    if (last !== undefined) {
      return new CliError(
        'input',
        `${device}: ffmpeg could not read the camera: ${last}; ${LIST_HINT[platform]}`,
        { cause: error },
      );
    }
    return error;
  };
  const onAbort = (): void => {
    stop();
    child.stdout.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    return await openY4mStream(child.stdout, {
      name: device,
      live: true,
      dropWhenBehind: true,
      explain,
      failure: async () => {
        await settled();
        if (stopping || child.exitCode === 0) return undefined;
        const how =
          child.signalCode !== null
            ? `was killed (${child.signalCode})`
            : child.exitCode !== null
              ? `exited with code ${child.exitCode}`
              : 'closed its output';
        const last = lastLogLine();
        return new CliError(
          'runtime',
          `${device}: the camera's ffmpeg ${how}${last === undefined ? '' : `: ${last}`}`,
        );
      },
      close: stop,
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** What to try when a camera cannot be opened, per platform. */
const LIST_HINT: Readonly<Record<CameraPlatform, string>> = {
  linux: 'list cameras with: camstream devices',
  darwin: `list cameras with: camstream devices (--device takes ${HOW_TO_NAME_A_CAMERA.darwin})`,
  win32: `list cameras with: camstream devices (--device takes ${HOW_TO_NAME_A_CAMERA.win32})`,
};

/** A V4L2 camera is a character device: anything else is refused before ffmpeg is asked. */
async function checkV4l2Device(device: string): Promise<void> {
  try {
    const stats = await stat(device);
    if (!stats.isCharacterDevice()) {
      throw new CliError(
        'input',
        `${device} is not a video device; expected a V4L2 device such as /dev/video0 (list them with: camstream devices)`,
      );
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      'input',
      `${device} does not exist; is the camera plugged in? List cameras with: camstream devices`,
      { cause: error },
    );
  }
}
