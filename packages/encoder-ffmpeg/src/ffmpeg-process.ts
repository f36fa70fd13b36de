import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * ffmpeg processes started by {@link spawnFfmpeg} whose pipes are not all closed yet: running, or exited while
 * something it started (a wrapper's ffmpeg) still holds them, so its group is still there.
 */
const running = new Set<ChildProcess>();
let exitHookAdded = false;

/**
 * Starts ffmpeg (or a wrapper of it) in a process group of its own, for the encoder, the encoder probes and a
 * camera: a terminal's Ctrl-C then reaches this process alone, which ends ffmpeg in order (what it holds is
 * flushed) instead of ffmpeg stopping mid-stream on the signal. Since the terminal no longer signals ffmpeg,
 * this process ends it when it exits (`process.exit`, an uncaught error): every group still running gets
 * SIGKILL, so an ffmpeg that stopped reading its stdin does not live on. When this process is killed
 * outright, the pipes end ffmpeg (its next read or write). On Windows, where a detached child would get a
 * console of its own, ffmpeg stays in this process's group.
 */
export function spawnFfmpeg(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: process.platform !== 'win32' });
  if (child.pid === undefined) return child; // did not start: its 'error' event says why
  running.add(child);
  child.once('close', () => running.delete(child));
  if (!exitHookAdded) {
    exitHookAdded = true;
    process.on('exit', () => {
      for (const left of running) signalFfmpeg(left, 'SIGKILL');
    });
  }
  return child;
}

/**
 * Sends `signal` to ffmpeg's process group (see {@link spawnFfmpeg}): ffmpeg, or a wrapper script and the
 * ffmpeg it started, which a signal to the wrapper alone would leave running with the pipes open (also once
 * the wrapper has exited). `child` must come from {@link spawnFfmpeg}.
 */
export function signalFfmpeg(child: ChildProcess, signal: NodeJS.Signals): void {
  // Once its pipes have closed, the group is gone and its id may be reused.
  if (child.pid === undefined || !running.has(child)) return;
  if (process.platform === 'win32') {
    child.kill(signal);
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already (ESRCH), or was never one: the child alone.
    child.kill(signal);
  }
}

/**
 * Kills ffmpeg's process group (see {@link signalFfmpeg}) and closes its pipes here, so that its `close` comes
 * even when something outside the group (a wrapper's ffmpeg that left it) still holds them. Its output from
 * then on is lost: for an ffmpeg that is stuck, timed out or no longer wanted.
 */
export function killFfmpeg(child: ChildProcess): void {
  signalFfmpeg(child, 'SIGKILL');
  for (const pipe of child.stdio) pipe?.destroy();
}
