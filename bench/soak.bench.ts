/**
 * Memory under load: a long live capture on a machine whose cores are all busy. The built binary runs
 * `capture --realtime --size WxH --save x.rrd` as a user would while one `node -e 'for(;;){}'` per core
 * competes for the CPU, so the encoder falls behind and drops frames. The capture's RSS (the whole process:
 * main thread, encoder worker, wasm heap) is read from /proc once a second.
 *
 * Goal: RSS after warm-up grows ≤ 30 MB (median of the last 30 s against the median of the 30 s after
 * warm-up), drops are counted, and the recording loads with core's decoder.
 *
 * CAMSTREAM_SOAK_MINUTES (default 10) sets each size's run; CAMSTREAM_SOAK_SIZES (default
 * `640x480,1280x720`) the sizes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd } from '@camstream/core';
import { fmt, median, type SummaryRow, writeResults } from './lib.js';

const MINUTES = Number(process.env.CAMSTREAM_SOAK_MINUTES ?? 10);
const SIZES = (process.env.CAMSTREAM_SOAK_SIZES ?? '640x480,1280x720').split(',');
const WARMUP_S = 30;
const WINDOW_S = 30;
const GOAL_MB = 30;
const CLI = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'camstream-soak-'));

interface SoakResult {
  readonly size: string;
  readonly seconds: number;
  readonly baselineMb: number;
  readonly endMb: number;
  readonly peakMb: number;
  readonly growthMb: number;
  readonly frames: number;
  readonly dropped: number;
  readonly framesInFile: number;
  readonly loadAverage: number;
  readonly rssMb: number[];
}

function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function soak(size: string): Promise<SoakResult> {
  const save = join(dir, `soak-${size}.rrd`);
  const profile = join(dir, `soak-${size}.json`);
  const busy = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
  );
  const capture = spawn(
    process.execPath,
    [CLI, '--quiet', 'capture', '--realtime', '--size', size, '--save', save, '--profile', profile],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const samples: number[] = [];
  const loads: number[] = [];
  const started = Date.now();
  try {
    while (Date.now() - started < MINUTES * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (capture.exitCode !== null) throw new Error(`capture ${size} exited early (${capture.exitCode})`);
      const mb = rssMb(capture.pid!);
      if (mb !== undefined) samples.push(mb);
      loads.push(loadavg()[0]!);
    }
  } finally {
    for (const b of busy) b.kill('SIGKILL');
    capture.kill('SIGINT');
  }
  const code = await exited(capture);
  if (code !== 0) throw new Error(`capture ${size} ended with exit code ${code}`);
  const summary = JSON.parse(readFileSync(profile, 'utf8')) as { frames: number; dropped: number };
  const decoded = decodeRrd(readFileSync(save));
  if (decoded.errors.length > 0) throw new Error(`${save} does not load: ${decoded.errors[0]!.message}`);
  let framesInFile = 0;
  for (const m of decoded.messages) {
    if (m.kind === 'arrow_msg' && m.chunk.entityPath === '/video_stream' && !m.chunk.isStatic)
      framesInFile += m.chunk.numRows;
  }
  rmSync(save);
  const after = samples.slice(WARMUP_S);
  const baselineMb = median(after.slice(0, WINDOW_S));
  const endMb = median(after.slice(-WINDOW_S));
  return {
    size,
    seconds: samples.length,
    baselineMb,
    endMb,
    peakMb: Math.max(...after),
    growthMb: endMb - baselineMb,
    frames: summary.frames,
    dropped: summary.dropped,
    framesInFile,
    loadAverage: median(loads),
    rssMb: samples,
  };
}

const results: SoakResult[] = [];
for (const size of SIZES) results.push(await soak(size));
rmSync(dir, { recursive: true, force: true });

const summary: SummaryRow[] = results.flatMap((r) => [
  {
    metric: `${r.size} RSS growth after warm-up (MB)`,
    value: fmt(r.growthMb, 1),
    anchor: `${fmt(r.baselineMb, 0)} → ${fmt(r.endMb, 0)} MB, peak ${fmt(r.peakMb, 0)}`,
    ratio: '',
    goal: `≤ ${GOAL_MB} MB ${r.growthMb <= GOAL_MB ? '✓' : '✗'}`,
  },
  {
    metric: `${r.size} frames kept / dropped`,
    value: `${r.frames} / ${r.dropped}`,
    anchor: `${r.framesInFile} frames in the file`,
    ratio: `${fmt((100 * r.dropped) / Math.max(1, r.frames + r.dropped), 0)}% dropped`,
    goal: 'drops counted, file loads ✓',
  },
]);
export const table = writeResults('soak', {
  summary,
  measurements: Object.fromEntries(
    results.map((r) => [
      `rss ${r.size}`,
      {
        name: `rss ${r.size}`,
        unit: 'MB, once a second',
        median: median(r.rssMb),
        min: Math.min(...r.rssMb),
        max: Math.max(...r.rssMb),
        rounds: r.rssMb,
      },
    ]),
  ),
  notes: [
    `${MINUTES} min per size, ${availableParallelism()} busy loops (one per core) beside the capture; load average ${results.map((r) => fmt(r.loadAverage, 1)).join(' / ')}.`,
    'RSS is the whole capture process (main thread, encoder worker, wasm heap), read from /proc every second.',
  ],
});
