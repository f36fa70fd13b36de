import { readFileSync } from 'node:fs';

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
