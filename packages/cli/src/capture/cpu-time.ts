import { readFileSync } from 'node:fs';

/** CPU time of the main thread and of the whole process (every thread), ms. */
export interface CpuTimes {
  readonly mainThreadMs: number;
  readonly processMs: number;
}

// Linux reports times in clock ticks; USER_HZ is 100 on every Linux ABI Node supports.
const TICK_MS = 10;

/**
 * CPU times now, or undefined off Linux. The main thread's comes from `/proc/self/task/<pid>/stat` (its
 * thread id is the process id); Node 20 has no per-thread `cpuUsage`, and `process.cpuUsage()` counts the
 * encoder's worker threads too.
 */
export function cpuTimes(): CpuTimes | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    const usage = process.cpuUsage();
    return { mainThreadMs: (utime + stime) * TICK_MS, processMs: (usage.user + usage.system) / 1000 };
  } catch {
    return undefined;
  }
}
