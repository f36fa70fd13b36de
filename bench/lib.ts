import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameByteLength, parseY4mHeader } from '@camstream/core/media';
import { ffmpegEnv } from '@camstream/encoder-ffmpeg';

/** Results folder (`bench/results/`, not committed). */
export const RESULTS_DIR = join(import.meta.dirname, 'results');

/** One measured case: median and spread over interleaved rounds. */
export interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs every case once per round, rounds interleaved so that machine noise hits all cases alike.
 * Each case returns its own figure for the round (e.g. µs per op, MB/s).
 */
export async function interleave(
  rounds: number,
  cases: Record<string, { unit: string; run: () => number | Promise<number> }>,
  warmupRounds = 2,
): Promise<Record<string, Measurement>> {
  // Warm-up rounds let the JIT tier up and the heap settle; they are not counted.
  for (let r = 0; r < warmupRounds; r++) for (const c of Object.values(cases)) await c.run();
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, c] of Object.entries(cases)) samples[name]!.push(await c.run());
  }
  return Object.fromEntries(
    Object.entries(cases).map(([name, c]) => {
      const values = samples[name]!;
      return [
        name,
        {
          name,
          unit: c.unit,
          median: median(values),
          min: Math.min(...values),
          max: Math.max(...values),
          rounds: values,
        },
      ];
    }),
  );
}

/** Times `fn` over `iterations` calls; returns µs per call. */
export function microsPerOp(iterations: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

/** A row of the short results table. */
export interface SummaryRow {
  readonly metric: string;
  readonly value: string;
  readonly anchor: string;
  readonly ratio: string;
  readonly goal: string;
}

/** Writes `<name>.json` (everything) and `<name>.md` (the short table) under `bench/results/`. */
export function writeResults(
  name: string,
  data: { summary: SummaryRow[]; measurements: Record<string, Measurement>; notes?: string[] },
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const meta = {
    bench: name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ ...meta, ...data }, null, 2)}\n`);
  const lines = [
    `## ${name} (${meta.date}, Node ${meta.node})`,
    '',
    '| metric | value | anchor | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    ...data.summary.map((r) => `| ${r.metric} | ${r.value} | ${r.anchor} | ${r.ratio} | ${r.goal} |`),
    ...(data.notes?.length ? ['', ...data.notes.map((n) => `- ${n}`)] : []),
    '',
  ];
  const table = lines.join('\n');
  writeFileSync(join(RESULTS_DIR, `${name}.md`), table);
  return table;
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);

/**
 * The native anchor's x264 options, the same as camstream's encoders use (`encodeArgs`): zerolatency, no B-frames,
 * a keyframe exactly every `gop` frames.
 */
export function nativeX264Args(preset: string, gop: number, threads: number): string[] {
  const g = String(gop);
  return [
    ...['-c:v', 'libx264', '-preset', preset, '-tune', 'zerolatency', '-bf', '0'],
    ...['-g', g, '-sc_threshold', '0', '-threads', String(threads)],
  ];
}

/**
 * Native ffmpeg fed the raw I420 frames of `raw` through a pipe that `cat` fills, encoding them with
 * `codecArgs` to `output` (format `h264`): what a pipe costs ffmpeg itself, without Node. Returns the
 * pipeline's wall seconds; both processes are waited for, so their CPU time is in `procCpuMs().children`.
 */
export function catIntoFfmpeg(
  raw: string,
  width: number,
  height: number,
  codecArgs: readonly string[],
  output: string,
): number {
  const ffmpeg = [
    ...['ffmpeg', '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
    ...['-s', `${width}x${height}`, '-framerate', '30', '-i', 'pipe:0', ...codecArgs, '-f', 'h264', '-y'],
  ];
  const t0 = performance.now();
  // The paths go in as positional parameters, never into the script's text.
  const run = spawnSync('sh', ['-c', `cat "$0" | ${ffmpeg.join(' ')} "$1"`, raw, output], {
    env: ffmpegEnv(frameByteLength('I420', width, height)),
  });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`cat | ffmpeg failed: ${run.stderr}`);
  return seconds;
}

/**
 * The environment of a native ffmpeg anchor reading the Y4M file `y4m`: the one `FfmpegEncoder` gives its own
 * ffmpeg (`ffmpegEnv`: glibc's malloc keeps frame-sized blocks on its heap). Without it, glibc settled into
 * unmapping and mapping frame buffers for every frame with these anchors' command lines, and the same encode
 * took 2–2.6× as long: the anchors are native ffmpeg at its best.
 */
export function anchorEnv(y4m: string): NodeJS.ProcessEnv {
  const fd = openSync(y4m, 'r');
  try {
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    const { width, height } = parseY4mHeader(
      head.subarray(0, n).toString('latin1').split('\n')[0] ?? '',
      y4m,
    );
    return ffmpegEnv(frameByteLength('I420', width, height));
  } finally {
    closeSync(fd);
  }
}

/**
 * CPU time (user + system) from `/proc/self/stat` (Linux), ms, in 10 ms ticks: this process's own, and that of
 * its children which have ended and been waited for (rusage's RUSAGE_CHILDREN: a child's own waited-for
 * children included). A child run with `spawnSync` is waited for when the call returns.
 */
export function procCpuMs(): { readonly self: number; readonly children: number } {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const tick = 10;
  return {
    self: ((fields[11] ?? 0) + (fields[12] ?? 0)) * tick,
    children: ((fields[13] ?? 0) + (fields[14] ?? 0)) * tick,
  };
}

/** `goal` followed by whether `value` meets it (`≥ target` when `atLeast`, else `≤ target`). */
export function goalMet(goal: string, value: number, target: number, atLeast: boolean): string {
  if (!Number.isFinite(value)) return `${goal}: n/a`;
  return `${goal}: ${(atLeast ? value >= target : value <= target) ? 'met' : 'not met'}`;
}
