import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { errorMessage } from '@camstream/core/media';
import { failureReason } from './encoders/ffmpeg-output.js';
import { FfmpegEncoderError } from './errors.js';
import { killFfmpeg, signalFfmpeg, spawnFfmpeg } from './ffmpeg-process.js';
import { PacketCutter } from './packet-cutter.js';

/** Lines of ffmpeg's stderr kept for an error's `logTail`. */
const LOG_TAIL_LINES = 20;

/** How one ffmpeg process ended, once all its output was read. */
export interface RunExit {
  /** The exit code; 128 + the signal number when a signal ended it. */
  readonly exitCode: number;
  /** The signal that ended it, if one did. */
  readonly signal: NodeJS.Signals | null;
  /** The last lines of its stderr. */
  readonly logTail: readonly string[];
  /** Output bytes that no complete packet took (a packet cut short). */
  readonly leftoverBytes: number;
  /** Why camstream killed it (it stalled, its output did not parse), when it did. */
  readonly killedBecause?: string;
}

/**
 * The failure of a run that exited with a non-zero code or was killed, in one line: how, and why (camstream's
 * reason for killing it, else the line of ffmpeg's log that names the cause); the whole tail is `logTail`.
 */
export function exitFailure(exit: RunExit): FfmpegEncoderError {
  const how = exit.signal === null ? `exited with code ${exit.exitCode}` : `was killed (${exit.signal})`;
  const why = exit.killedBecause ?? failureReason(exit.logTail.join('\n'));
  return new FfmpegEncoderError(
    'encoder-failed',
    `ffmpeg ${how}${why === undefined ? ' (no log)' : `: ${why}`}`,
    {
      exitCode: exit.exitCode,
      logTail: exit.logTail,
    },
  );
}

/**
 * How a run's output arrives: `packets` cut whole with the sizes of fd 3 (see {@link PacketCutter}), or the
 * `stream` as it comes, in pieces.
 */
export type RunFraming = 'packets' | 'stream';

/** What a {@link FfmpegRun} reports. */
export interface RunEvents {
  /** The Annex B stream, in order: one complete packet (one access unit) each with `packets` framing, else a piece. */
  packet(packet: Uint8Array): void;
  /** The process ended and its pipes are drained; called once, after the last `packet`. */
  exit(exit: RunExit): void;
}

/**
 * One ffmpeg child process: raw frames go to its stdin, packets come back whole (see {@link PacketCutter}).
 * stdin is a pipe, so when this process dies, however it dies, ffmpeg reads end of file, finishes and exits
 * (its next write to the closed stdout ends it at the latest): no ffmpeg outlives its parent.
 */
export class FfmpegRun {
  private readonly child: ChildProcess;
  private readonly log: string[] = [];
  private stderrRest = '';
  private stdinEnded = false;
  private stuckTimer: NodeJS.Timeout | undefined;
  private killedBecause: string | undefined;

  private constructor(child: ChildProcess, framing: RunFraming, events: RunEvents) {
    this.child = child;
    const cutter = framing === 'packets' ? new PacketCutter((packet) => events.packet(packet)) : undefined;
    let unreadable: unknown;
    const guard = (work: () => void): void => {
      if (unreadable !== undefined) return;
      try {
        work();
      } catch (error) {
        // A packet handler's or the size parser's failure: stop reading and report it with the exit.
        unreadable = error;
        this.killedBecause ??= errorMessage(error);
        signalFfmpeg(child, 'SIGKILL');
      }
    };
    child.stdout?.on('data', () => this.stuckTimer?.refresh());
    if (cutter === undefined) {
      child.stdout?.on('data', (chunk: Buffer) => guard(() => events.packet(chunk)));
    } else {
      const sizes = child.stdio[3] as Readable;
      sizes.setEncoding('latin1');
      child.stdout?.on('data', (chunk: Buffer) => guard(() => cutter.bytes(chunk)));
      sizes.on('data', (text: string) => guard(() => cutter.lines(text)));
    }
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.keepLog(text));
    // EPIPE when ffmpeg has gone: its exit says why.
    child.stdin?.on('error', () => {});
    child.once('close', (code, signal) => {
      clearTimeout(this.stuckTimer);
      if (this.stderrRest.trim() !== '') this.log.push(this.stderrRest.trim());
      const signalNumber = signal === null ? 0 : (constants.signals[signal] ?? 0);
      events.exit({
        exitCode: code ?? 128 + signalNumber,
        signal,
        logTail: this.log.slice(-LOG_TAIL_LINES),
        leftoverBytes: cutter?.pending ?? 0,
        ...(this.killedBecause !== undefined && { killedBecause: this.killedBecause }),
      });
    });
  }

  /**
   * Starts `ffmpegPath` with `args` (with `packets` framing, their output must be the tee described in
   * {@link PacketCutter}) in `env`; resolves once the process runs. Rejects with `ffmpeg-not-found` when it cannot start.
   */
  static start(
    ffmpegPath: string,
    args: readonly string[],
    framing: RunFraming,
    events: RunEvents,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<FfmpegRun> {
    return new Promise<FfmpegRun>((resolve, reject) => {
      const stdio = framing === 'packets' ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
      const child = spawnFfmpeg(ffmpegPath, args, { stdio: stdio as ('pipe' | 'ignore')[], env });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        const code =
          error.code === 'ENOENT' || error.code === 'EACCES' ? 'ffmpeg-not-found' : 'encoder-failed';
        reject(
          new FfmpegEncoderError(
            code,
            `could not start ffmpeg (${JSON.stringify(ffmpegPath)}): ${error.message}`,
            {
              cause: error,
            },
          ),
        );
      });
      child.once('spawn', () => resolve(new FfmpegRun(child, framing, events)));
    });
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid as number;
  }

  /**
   * Writes one frame's pixels to ffmpeg's stdin; `taken` is called once the pipe no longer needs `pixels` (all
   * of it written, or the write failed), and only then may they change.
   */
  write(pixels: Uint8Array, taken: () => void): void {
    if (this.stdinEnded || this.child.stdin == null) taken();
    else this.child.stdin.write(pixels, taken);
  }

  /** Closes stdin: ffmpeg encodes what it has read, flushes and exits. */
  end(): void {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.child.stdin?.end();
  }

  /**
   * From now on ffmpeg only finishes (its input has ended, or it was told to stop): if it writes nothing for
   * `ms` at a time before it exits, it is stuck (a wrapper that never answers, a filter that stalls), and is
   * killed; its exit then says so.
   */
  finishWithin(ms: number): void {
    if (this.stuckTimer !== undefined) return;
    this.stuckTimer = setTimeout(() => {
      this.killedBecause ??= `it wrote nothing for ${ms} ms while finishing`;
      this.kill();
    }, ms);
    this.stuckTimer.unref();
  }

  /** Kills the process (and any it started) at once, and stops reading it: see `killFfmpeg`. */
  kill(): void {
    this.stdinEnded = true;
    killFfmpeg(this.child);
  }

  private keepLog(text: string): void {
    const lines = (this.stderrRest + text).split('\n');
    this.stderrRest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.log.push(line.trimEnd());
    if (this.log.length > LOG_TAIL_LINES * 2) this.log.splice(0, this.log.length - LOG_TAIL_LINES);
  }
}
