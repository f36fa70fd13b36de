/**
 * ffmpeg.wasm encoder benchmarks. Same frames for everyone: 300 frames of `testsrc2` made once by
 * Debian's ffmpeg as raw I420 (cached in the OS temp dir, read frame by frame, never all in memory).
 * 1. batch: the piscina pool (2 threads, 30-frame GOP segments) against native ffmpeg/libx264 `-threads 1` and
 *    `-threads 2` and PyAV (Debian's python3-av, the stack of Rerun's example; `bench/setup.sh` installs it;
 *    `bench/pyav_encode.py`, one encoder thread) with the same options, 640x480 and 1280x720, ultrafast and
 *    veryfast; rounds interleaved, medians of ROUNDS. PyAV is skipped, with a note, when no Python can `import av`.
 * 2. live at 30 fps: frame-in → sample-out latency of `LiveEncoder` (ROUNDS rounds per cell, each an offline run
 *    of the same worker code on the same frames (one-thread pool) and then a fresh live encoder; the ratios of each
 *    round's median and p99 to its own offline per-frame time, medians over rounds); and what a keyframe request
 *    costs.
 * 3. memory: one live 720p stream, 18,000 frames unpaced, in a fresh plain-Node process (`encoder-memory.mjs`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawFrame } from '@camstream/core';
import {
  EncoderPool,
  encodeArgs,
  encodeBatch,
  LiveEncoder,
  resolveOptions,
  type X264Preset,
} from '@camstream/encoder-wasm';
import {
  fmt,
  interleave,
  type Measurement,
  median,
  nativeX264Args,
  percentile,
  type SummaryRow,
  writeResults,
} from './lib.js';

const FRAMES = 300;
const GOP = 30;
const ANCHOR_FRAMES = 60;
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5);
const SIZES = [
  [640, 480],
  [1280, 720],
] as const;
const PRESETS: X264Preset[] = ['ultrafast', 'veryfast'];

function rawPath(w: number, h: number): string {
  const path = join(tmpdir(), `camstream-bench-testsrc2-${w}x${h}-${FRAMES}.yuv`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial`;
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${w}x${h}:rate=30`,
      '-frames:v',
      String(FRAMES),
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      partial,
    ]);
    renameSync(partial, path);
  }
  return path;
}

/**
 * The raw file's frames. `reuse`: every frame is read into the same buffer, as native ffmpeg reads its input
 * (for `encodeBatch`, which copies each frame before it asks for the next); else a fresh buffer per frame, as a
 * live source hands them out.
 */
function* readFrames(path: string, w: number, h: number, reuse = false): Generator<RawFrame> {
  const size = (w * h * 3) / 2;
  const fd = openSync(path, 'r');
  const shared = reuse ? new Uint8Array(size) : undefined;
  try {
    for (let index = 0; index < FRAMES; index++) {
      const data = shared ?? new Uint8Array(size);
      readSync(fd, data, 0, size, index * size);
      yield { format: 'I420', width: w, height: h, data, pts: (BigInt(index) * 1_000_000_000n) / 30n, index };
    }
  } finally {
    closeSync(fd);
  }
}

function nativeFps(path: string, w: number, h: number, preset: string, threads: number): number {
  const t0 = performance.now();
  const run = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-s',
    `${w}x${h}`,
    '-framerate',
    '30',
    '-i',
    path,
    ...nativeX264Args(preset, GOP, threads),
    '-f',
    'h264',
    '-y',
    '/dev/null',
  ]);
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

/**
 * The Python that has PyAV: CAMSTREAM_BENCH_PYTHON, else Debian's own interpreter (python3-av installs into its
 * dist-packages, which a python3 earlier on PATH such as pyenv's does not see), else `python3`.
 */
function findPyAv(): { python: string; version: string } | undefined {
  const candidates = process.env.CAMSTREAM_BENCH_PYTHON
    ? [process.env.CAMSTREAM_BENCH_PYTHON]
    : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import av; print(av.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

const PYAV_SCRIPT = join(import.meta.dirname, 'pyav_encode.py');
const PYAV_THREADS = 1;

/** PyAV libx264 on the same raw file; fps of the script's encode loop (read, copy into an AVFrame, encode, flush). */
function pyAvFps(python: string, path: string, w: number, h: number, preset: string): number {
  const run = spawnSync(
    python,
    [PYAV_SCRIPT, path, String(w), String(h), preset, String(GOP), String(PYAV_THREADS), String(FRAMES)],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`PyAV anchor failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { frames: number; seconds: number };
  if (r.frames !== FRAMES) throw new Error(`PyAV encoded ${r.frames} of ${FRAMES} frames`);
  return r.frames / r.seconds;
}

interface MemoryResult {
  readonly frames: number;
  readonly samples: number;
  /** RSS once the encoder is open (core compiled, worker started, warm-up run). */
  readonly opened: number;
  readonly baseline: number;
  readonly end: number;
  readonly peak: number;
  readonly seconds: number;
}

/**
 * One live 720p stream, frames pushed unpaced (`wait`: none dropped), in a fresh process on the built package
 * (`encoder-memory.mjs`), so the batch and live sections here and the TypeScript loader do not skew its RSS.
 * `env` adds to the child's environment.
 */
function memoryRun(env: Record<string, string> = {}): MemoryResult {
  // The full run is 18,000 frames (10 min of 30 fps video; ~4 min here); CAMSTREAM_BENCH_MEMORY_FRAMES makes it
  // shorter.
  const frames = process.env.CAMSTREAM_BENCH_MEMORY_FRAMES ?? '18000';
  const child = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'encoder-memory.mjs'), rawPath(1280, 720), String(FRAMES), frames],
    { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as MemoryResult;
}

const pool = await EncoderPool.open({ threads: 2 });
const single = await EncoderPool.open({ threads: 1 });
await pool.warmUp({ width: 640, height: 480, fpsNum: 30, preset: 'veryfast' }, 30);
await single.warmUp({ width: 640, height: 480, fpsNum: 30, preset: 'veryfast' }, 30);

async function poolFps(
  p: EncoderPool,
  path: string,
  w: number,
  h: number,
  preset: X264Preset,
): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of encodeBatch(readFrames(path, w, h, true), {
    width: w,
    height: h,
    fpsNum: 30,
    preset,
    gop: GOP,
    pool: p,
  }))
    n++;
  if (n !== FRAMES) throw new Error(`pool encoded ${n} of ${FRAMES} frames`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

const pyAv = findPyAv();
const summary: SummaryRow[] = [];
const measurements: Record<string, Measurement> = {};
const notes: string[] = [];

// ---- batch ---------------------------------------------------------------------------------------------
const cases: Record<string, { unit: string; run: () => number | Promise<number> }> = {};
for (const [w, h] of SIZES) {
  const path = rawPath(w, h);
  for (const preset of PRESETS) {
    const cell = `${w}x${h} ${preset}`;
    cases[`pool ${cell}`] = { unit: 'fps', run: () => poolFps(pool, path, w, h, preset) };
    cases[`native-t1 ${cell}`] = { unit: 'fps', run: () => nativeFps(path, w, h, preset, 1) };
    cases[`native-t2 ${cell}`] = { unit: 'fps', run: () => nativeFps(path, w, h, preset, 2) };
    if (pyAv) cases[`pyav ${cell}`] = { unit: 'fps', run: () => pyAvFps(pyAv.python, path, w, h, preset) };
  }
}
Object.assign(measurements, await interleave(ROUNDS, cases, 1));
for (const [w, h] of SIZES) {
  for (const preset of PRESETS) {
    const cell = `${w}x${h} ${preset}`;
    const p = measurements[`pool ${cell}`] as Measurement;
    const t1 = measurements[`native-t1 ${cell}`] as Measurement;
    const t2 = measurements[`native-t2 ${cell}`] as Measurement;
    const py = measurements[`pyav ${cell}`];
    const goal = w === 640 && preset === 'ultrafast' ? '≥ 0.45× native -threads 2' : 'reported';
    summary.push({
      metric: `batch ${cell} (pool of 2)`,
      value: `${fmt(p.median, 0)} fps`,
      anchor: `native t1 ${fmt(t1.median, 0)} / t2 ${fmt(t2.median, 0)} fps${py ? `, PyAV t1 ${fmt(py.median, 0)} fps` : ''}`,
      ratio: `${fmt(p.median / t1.median)}× t1, ${fmt(p.median / t2.median)}× t2${py ? `, ${fmt(p.median / py.median)}× PyAV` : ''}`,
      goal,
    });
  }
}
notes.push(
  pyAv
    ? `PyAV anchor: PyAV ${pyAv.version} (${pyAv.python}), libx264 with the same options, ${PYAV_THREADS} encoder thread (as in Rerun's example); its fps times the encode loop only (no interpreter start, import or codec open), the native fps the whole ffmpeg process.`
    : 'PyAV anchor skipped: no Python here can `import av` (run bench/setup.sh to install python3-av).',
);

// ---- live at 30 fps ------------------------------------------------------------------------------------
interface LiveRound {
  /** Latencies of the frames after the first 30, keyframe-request frames apart, ms. */
  readonly steady: number[];
  /** Latencies of the keyframe-request frames (encoder restarts), ms. */
  readonly restart: number[];
  readonly dropped: number;
  readonly framesIn: number;
}

/** One live run: a fresh encoder fed the file's frames at 30 fps, keyframes requested at frames 100 and 200. */
async function liveRound(path: string, w: number, h: number, preset: X264Preset): Promise<LiveRound> {
  const encoder = await LiveEncoder.open({ width: w, height: h, fpsNum: 30, preset, gop: GOP });
  const sent = new Map<bigint, number>();
  const latency: number[] = [];
  const restart: number[] = [];
  const restartPts = new Set([(100n * 1_000_000_000n) / 30n, (200n * 1_000_000_000n) / 30n]);
  const reading = (async () => {
    for await (const s of encoder.samples()) {
      const ms = performance.now() - (sent.get(s.pts) ?? Number.NaN);
      (restartPts.has(s.pts) ? restart : latency).push(ms);
    }
  })();
  const t0 = performance.now();
  for (const frame of readFrames(path, w, h)) {
    const due = t0 + (frame.index * 1000) / 30;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (frame.index === 100 || frame.index === 200) encoder.requestKeyframe();
    sent.set(frame.pts, performance.now());
    encoder.encode(frame);
  }
  await encoder.close();
  await reading;
  const stats = encoder.stats();
  return { steady: latency.slice(30), restart, dropped: stats.framesDropped, framesIn: stats.framesIn };
}

const LIVE: [number, number, X264Preset][] = [
  [640, 480, 'ultrafast'],
  [640, 480, 'veryfast'],
  [1280, 720, 'ultrafast'],
  [1280, 720, 'veryfast'],
];
for (const [w, h, preset] of LIVE) {
  const cell = `${w}x${h} ${preset}`;
  const path = rawPath(w, h);
  // The anchor: the same worker code encoding the same frames offline in one ffmpeg run (the first ANCHOR_FRAMES
  // frames, one thread), ms per frame as the worker timed it: no segment start-ups, no transfers.
  const anchorFrames: RawFrame[] = [];
  for (const f of readFrames(path, w, h)) {
    if (anchorFrames.push(f) === ANCHOR_FRAMES) break;
  }
  const anchorArgs = encodeArgs(
    resolveOptions({ width: w, height: h, fpsNum: 30, preset, gop: GOP }),
    '/segment.raw',
    '/segment.h264',
  );
  const packed = new Uint8Array(anchorFrames.reduce((n, f) => n + f.data.length, 0));
  anchorFrames.forEach((f, i) => {
    packed.set(f.data, i * f.data.length);
  });
  // One discarded run tiers up this size's code paths; then anchor and live runs interleave:
  // each round is one offline run and then one fresh live encoder, and the ratios are taken per round (this
  // shared machine drifts between states ~40% apart within minutes), their medians reported.
  await single.run(anchorArgs, packed);
  const offlineRuns: number[] = [];
  const rounds: LiveRound[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    offlineRuns.push((await single.run(anchorArgs, packed)).ms / ANCHOR_FRAMES);
    rounds.push(await liveRound(path, w, h, preset));
  }
  const offlineMs = median(offlineRuns);
  const medians = rounds.map((r) => median(r.steady));
  const p99s = rounds.map((r) => percentile(r.steady, 99));
  const med = median(medians);
  const p99 = median(p99s);
  const medianRatio = median(medians.map((m, r) => m / (offlineRuns[r] as number)));
  const p99Ratio = median(p99s.map((m, r) => m / (offlineRuns[r] as number)));
  const dropped = rounds.reduce((n, r) => n + r.dropped, 0);
  const framesIn = rounds.reduce((n, r) => n + r.framesIn, 0);
  measurements[`live ${cell}`] = {
    name: `live ${cell}`,
    unit: 'ms',
    median: med,
    min: Math.min(...medians),
    max: Math.max(...medians),
    rounds: medians,
  };
  measurements[`live ${cell} p99`] = {
    name: `live ${cell} p99`,
    unit: 'ms',
    median: p99,
    min: Math.min(...p99s),
    max: Math.max(...p99s),
    rounds: p99s,
  };
  summary.push({
    metric: `live ${cell} @30 fps latency (median / p99)`,
    value: `${fmt(med, 1)} / ${fmt(p99, 1)} ms (p99 per round ${fmt(Math.min(...p99s), 1)}–${fmt(Math.max(...p99s), 1)}), ${dropped} dropped of ${framesIn}`,
    anchor: `offline ${fmt(offlineMs, 1)} ms/frame (per round ${fmt(Math.min(...offlineRuns), 1)}–${fmt(Math.max(...offlineRuns), 1)})`,
    ratio: `${fmt(medianRatio)}× / ${fmt(p99Ratio)}× (medians of per-round ratios)`,
    goal:
      w === 1280 && preset === 'veryfast' ? 'reported (drops expected)' : 'median ≤ 1.5×, p99 ≤ 3×, no drops',
  });
  const restarts = rounds.flatMap((r) => r.restart);
  if (restarts.length > 0) {
    notes.push(
      `${cell}: requestKeyframe() (encoder restart) frames took median ${fmt(median(restarts), 1)} ms (${restarts.length} requests, max ${fmt(Math.max(...restarts), 1)} ms) vs median ${fmt(med, 1)} ms.`,
    );
  }
}
notes.push(
  `live: ${ROUNDS} rounds per cell, each an offline anchor run and then a fresh LiveEncoder fed the 300 frames at 30 fps; per round the median and p99 of the frames after the first 30 (keyframe-request frames 100 and 200 apart) and their ratios to that round's anchor, then the medians over rounds.`,
);
await pool.close();
await single.close();

// ---- memory: in a fresh child process on the built package --------------------------------------------
{
  const mb = (n: number) => fmt(n / (1 << 20), 0);
  // The second run caps glibc's malloc arenas: each thread (main, worker, V8's helpers) otherwise keeps freed
  // frame buffers in an arena of its own.
  const runs: [string, Record<string, string>][] = [
    ['', {}],
    [' (MALLOC_ARENA_MAX=2)', { MALLOC_ARENA_MAX: '2' }],
  ];
  for (const [label, env] of runs) {
    const r = memoryRun(env);
    summary.push({
      metric: `memory, live 720p ultrafast, ${r.frames} frames unpaced${label}`,
      value: `RSS ${mb(r.opened)} MB open, ${mb(r.baseline)} MB after the first lap, end ${mb(r.end)} MB (${r.end >= r.baseline ? '+' : ''}${fmt((r.end - r.baseline) / (1 << 20), 1)} MB), peak ${mb(r.peak)} MB`,
      anchor: '-',
      ratio: '-',
      goal: 'growth ≤ 20 MB, peak ≤ 250 MB',
    });
    notes.push(
      `memory run${label}: ${r.samples} samples for ${r.frames} frames in ${fmt(r.seconds, 0)} s (${fmt(r.frames / r.seconds, 0)} fps), fresh process on the built package (bench/encoder-memory.mjs), RSS sampled every 50 ms.`,
    );
  }
}

export const table = writeResults('encoder', { summary, measurements, notes });
