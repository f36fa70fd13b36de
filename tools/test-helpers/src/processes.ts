import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTempDir } from './temp-dir.js';
import { until } from './until.js';

/** Whether process `pid` has ended (gone, or a zombie waiting for a reaper that is not its old parent). */
export function processEnded(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

/** Resolves once `pid` has ended; rejects after `ms`. */
export async function waitForExit(pid: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!processEnded(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An "ffmpeg" that never answers, for tests of what must not hang: a shell script whose child holds its pipes
 * (as a wrapper that `--ffmpeg` names may), in a folder removed after the test. Call inside a test.
 * `childPid()` resolves with the child's pid once it runs.
 */
export function hangingFfmpeg(): { readonly path: string; readonly childPid: () => Promise<number> } {
  const dir = testTempDir('camstream-hanging-ffmpeg-');
  const path = join(dir, 'ffmpeg');
  const pidFile = join(dir, 'child.pid');
  writeFileSync(
    path,
    `#!/bin/sh\nsleep 600 &\necho $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\nwait\n`,
  );
  chmodSync(path, 0o755);
  const childPid = async (): Promise<number> => {
    await until('the hanging ffmpeg’s child to start', () => existsSync(pidFile));
    return Number(readFileSync(pidFile, 'utf8'));
  };
  return { path, childPid };
}
