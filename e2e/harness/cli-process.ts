import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The built `camstream` binary, run as a user would: `node packages/cli/dist/bin.js …`. */
export const CLI_BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

/** How a CLI run ended and what it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `camstream` process. */
export interface CliProcess {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first stdout or stderr match of `pattern` (rejects if the process ends first). */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  /** Resolves when the process has ended. */
  readonly done: Promise<CliResult>;
  /** A terminal's Ctrl-C: SIGINT to every process of its group (started with `processGroup`). */
  ctrlC(): void;
}

/** Options of {@link startCli}. */
export interface StartCliOptions {
  /** Run as this user id (and group): a root test runner cannot otherwise meet a permission error. */
  readonly uid?: number;
  /** Environment variables to set or override (e.g. a PATH without ffmpeg). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the process after this long (default 100 s) so a hung run fails instead of blocking CI. */
  readonly timeoutMs?: number;
  /**
   * Run it in a process group of its own, as a shell runs a command in a terminal, so that
   * {@link CliProcess.ctrlC} can signal the whole group as the terminal's Ctrl-C does.
   */
  readonly processGroup?: boolean;
}

/** Throws a clear error when the CLI has not been built. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_BIN))
    throw new Error(`${CLI_BIN} is missing: run pnpm --filter @camstream/cli... build first`);
}

/** Starts `camstream …args`; stdin is a pipe the caller may write to or end. */
export function startCli(args: readonly string[], options: StartCliOptions = {}): CliProcess {
  assertCliBuilt();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    detached: options.processGroup === true,
  });
  const signalAll = (signal: NodeJS.Signals): void => {
    if (options.processGroup === true && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  };
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const w of watchers) w();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    for (const w of watchers) w();
  });
  // A CLI that exits before reading its stdin closes the pipe: that is not the test's failure.
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => signalAll('SIGKILL'), options.timeoutMs ?? 100_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of watchers) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  return {
    child,
    done,
    output: () => ({ stdout, stderr }),
    ctrlC: () => {
      if (options.processGroup !== true) throw new Error('ctrlC() needs startCli(…, { processGroup: true })');
      signalAll('SIGINT');
    },
    waitFor(pattern, stream) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const text = stream === 'stdout' ? stdout : stream === 'stderr' ? stderr : `${stdout}\n${stderr}`;
          const match = pattern.exec(text);
          if (match !== null) {
            watchers.delete(check);
            resolve(match);
          } else if (ended || child.exitCode !== null) {
            watchers.delete(check);
            reject(new Error(`camstream ended before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        watchers.add(check);
        check();
      });
    },
  };
}

/** Runs `camstream …args` to the end, feeding `stdin` when given. */
export async function runCli(
  args: readonly string[],
  options: StartCliOptions & { readonly stdin?: Uint8Array | Readable } = {},
): Promise<CliResult> {
  const cli = startCli(args, options);
  const input = options.stdin;
  if (input === undefined) cli.child.stdin.end();
  else if (input instanceof Uint8Array) cli.child.stdin.end(input);
  else input.pipe(cli.child.stdin);
  return cli.done;
}

/**
 * The arguments of a real-time `camstream capture` of the test pattern (320x180, x264 ultrafast, ffmpeg.wasm
 * unless `encoder` says otherwise) saved to `save`, then `more` flags.
 */
export function realtimeCaptureArgs(
  save: string,
  recordingId: string,
  more: readonly string[] = [],
  encoder = 'wasm',
): string[] {
  return [
    'capture',
    '--encoder',
    encoder,
    '--realtime',
    '--size',
    '320x180',
    '--preset',
    'ultrafast',
    '--save',
    save,
    '--recording-id',
    recordingId,
    ...more,
  ];
}

/** The port of the `http://127.0.0.1:PORT` line that a capture with `--serve 127.0.0.1:0` prints on stdout. */
export async function servedPort(cli: CliProcess): Promise<number> {
  const [, port] = await cli.waitFor(/^http:\/\/127\.0\.0\.1:(\d+)$/m, 'stdout');
  return Number(port);
}
