/**
 * Durability of `camstream capture --save` (decision 0014), the built binary run as a user would.
 *
 * - **Loss window on `kill -9`.** A live capture (`--realtime` test pattern, `--save`) is killed with SIGKILL at
 *   KILLS random moments 1.5–5 s after it starts capturing, with and without `--sync`, runs interleaved. The
 *   loss window of a run is the video between the last frame in the file and the kill: the kill's wall-clock
 *   time minus that frame's `log_time` (same clock, same machine). Every file must load with core's decoder (a
 *   torn last message allowed, reported as `rrd-truncated`). Goal: ≤ 250 ms (the 200 ms batching delay plus
 *   the file's 50 ms delay), p50/p90/max reported.
 * - **Cost of `--sync`.** A batch capture to a file (`--frames 600 --size 1280x720 --preset ultrafast`) with and
 *   without `--sync`, rounds interleaved, medians of ROUNDS: fps and the process's CPU time (its `--profile`);
 *   and the CPU time per second of the live captures above (read from /proc just before each kill).
 *
 * Files go to the OS temp dir (a real disk here, where `fsync` does real work; on a tmpfs it costs nothing).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd } from '@camstream/core';
import {
  fmt,
  interleave,
  type Measurement,
  median,
  percentile,
  type SummaryRow,
  writeResults,
} from './lib.js';

const KILLS = Number(process.env.CAMSTREAM_BENCH_KILLS ?? 20);
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5);
const CLI = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'camstream-durability-bench-'));
const CLOCK_TICK_MS = 10; // /proc CPU times are in USER_HZ = 100 ticks per second

/** utime + stime of a process so far, ms (Linux). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

/** Resolves when `child` printed `pattern` on stderr. */
function stderrMatch(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`camstream ended before printing ${pattern}:\n${text}`)));
  });
}

/** One live capture killed `afterMs` after it started capturing: its loss window and CPU use. */
interface KillRun {
  readonly sync: boolean;
  readonly afterMs: number;
  readonly lossMs: number;
  readonly frames: number;
  readonly tornTail: boolean;
  readonly cpuMsPerSecond: number;
}

async function killedRun(sync: boolean, afterMs: number, n: number): Promise<KillRun> {
  const save = join(dir, `killed-${n}.rrd`);
  const args = ['capture', '--realtime', '--size', '640x360', '--preset', 'ultrafast', '--save', save];
  const child = spawn(process.execPath, [CLI, ...args, ...(sync ? ['--sync'] : [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    await stderrMatch(child, /capturing testsrc/);
    const cpu0 = processCpuMs(child.pid!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, afterMs));
    const cpu1 = processCpuMs(child.pid!);
    const seconds = (performance.now() - t0) / 1000;
    const killAtNs = BigInt(Date.now()) * 1_000_000n;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(save)));
    const other = errors.filter((e) => e.code !== 'rrd-truncated');
    if (other.length > 0 || errors.length > 1) {
      throw new Error(`${save} does not load: ${errors.map((e) => e.message).join('; ')}`);
    }
    let last: bigint | undefined;
    let frames = 0;
    for (const m of messages) {
      if (m.kind !== 'arrow_msg' || m.chunk.isStatic || m.chunk.entityPath !== '/video_stream') continue;
      const logTime = m.chunk.timelines.find((t) => t.name === 'log_time')?.values ?? [];
      frames += logTime.length;
      last = logTime.at(-1) ?? last;
    }
    if (last === undefined) throw new Error(`${save} holds no frame after ${afterMs} ms`);
    rmSync(save);
    return {
      sync,
      afterMs,
      lossMs: Number(killAtNs - last) / 1e6,
      frames,
      tornTail: errors.length === 1,
      cpuMsPerSecond: (cpu1 - cpu0) / seconds,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** What `capture --profile` writes. */
interface Profile {
  readonly frames: number;
  readonly fps: number;
  readonly cpu?: { readonly processMs: number };
}

const batchCpuMs: Record<string, number[]> = { sync: [], plain: [] };

function batchRun(sync: boolean): number {
  const save = join(dir, 'batch.rrd');
  const profile = join(dir, 'profile.json');
  const run = spawnSync(
    process.execPath,
    [
      CLI,
      '--quiet',
      'capture',
      ...['--frames', '600', '--size', '1280x720', '--preset', 'ultrafast', '--threads', '2'],
      ...['--save', save, '--profile', profile],
      ...(sync ? ['--sync'] : []),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`camstream capture failed (${run.status}): ${run.stderr}`);
  const p = JSON.parse(readFileSync(profile, 'utf8')) as Profile;
  if (p.frames !== 600) throw new Error(`capture encoded ${p.frames} of 600 frames`);
  batchCpuMs[sync ? 'sync' : 'plain']!.push(p.cpu?.processMs ?? Number.NaN);
  return p.fps;
}

const measurements: Record<string, Measurement> = {};
const runs: KillRun[] = [];
try {
  // Kills: random moments, the same ones with and without --sync, runs interleaved.
  const moments = Array.from({ length: KILLS }, () => Math.round(1500 + Math.random() * 3500));
  for (const [i, afterMs] of moments.entries()) {
    for (const sync of i % 2 === 0 ? [false, true] : [true, false]) {
      runs.push(await killedRun(sync, afterMs, runs.length));
    }
  }
  Object.assign(
    measurements,
    await interleave(
      ROUNDS,
      {
        'batch capture --save': { unit: 'fps', run: () => batchRun(false) },
        'batch capture --save --sync': { unit: 'fps', run: () => batchRun(true) },
      },
      1,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function lossStats(sync: boolean): { p50: number; p90: number; max: number; runs: KillRun[] } {
  const mine = runs.filter((r) => r.sync === sync);
  const loss = mine.map((r) => r.lossMs);
  return { p50: median(loss), p90: percentile(loss, 90), max: Math.max(...loss), runs: mine };
}

const plain = lossStats(false);
const synced = lossStats(true);
for (const [name, s] of [
  ['loss window', plain],
  ['loss window --sync', synced],
] as const) {
  const values = s.runs.map((r) => r.lossMs);
  measurements[name] = {
    name,
    unit: 'ms',
    median: s.p50,
    min: Math.min(...values),
    max: s.max,
    rounds: values,
  };
}
const liveCpu = (sync: boolean) => median(runs.filter((r) => r.sync === sync).map((r) => r.cpuMsPerSecond));
// The counted rounds only (one warm-up round ran first).
const batchCpu = (key: 'sync' | 'plain') => median(batchCpuMs[key]!.slice(-ROUNDS));
const plainFps = measurements['batch capture --save']!.median;
const syncFps = measurements['batch capture --save --sync']!.median;
const torn = runs.filter((r) => r.tornTail).length;
const fsType = statfsSync(tmpdir()).type === 0x01021994 ? 'tmpfs' : 'a disk';

const summary: SummaryRow[] = [
  {
    metric: `loss window on kill -9, p50 / p90 / max (${plain.runs.length} kills)`,
    value: `${fmt(plain.p50, 0)} / ${fmt(plain.p90, 0)} / ${fmt(plain.max, 0)} ms`,
    anchor: 'batching 200 ms + file 50 ms',
    ratio: `${fmt(plain.max / 250)}× (max)`,
    goal: '≤ 250 ms (+ one frame)',
  },
  {
    metric: `loss window on kill -9 with --sync, p50 / p90 / max (${synced.runs.length} kills)`,
    value: `${fmt(synced.p50, 0)} / ${fmt(synced.p90, 0)} / ${fmt(synced.max, 0)} ms`,
    anchor: 'batching 200 ms + file 50 ms',
    ratio: `${fmt(synced.max / 250)}× (max)`,
    goal: '≤ 250 ms (+ one frame)',
  },
  {
    metric: 'killed files that load (core decoder)',
    value: `${runs.length}/${runs.length} (${torn} with a torn last message)`,
    anchor: '',
    ratio: '',
    goal: 'all',
  },
  {
    metric: 'batch capture fps with --sync (600 frames 1280x720)',
    value: fmt(syncFps, 1),
    anchor: `without: ${fmt(plainFps, 1)}`,
    ratio: `${fmt(syncFps / plainFps)}×`,
    goal: 'report',
  },
  {
    metric: 'batch capture process CPU with --sync',
    value: `${fmt(batchCpu('sync'), 0)} ms`,
    anchor: `without: ${fmt(batchCpu('plain'), 0)} ms`,
    ratio: `${fmt(batchCpu('sync') / batchCpu('plain'))}×`,
    goal: 'report',
  },
  {
    metric: 'live capture CPU with --sync (640x360 at 30 fps)',
    value: `${fmt(liveCpu(true), 0)} ms/s`,
    anchor: `without: ${fmt(liveCpu(false), 0)} ms/s`,
    ratio: `${fmt(liveCpu(true) / liveCpu(false))}×`,
    goal: 'report',
  },
];
const notes = [
  `Kills at ${KILLS} random moments 1.5–5 s after "capturing" was printed, each moment once with and once without --sync (alternating order); live capture --realtime --size 640x360 --preset ultrafast --save. The loss window is the kill's wall-clock time minus the last frame's log_time in the file; it includes up to one frame interval (33 ms) in which nothing was logged.`,
  '--sync guards against power loss, not process death (the page cache survives kill -9), so both loss windows should match; its cost is the fsync on each timed write (at most every 50 ms).',
  `Batch: capture --frames 600 --size 1280x720 --preset ultrafast --threads 2 --save, medians of ${ROUNDS} interleaved rounds after one warm-up round; CPU from --profile (process utime+stime). Live CPU: the child's utime+stime from /proc over the run before the kill, median ms of CPU per second.`,
  `Files written under ${tmpdir()} (${fsType}).`,
];
export const table = writeResults('durability', { summary, measurements, notes });
