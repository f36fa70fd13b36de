import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { errorMessage } from '@camstream/core/media';
import { killFfmpeg, spawnFfmpeg } from '@camstream/encoder-ffmpeg';
import { CliError } from '../errors.js';
import { type CameraPlatform, FFMPEG_INSTALL_HINT } from './camera-platform.js';

/** What a finished ffmpeg run left: its stderr (where listings go) and its exit code. */
export interface FfmpegRun {
  readonly stderr: string;
  /** `null` when it was stopped after `timeoutMs`. */
  readonly code: number | null;
}

/**
 * Runs `ffmpeg args…` to its end and returns its stderr. A missing ffmpeg is a `runtime` CliError that says
 * how to install it (`what` names what needed it). A run longer than `timeoutMs` (a driver that hangs) is
 * stopped and returns what it printed.
 */
export function runFfmpeg(
  ffmpeg: string,
  args: readonly string[],
  options: { readonly platform: CameraPlatform; readonly what: string; readonly timeoutMs?: number },
): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawnFfmpeg(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] }) as ChildProcessByStdio<
      null,
      null,
      Readable
    >;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      // Listings are a few KB; the cap only guards against a runaway log.
      if (stderr.length < 1 << 20) stderr += text;
    });
    const timer = setTimeout(() => killFfmpeg(child), options.timeoutMs ?? 10_000);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new CliError(
              'runtime',
              `${options.what} needs the system's ffmpeg, and "${ffmpeg}" was not found; install it (${FFMPEG_INSTALL_HINT[options.platform]}) or give its path with --ffmpeg PATH`,
              { cause: error },
            )
          : new CliError('runtime', `"${ffmpeg}" could not be run: ${errorMessage(error)}`, { cause: error }),
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stderr, code });
    });
  });
}
