/**
 * File input benchmarks: `encodeFile` (ffmpeg.wasm decode in a worker piped into the
 * pool's parallel x264 segments) against native Debian ffmpeg decoding and encoding the same file with
 * `-threads 2` and the same x264 options, on a 300-frame 640x480 mp4 (`testsrc2`, made once by Debian's ffmpeg and
 * cached in the OS temp dir); `decodeFile` alone against native decoding; and the peak RSS of a fresh process
 * decoding a ~90 MB 720p mp4 against one decoding a 1 MB file (streaming: RSS must not grow with the file).
 * Rounds interleaved, medians of ROUNDS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Not a dependency of the bench package's build: imported from sources (the `@camstream/source` condition).
import { decodeFile, EncoderPool, encodeFile, type X264Preset } from '@camstream/encoder-wasm';
import { fmt, interleave, type Measurement, nativeX264Args, type SummaryRow, writeResults } from './lib.js';

const FRAMES = 300;
const GOP = 30;
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 3);
const PRESETS: X264Preset[] = ['ultrafast', 'veryfast'];

/** A testsrc2 file made once by Debian's ffmpeg (cached in the OS temp dir). */
function fixture(name: string, args: readonly string[]): string {
  const path = join(tmpdir(), `camstream-bench-${name}`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial.mp4`;
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, partial]);
    renameSync(partial, path);
  }
  return path;
}

const SOURCE = fixture(`testsrc2-640x480-${FRAMES}.mp4`, [
  ...['-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-frames:v', String(FRAMES)],
  ...['-c:v', 'libx264', '-preset', 'veryfast', '-threads', '2'],
]);
// ~90 MB: 1200 frames of 720p at near-lossless quality.
const BIG = fixture('testsrc2-1280x720-1200-crf2.mp4', [
  ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-frames:v', '1200'],
  ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '2', '-threads', '2'],
]);
const SMALL = fixture('testsrc2-1280x720-30-crf2.mp4', [
  ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-frames:v', '30'],
  ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '2', '-threads', '2'],
]);

/** Child mode: decode one file, print frames and peak RSS (the process's own, worker threads included). */
if (process.env.CAMSTREAM_FILE_RSS_CHILD) {
  let frames = 0;
  for await (const _ of decodeFile(process.env.CAMSTREAM_FILE_RSS_CHILD)) frames++;
  process.stdout.write(`${JSON.stringify({ frames, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

function nativeEncodeFps(preset: X264Preset): number {
  const t0 = performance.now();
  const run = spawnSync('ffmpeg', [
    ...['-v', 'error', '-threads', '2', '-i', SOURCE],
    ...nativeX264Args(preset, GOP, 2),
    ...['-f', 'h264', '-y', '/dev/null'],
  ]);
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

function nativeDecodeFps(): number {
  const t0 = performance.now();
  const run = spawnSync('ffmpeg', ['-v', 'error', '-threads', '2', '-i', SOURCE, '-f', 'null', '-']);
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

const pool = await EncoderPool.open({ threads: 2 });
await pool.warmUp({ width: 640, height: 480, fpsNum: 30, preset: 'veryfast' }, 30);

async function encodeFileFps(preset: X264Preset): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of encodeFile(SOURCE, { pool, preset, gop: GOP })) n++;
  if (n !== FRAMES) throw new Error(`encodeFile gave ${n} of ${FRAMES} samples`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

async function decodeFileFps(): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of decodeFile(SOURCE)) n++;
  if (n !== FRAMES) throw new Error(`decodeFile gave ${n} of ${FRAMES} frames`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

const cases: Record<string, { unit: string; run: () => number | Promise<number> }> = {
  decodeFile: { unit: 'fps', run: decodeFileFps },
  'native decode -threads 2': { unit: 'fps', run: nativeDecodeFps },
};
for (const preset of PRESETS) {
  cases[`encodeFile ${preset}`] = { unit: 'fps', run: () => encodeFileFps(preset) };
  cases[`native -threads 2 ${preset}`] = { unit: 'fps', run: () => nativeEncodeFps(preset) };
}
const measurements: Record<string, Measurement> = await interleave(ROUNDS, cases, 1);
await pool.close();

function childRss(path: string): { frames: number; maxRssMB: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename], {
    env: { ...process.env, CAMSTREAM_FILE_RSS_CHILD: path },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { frames: number; maxRssMB: number };
}
const big = childRss(BIG);
const small = childRss(SMALL);
const mb = (path: string) => statSync(path).size / 2 ** 20;

const med = (name: string) => (measurements[name] as Measurement).median;
const summary: SummaryRow[] = [
  ...PRESETS.map((preset) => ({
    metric: `encodeFile 640x480 ${preset} (decode worker + pool of 2), ${FRAMES}-frame mp4`,
    value: `${fmt(med(`encodeFile ${preset}`), 0)} fps`,
    anchor: `native ffmpeg -threads 2 (decode + encode) ${fmt(med(`native -threads 2 ${preset}`), 0)} fps`,
    ratio: `${fmt(med(`encodeFile ${preset}`) / med(`native -threads 2 ${preset}`))}×`,
    goal: 'reported',
  })),
  {
    metric: 'decodeFile 640x480 H.264 mp4',
    value: `${fmt(med('decodeFile'), 0)} fps`,
    anchor: `native decode -threads 2 ${fmt(med('native decode -threads 2'), 0)} fps`,
    ratio: `${fmt(med('decodeFile') / med('native decode -threads 2'))}×`,
    goal: 'reported',
  },
  {
    metric: `peak RSS decoding a ${fmt(mb(BIG), 0)} MB 720p mp4 (${big.frames} frames), fresh process`,
    value: `${fmt(big.maxRssMB, 0)} MB`,
    anchor: `${fmt(mb(SMALL), 1)} MB file (${small.frames} frames): ${fmt(small.maxRssMB, 0)} MB`,
    ratio: `+${fmt(big.maxRssMB - small.maxRssMB, 0)} MB`,
    goal: 'does not grow with the file',
  },
];
const notes = [
  `native: Debian ffmpeg ${execFileSync('ffmpeg', ['-version']).toString().split('\n')[0]?.split(' ')[2]}, the whole process timed; encodeFile/decodeFile: from the first call to the last sample (pool warm, worker start included).`,
  'The machine is shared: compare ratios from the same run, not absolute numbers across runs.',
];
export const table = writeResults('file', { summary, measurements, notes });
