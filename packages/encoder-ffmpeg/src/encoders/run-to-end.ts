import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { killFfmpeg, spawnFfmpeg } from '../ffmpeg-process.js';

/** How a short ffmpeg run ended. */
export interface FinishedRun {
  /** The exit code, or `null` when a signal (the timeout, an abort) ended it. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The run was killed because it outlasted its timeout. */
  readonly timedOut: boolean;
}

/** Options of {@link runToEnd}. */
export interface RunToEndOptions {
  /** Bytes written to stdin, which is then closed. */
  readonly stdin?: Uint8Array;
  /** Kill the process (SIGKILL) after this many milliseconds. */
  readonly timeoutMs: number;
  /** Kills the process when it fires; the run then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `command` to its end and collects its output. Rejects with the spawn error (`ENOENT` for a missing
 * executable) or the abort reason; a non-zero exit or the timeout resolves, for the caller to judge.
 */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: RunToEndOptions,
): Promise<FinishedRun> {
  return new Promise<FinishedRun>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawnFfmpeg(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killFfmpeg(child);
    }, options.timeoutMs);
    const onAbort = (): void => killFfmpeg(child);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    // EPIPE when the process exits before reading its input: its exit says why.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('close', (exitCode) => {
      done();
      if (signal?.aborted) reject(signal.reason);
      else resolve({ exitCode, stdout, stderr, timedOut });
    });
  });
}
