/**
 * Encoder benchmarks for Node: the native `FfmpegEncoder` (the system ffmpeg, `@camstream/encoder-ffmpeg`)
 * measured against anchors in the same run, and ffmpeg.wasm (`@camstream/encoder-wasm`, the fallback when no
 * ffmpeg is installed). Same frames for everyone: FRAMES frames of `testsrc2` made once by Debian's ffmpeg as raw
 * I420 (cached in the OS temp dir with a Y4M copy beside it, read frame by frame, never all in memory). Same x264
 * options for every encoder: preset, tune zerolatency, GOP 30 (keyframes exactly every 30 frames), x264's
 * default CRF, no B-frames. Rounds interleaved, medians of ROUNDS; ratios are medians of per-round ratios.
 * 1. batch, 640x480 and 1280x720, ultrafast and veryfast: `FfmpegEncoder` as a bounded source at full speed
 *    opens it (`whenFull: 'wait'`, 8 frames in flight, 2 threads), and `FfmpegFileEncode` with ffmpeg reading
 *    the Y4M file itself, each run in a fresh Node process
 *    (`ffmpeg-encoder-batch.ts`) so its CPU time (its own plus its ffmpeg's) is measurable, against native
 *    ffmpeg/libx264 `-threads 2` reading the Y4M file (fps, and CPU time per frame of the whole process) and
 *    PyAV (Debian's python3-av, the stack of Rerun's example; `bench/setup.sh` installs it;
 *    `bench/pyav_encode.py`, one encoder thread). Goals: fps ≥ 0.9× native and ≥ 1× PyAV, CPU per frame ≤
 *    1.15× native. PyAV is compared in the window its script times, after the first GOP to the last packet,
 *    the same window for ours, so that start-ups of different kinds stay out (a codec open there, ffmpeg's
 *    process start here); `FfmpegFileEncode` also runs with PyAV's one thread. CPU per frame is given for the
 *    whole run and beyond the first 30 frames (each case also runs 30 frames; the difference over the other
 *    frames, start-ups cancelled out). Reported beside them: native ffmpeg fed the raw frames through a pipe
 *    by `cat` (what a pipe costs without Node), the wasm piscina pool (2 threads, 30-frame GOP segments) and
 *    native `-threads 1`. PyAV is skipped, with a note, when no Python can `import av`.
 * 2. live at 30 fps: frame-in → sample-out latency (frames paced at 30 fps from the raw file, paired by pts).
 *    `FfmpegEncoder` with live defaults (`drop-oldest`, 2 in flight) against native ffmpeg with the same
 *    arguments writing `-f h264` to a pipe, timed from the write of a frame to the arrival of its last byte
 *    (frame ends found by splitting the captured stream afterwards): median ≤ 1.2×, p99 ≤ 2×; at 1280x720
 *    veryfast, no frame dropped over FRAMES frames. Per round one anchor run and one fresh encoder, ratios per
 *    round. The wasm `LiveEncoder` (fallback) as before: against its own offline per-frame time, keyframe
 *    requests, drops.
 * 3. memory: one live 720p wasm stream, 18,000 frames unpaced, in a fresh plain-Node process
 *    (`encoder-memory.mjs`, on the built package).
 *
 * Knobs (environment): CAMSTREAM_BENCH_ROUNDS (default 5); CAMSTREAM_BENCH_FRAMES (default 300: batch cells and
 * wasm live runs); CAMSTREAM_BENCH_LIVE_LATENCY_FRAMES (default 150: frames of each native pipe anchor run and of
 * the FfmpegEncoder latency cells but the 1280x720 veryfast one, which runs FRAMES for its drop count; the wasm
 * offline anchor's 60 at most); CAMSTREAM_BENCH_ENCODER_SECTIONS (comma list of `batch`,
 * `live-ffmpeg`, `live-wasm`, `memory`; default all); CAMSTREAM_BENCH_MEMORY_FRAMES (default 18000);
 * CAMSTREAM_BENCH_MEMORY_ARENAS=1 adds the memory run with MALLOC_ARENA_MAX=2; CAMSTREAM_BENCH_PYTHON.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawFrame } from '@camstream/core';
import {
  AccessUnitSplitter,
  frameByteLength,
  resolveH264Options,
  x264EncodeArgs,
} from '@camstream/core/media';
import { FfmpegEncoder, ffmpegEnv } from '@camstream/encoder-ffmpeg';
import {
  EncoderPool,
  encodeArgs,
  encodeBatch,
  LiveEncoder,
  resolveOptions,
  type X264Preset,
} from '@camstream/encoder-wasm';
import {
  anchorEnv,
  catIntoFfmpeg,
  fmt,
  goalMet,
  interleave,
  type Measurement,
  median,
  nativeX264Args,
  percentile,
  procCpuMs,
  type SummaryRow,
  writeResults,
} from './lib.js';

const FRAMES = Number(process.env.CAMSTREAM_BENCH_FRAMES ?? 300);
const GOP = 30;
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5);
// A steady per-frame latency at 30 fps is measured as well over 150 frames as over 300, in half the time.
const LIVE_LATENCY_FRAMES = Math.min(FRAMES, Number(process.env.CAMSTREAM_BENCH_LIVE_LATENCY_FRAMES ?? 150));
const ANCHOR_FRAMES = Math.min(60, LIVE_LATENCY_FRAMES);
/** Live latencies are counted from this frame on (x264 and the pipes settle first). */
const LIVE_SKIP = 30;
const SECTIONS = new Set(
  (process.env.CAMSTREAM_BENCH_ENCODER_SECTIONS ?? 'batch,live-ffmpeg,live-wasm,memory').split(','),
);
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

/** The raw file's frames as a Y4M file beside it (made once): the native anchor's input. */
function y4mPath(w: number, h: number): string {
  const raw = rawPath(w, h);
  const path = raw.replace(/\.yuv$/, '.y4m');
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial`;
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
      ...['-s', `${w}x${h}`, '-framerate', '30', '-i', raw, '-f', 'yuv4mpegpipe', partial],
    ]);
    renameSync(partial, path);
  }
  return path;
}

/**
 * The raw file's first `count` frames. `reuse`: every frame is read into the same buffer, as native ffmpeg reads
 * its input (for `encodeBatch`, which copies each frame before it asks for the next); else a fresh buffer per
 * frame, as a live source hands them out.
 */
function* readFrames(path: string, w: number, h: number, reuse = false, count = FRAMES): Generator<RawFrame> {
  const size = (w * h * 3) / 2;
  const fd = openSync(path, 'r');
  const shared = reuse ? new Uint8Array(size) : undefined;
  try {
    for (let index = 0; index < count; index++) {
      const data = shared ?? new Uint8Array(size);
      readSync(fd, data, 0, size, index * size);
      yield { format: 'I420', width: w, height: h, data, pts: (BigInt(index) * 1_000_000_000n) / 30n, index };
    }
  } finally {
    closeSync(fd);
  }
}

/** CPU time per frame of each batch case's runs, ms (the warm-up round's first), where a case measures it. */
const cpuPerFrame: Record<string, number[]> = {};

function recordCpu(name: string, msPerFrame: number): void {
  const values = cpuPerFrame[name] ?? [];
  values.push(msPerFrame);
  cpuPerFrame[name] = values;
}

/**
 * Steady fps of each run that reports one: frames after the first GOP over the time from the sample that ends it
 * to the last (`ffmpeg-encoder-batch.ts` and `pyav_encode.py` time the same window), start-ups left out.
 */
const steadyFps: Record<string, number[]> = {};

function recordSteady(name: string, fps: number): void {
  const values = steadyFps[name] ?? [];
  values.push(fps);
  steadyFps[name] = values;
}

/**
 * Native ffmpeg/libx264 reading the raw frames from a pipe that `cat` fills, to /dev/null: what a pipe costs
 * ffmpeg itself, without Node. fps of the whole pipeline, CPU per frame of both processes under `name`.
 */
function nativePipeFps(name: string, raw: string, w: number, h: number, preset: string): number {
  const cpu0 = procCpuMs().children;
  const seconds = catIntoFfmpeg(raw, w, h, nativeX264Args(preset, GOP, 2), '/dev/null');
  recordCpu(name, (procCpuMs().children - cpu0) / FRAMES);
  return FRAMES / seconds;
}

/**
 * Native ffmpeg/libx264 on the Y4M file, to /dev/null: fps of the whole process (start-up included), and its
 * CPU time per frame (user + system, every thread) recorded under `name`.
 */
function nativeFps(name: string, y4m: string, preset: string, threads: number, frames = FRAMES): number {
  const cpu0 = procCpuMs().children;
  const t0 = performance.now();
  const run = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'yuv4mpegpipe', '-i', y4m],
      ...nativeX264Args(preset, GOP, threads),
      ...['-frames:v', String(frames), '-f', 'h264', '-y', '/dev/null'],
    ],
    { env: anchorEnv(y4m) },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  recordCpu(name, (procCpuMs().children - cpu0) / frames);
  return frames / seconds;
}

/** The short runs' frames: a GOP, enough to have every start-up cost in them. */
const SHORT_FRAMES = 30;

/**
 * CPU time per frame beyond the first SHORT_FRAMES, per round: (CPU of the whole run − CPU of the short run) /
 * the frames between, from the per-frame figures `recordCpu` kept for both. Start-up costs (ffmpeg's process
 * start, x264's set-up, Node's first compiles) cancel out; what is left is what every further frame costs.
 */
function marginalCpu(name: string): number[] {
  const whole = cpuPerFrame[name] ?? [];
  const short = cpuPerFrame[`${name} short`] ?? [];
  const n = Math.min(whole.length, short.length);
  const shortRounds = short.slice(-n);
  return whole
    .slice(-n)
    .map((w, i) => (w * FRAMES - (shortRounds[i] as number) * SHORT_FRAMES) / (FRAMES - SHORT_FRAMES));
}

const BATCH_RUNNER = join(import.meta.dirname, 'ffmpeg-encoder-batch.ts');

/**
 * A batch encode through the system ffmpeg in a fresh Node process (`ffmpeg-encoder-batch.ts`, with this
 * process's loader flags): `pipe`, `FfmpegEncoder` fed the raw file's frames, or `file`, `FfmpegFileEncode` with
 * ffmpeg reading the Y4M file itself. fps from the start to the last sample, and the CPU time per frame of that
 * process and its ffmpeg over the same span, recorded under `name`.
 */
function ffmpegEncoderFps(
  name: string,
  mode: 'pipe' | 'file',
  path: string,
  w: number,
  h: number,
  preset: string,
  threads = 2,
  frames = FRAMES,
): number {
  const run = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      BATCH_RUNNER,
      mode,
      path,
      String(w),
      String(h),
      preset,
      String(GOP),
      String(frames),
      String(threads),
    ],
    { cwd: import.meta.dirname, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`${name} run failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
    frames: number;
    seconds: number;
    steadySeconds: number;
    steadyFrom: number;
    nodeCpuMs: number;
    ffmpegCpuMs: number;
  };
  if (r.frames !== frames) throw new Error(`${name} encoded ${r.frames} of ${frames} frames`);
  if (frames > r.steadyFrom) recordSteady(name, (r.frames - r.steadyFrom - 1) / r.steadySeconds);
  recordCpu(name, (r.nodeCpuMs + r.ffmpegCpuMs) / frames);
  recordCpu(`${name} (ffmpeg alone)`, r.ffmpegCpuMs / frames);
  return r.frames / r.seconds;
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
  const cell = `${w}x${h} ${preset}`;
  const run = spawnSync(
    python,
    [PYAV_SCRIPT, path, String(w), String(h), preset, String(GOP), String(PYAV_THREADS), String(FRAMES)],
    // The anchors' malloc settings (`anchorEnv`): libavcodec in Python allocates per frame the same way.
    { encoding: 'utf8', env: ffmpegEnv(frameByteLength('I420', w, h)) },
  );
  if (run.status !== 0) throw new Error(`PyAV anchor failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
    frames: number;
    seconds: number;
    steady_seconds: number;
    steady_from: number;
  };
  if (r.frames !== FRAMES) throw new Error(`PyAV encoded ${r.frames} of ${FRAMES} frames`);
  recordSteady(`pyav ${cell}`, (r.frames - r.steady_from - 1) / r.steady_seconds);
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

/** The median over rounds of `a`'s figure over `b`'s in the same round (rounds are interleaved). */
function roundRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return Number.NaN;
  return median(a.slice(-n).map((x, i) => x / (b.slice(-n)[i] as number)));
}

/** A measurement from per-round figures. */
function measurement(name: string, unit: string, rounds: number[]): Measurement {
  return { name, unit, median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
}

// ---- batch ---------------------------------------------------------------------------------------------
if (SECTIONS.has('batch')) {
  const cases: Record<string, { unit: string; run: () => number | Promise<number> }> = {};
  for (const [w, h] of SIZES) {
    const raw = rawPath(w, h);
    const y4m = y4mPath(w, h);
    for (const preset of PRESETS) {
      const cell = `${w}x${h} ${preset}`;
      cases[`ffmpeg-encoder ${cell}`] = {
        unit: 'fps',
        run: () => ffmpegEncoderFps(`ffmpeg-encoder ${cell}`, 'pipe', raw, w, h, preset),
      };
      cases[`ffmpeg-file ${cell}`] = {
        unit: 'fps',
        run: () => ffmpegEncoderFps(`ffmpeg-file ${cell}`, 'file', y4m, w, h, preset),
      };
      cases[`ffmpeg-file-t1 ${cell}`] = {
        unit: 'fps',
        run: () => ffmpegEncoderFps(`ffmpeg-file-t1 ${cell}`, 'file', y4m, w, h, preset, 1),
      };
      cases[`native-t2 ${cell}`] = { unit: 'fps', run: () => nativeFps(`native-t2 ${cell}`, y4m, preset, 2) };
      // The same encodes cut to SHORT_FRAMES: the CPU of a frame beyond them is the difference's share.
      cases[`ffmpeg-encoder ${cell} short`] = {
        unit: 'fps',
        run: () =>
          ffmpegEncoderFps(`ffmpeg-encoder ${cell} short`, 'pipe', raw, w, h, preset, 2, SHORT_FRAMES),
      };
      cases[`ffmpeg-file ${cell} short`] = {
        unit: 'fps',
        run: () => ffmpegEncoderFps(`ffmpeg-file ${cell} short`, 'file', y4m, w, h, preset, 2, SHORT_FRAMES),
      };
      cases[`native-t2 ${cell} short`] = {
        unit: 'fps',
        run: () => nativeFps(`native-t2 ${cell} short`, y4m, preset, 2, SHORT_FRAMES),
      };
      cases[`native-pipe ${cell}`] = {
        unit: 'fps',
        run: () => nativePipeFps(`native-pipe ${cell}`, raw, w, h, preset),
      };
      if (pyAv) cases[`pyav ${cell}`] = { unit: 'fps', run: () => pyAvFps(pyAv.python, raw, w, h, preset) };
      cases[`native-t1 ${cell}`] = { unit: 'fps', run: () => nativeFps(`native-t1 ${cell}`, y4m, preset, 1) };
      cases[`pool ${cell}`] = { unit: 'fps', run: () => poolFps(pool, raw, w, h, preset) };
    }
  }
  // Only the pool needs a warm-up run (its workers' JIT); the other cases start a fresh process each run.
  for (const [w, h] of SIZES) for (const preset of PRESETS) await poolFps(pool, rawPath(w, h), w, h, preset);
  Object.assign(measurements, await interleave(ROUNDS, cases, 0));
  // CPU per frame: the counted rounds only (the warm-up round ran first).
  for (const [name, values] of Object.entries(cpuPerFrame))
    measurements[`${name} cpu`] = measurement(`${name} cpu`, 'ms CPU/frame', values.slice(-ROUNDS));
  for (const [w, h] of SIZES) {
    for (const preset of PRESETS) {
      const cell = `${w}x${h} ${preset}`;
      const t2 = measurements[`native-t2 ${cell}`] as Measurement;
      const t2Cpu = measurements[`native-t2 ${cell} cpu`] as Measurement;
      const py = measurements[`pyav ${cell}`];
      const pyAvSteady = steadyFps[`pyav ${cell}`] ?? [];
      for (const [key, metric, threads] of [
        ['ffmpeg-encoder', `batch ${cell} FfmpegEncoder (frames through its pipe, batch mode, 2 threads)`, 2],
        ['ffmpeg-file', `batch ${cell} FfmpegFileEncode (ffmpeg reads the Y4M itself, 2 threads)`, 2],
        ['ffmpeg-file-t1', `batch ${cell} FfmpegFileEncode (ffmpeg reads the Y4M itself, 1 thread)`, 1],
      ] as const) {
        const enc = measurements[`${key} ${cell}`] as Measurement;
        const encCpu = measurements[`${key} ${cell} cpu`] as Measurement;
        const ffmpegCpu = measurements[`${key} ${cell} (ffmpeg alone) cpu`] as Measurement;
        if (threads === 2) {
          const vsNative = roundRatio(enc.rounds, t2.rounds);
          summary.push({
            metric,
            value: `${fmt(enc.median, 0)} fps`,
            anchor: `native ffmpeg -threads 2 (Y4M) ${fmt(t2.median, 0)} fps`,
            ratio: `${fmt(vsNative)}×`,
            goal: goalMet('≥ 0.9×', vsNative, 0.9, true),
          });
        }
        if (key === 'ffmpeg-encoder') {
          const pipe = measurements[`native-pipe ${cell}`] as Measurement;
          summary.push({
            metric,
            value: `${fmt(enc.median, 0)} fps`,
            anchor: `native ffmpeg -threads 2 fed by cat through a pipe ${fmt(pipe.median, 0)} fps`,
            ratio: `${fmt(roundRatio(enc.rounds, pipe.rounds))}×`,
            goal: 'report (what a pipe costs)',
          });
        }
        if (py) {
          const steady = steadyFps[`${key} ${cell}`] ?? [];
          const vsPyAv = roundRatio(steady, pyAvSteady);
          summary.push({
            metric: `${metric}, steady fps (after the first GOP, as PyAV's loop)`,
            value: `${fmt(median(steady), 0)} fps`,
            anchor: `PyAV (${PYAV_THREADS} thread) ${fmt(median(pyAvSteady), 0)} fps`,
            ratio: `${fmt(vsPyAv)}×`,
            goal: goalMet('≥ 1.0×', vsPyAv, 1, true),
          });
        }
        if (threads === 2) {
          const cpuVsNative = roundRatio(encCpu.rounds, t2Cpu.rounds);
          summary.push({
            metric: `${metric}, CPU per frame (Node + ffmpeg)`,
            value: `${fmt(encCpu.median)} ms (ffmpeg ${fmt(ffmpegCpu.median)} ms)`,
            anchor: `native ffmpeg -threads 2 ${fmt(t2Cpu.median)} ms`,
            ratio: `${fmt(cpuVsNative)}×`,
            goal: goalMet('≤ 1.15×', cpuVsNative, 1.15, false),
          });
          const marginal = marginalCpu(`${key} ${cell}`);
          const nativeMarginal = marginalCpu(`native-t2 ${cell}`);
          const marginalVsNative = roundRatio(marginal, nativeMarginal);
          summary.push({
            metric: `${metric}, CPU per frame beyond the first ${SHORT_FRAMES} (start-ups left out)`,
            value: `${fmt(median(marginal))} ms`,
            anchor: `native ffmpeg -threads 2 ${fmt(median(nativeMarginal))} ms`,
            ratio: `${fmt(marginalVsNative)}×`,
            goal: goalMet('≤ 1.15×', marginalVsNative, 1.15, false),
          });
        }
      }
      if (py) {
        summary.push({
          metric: `batch ${cell} PyAV (${PYAV_THREADS} thread), whole encode loop (first frame read → flushed)`,
          value: `${fmt(py.median, 0)} fps`,
          anchor: `native ffmpeg -threads 2 (Y4M, whole process) ${fmt(t2.median, 0)} fps`,
          ratio: `${fmt(roundRatio(py.rounds, t2.rounds))}×`,
          goal: 'report',
        });
      }
    }
  }
  for (const [w, h] of SIZES) {
    for (const preset of PRESETS) {
      const cell = `${w}x${h} ${preset}`;
      const p = measurements[`pool ${cell}`] as Measurement;
      const t1 = measurements[`native-t1 ${cell}`] as Measurement;
      const t2 = measurements[`native-t2 ${cell}`] as Measurement;
      const py = measurements[`pyav ${cell}`];
      summary.push({
        metric: `batch ${cell} wasm pool of 2 (fallback)`,
        value: `${fmt(p.median, 0)} fps`,
        anchor: `native t1 ${fmt(t1.median, 0)} / t2 ${fmt(t2.median, 0)} fps${py ? `, PyAV t1 ${fmt(py.median, 0)} fps` : ''}`,
        ratio: `${fmt(roundRatio(p.rounds, t1.rounds))}× t1, ${fmt(roundRatio(p.rounds, t2.rounds))}× t2${py ? `, ${fmt(roundRatio(p.rounds, py.rounds))}× PyAV` : ''}`,
        goal: 'reported (fallback)',
      });
    }
  }
  notes.push(
    `batch: ${FRAMES} frames per run, ${ROUNDS} interleaved rounds (the wasm pool warmed up by one run per cell first); ratios are medians of per-round ratios. FfmpegEncoder (frames written to its pipe) and FfmpegFileEncode (ffmpeg reading the Y4M file itself, as capture --input FILE.y4m does) run in a fresh Node process per run (bench/ffmpeg-encoder-batch.ts): fps and CPU span the encoder's start to the last sample (ffmpeg's start included, Node's start and module loading not), CPU = that process's (every thread) + its ffmpeg's (waited-for children, /proc, 10 ms ticks). Native ffmpeg reads the Y4M copy of the frames to /dev/null; its fps and CPU are the whole process's. The pipe anchor is \`cat RAW | ffmpeg … -i pipe:0\` with the same arguments: fps of the whole pipeline. CPU per frame beyond the first ${SHORT_FRAMES}: each of FfmpegEncoder, FfmpegFileEncode and native ffmpeg also encodes only the first ${SHORT_FRAMES} frames in every round, and (CPU of the whole run − CPU of that run) / ${FRAMES - SHORT_FRAMES} is what a further frame costs, start-ups (ffmpeg's process start, about 0.12 s of CPU here for \`ffmpeg -version\` alone; x264's set-up; Node's first compiles) cancelled out on both sides. Wasm pool rows are the fallback (no ffmpeg installed).`,
    pyAv
      ? `PyAV anchor: PyAV ${pyAv.version} (${pyAv.python}), libx264 with the same options, ${PYAV_THREADS} encoder thread (as in Rerun's example); its script times the encode loop only (no interpreter start, import or codec open). Steady fps, for it and for ours alike: the ${FRAMES - 31} frames after sample 30 (the first GOP) over the time from that sample's arrival to the last one's; this leaves out ffmpeg's process start (about 0.1 s here: \`ffmpeg -version\` alone takes that long) as PyAV's figure leaves out its codec open. FfmpegFileEncode's output comes in 32 KiB blocks, so its sample 30 can arrive up to a block late: its steady window can be short by up to the frames of one block (about 1%).`
      : 'PyAV anchor skipped: no Python here can `import av` (run bench/setup.sh to install python3-av).',
  );
}

// ---- live at 30 fps: wasm LiveEncoder (fallback) ------------------------------------------------------
interface LiveRound {
  /** Latencies of the frames after the first LIVE_SKIP, keyframe-request frames apart, ms. */
  readonly steady: number[];
  /** Latencies of the keyframe-request frames (encoder restarts), ms. */
  readonly restart: number[];
  readonly dropped: number;
  readonly framesIn: number;
}

/** Waits until `frame` is due at 30 fps after `t0`. */
async function pace(t0: number, index: number): Promise<void> {
  const wait = t0 + (index * 1000) / 30 - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
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
    await pace(t0, frame.index);
    if (frame.index === 100 || frame.index === 200) encoder.requestKeyframe();
    sent.set(frame.pts, performance.now());
    encoder.encode(frame);
  }
  await encoder.close();
  await reading;
  const stats = encoder.stats();
  return {
    steady: latency.slice(LIVE_SKIP),
    restart,
    dropped: stats.framesDropped,
    framesIn: stats.framesIn,
  };
}

/** Frames dropped by the wasm LiveEncoder per cell, for the FfmpegEncoder rows: [dropped, frames in]. */
const wasmDrops = new Map<string, [number, number]>();

const LIVE: [number, number, X264Preset][] = [
  [640, 480, 'ultrafast'],
  [640, 480, 'veryfast'],
  [1280, 720, 'ultrafast'],
  [1280, 720, 'veryfast'],
];
for (const [w, h, preset] of SECTIONS.has('live-wasm') ? LIVE : []) {
  const cell = `${w}x${h} ${preset}`;
  const path = rawPath(w, h);
  // The anchor: the same worker code encoding the same frames offline in one ffmpeg run (the first ANCHOR_FRAMES
  // frames, one thread), ms per frame as the worker timed it: no segment start-ups, no transfers.
  const anchorFrames = [...readFrames(path, w, h, false, ANCHOR_FRAMES)];
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
  const medianRatio = roundRatio(medians, offlineRuns);
  const p99Ratio = roundRatio(p99s, offlineRuns);
  const dropped = rounds.reduce((n, r) => n + r.dropped, 0);
  const framesIn = rounds.reduce((n, r) => n + r.framesIn, 0);
  wasmDrops.set(cell, [dropped, framesIn]);
  measurements[`live ${cell}`] = measurement(`live ${cell}`, 'ms', medians);
  measurements[`live ${cell} p99`] = measurement(`live ${cell} p99`, 'ms', p99s);
  summary.push({
    metric: `live ${cell} @30 fps latency (median / p99), wasm LiveEncoder (fallback)`,
    value: `${fmt(med, 1)} / ${fmt(p99, 1)} ms (p99 per round ${fmt(Math.min(...p99s), 1)}–${fmt(Math.max(...p99s), 1)}), ${dropped} dropped of ${framesIn}`,
    anchor: `offline ${fmt(offlineMs, 1)} ms/frame (per round ${fmt(Math.min(...offlineRuns), 1)}–${fmt(Math.max(...offlineRuns), 1)})`,
    ratio: `${fmt(medianRatio)}× / ${fmt(p99Ratio)}× (medians of per-round ratios)`,
    goal: 'reported (fallback)',
  });
  const restarts = rounds.flatMap((r) => r.restart);
  if (restarts.length > 0) {
    notes.push(
      `${cell}: wasm requestKeyframe() (encoder restart) frames took median ${fmt(median(restarts), 1)} ms (${restarts.length} requests, max ${fmt(Math.max(...restarts), 1)} ms) vs median ${fmt(med, 1)} ms.`,
    );
  }
}
if (SECTIONS.has('live-wasm'))
  notes.push(
    `live wasm (fallback): ${ROUNDS} rounds per cell, each an offline anchor run (${ANCHOR_FRAMES} frames, one worker thread) and then a fresh LiveEncoder fed ${FRAMES} frames at 30 fps; per round the median and p99 of the frames after the first ${LIVE_SKIP} (keyframe-request frames 100 and 200 apart) and their ratios to that round's anchor, then the medians over rounds.`,
  );
await pool.close();
await single.close();

// ---- live at 30 fps: FfmpegEncoder against native ffmpeg through a pipe -------------------------------
/**
 * The anchor: native ffmpeg with the arguments `FfmpegEncoder` gives x264 (core's `x264EncodeArgs`, packets
 * flushed as they come) writing `-f h264` to a pipe, fed `count` frames at 30 fps. A frame's latency runs from
 * its write to the arrival of its last byte; where each frame ends is found afterwards by splitting the captured
 * stream into access units (one per frame, as ffmpeg's packets; checked to add up to the stream).
 */
async function nativePipeRound(path: string, w: number, h: number, preset: X264Preset, count: number) {
  const options = resolveH264Options({ width: w, height: h, fpsNum: 30, preset, gop: GOP });
  const child = spawn('ffmpeg', x264EncodeArgs(options, 'pipe:0', 'pipe:1'), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: ffmpegEnv(options.frameBytes),
  });
  const chunks: Buffer[] = [];
  const arrivals: { at: number; end: number }[] = [];
  let total = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    total += chunk.length;
    chunks.push(chunk);
    arrivals.push({ at, end: total });
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    log = (log + text).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const sent: number[] = [];
  const t0 = performance.now();
  for (const frame of readFrames(path, w, h, false, count)) {
    await pace(t0, frame.index);
    sent.push(performance.now());
    child.stdin.write(frame.data);
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`native ffmpeg (pipe) exited with ${code}: ${log}`);
  const splitter = new AccessUnitSplitter({ codec: 'h264' });
  const stream = Buffer.concat(chunks);
  const units = [...splitter.push(stream), ...splitter.end()];
  const sum = units.reduce((n, u) => n + u.data.length, 0);
  if (units.length !== count || sum !== total)
    throw new Error(
      `native pipe: ${units.length} access units (${sum} bytes) for ${count} frames (${total} bytes)`,
    );
  const latencies: number[] = [];
  let end = 0;
  let k = 0;
  units.forEach((unit, i) => {
    end += unit.data.length;
    while ((arrivals[k] as { end: number }).end < end) k++;
    latencies.push((arrivals[k] as { at: number }).at - (sent[i] as number));
  });
  return latencies.slice(LIVE_SKIP);
}

/** One live run of `FfmpegEncoder` with live defaults (`drop-oldest`, 2 frames in flight), frames at 30 fps. */
async function ffmpegLiveRound(
  path: string,
  w: number,
  h: number,
  preset: X264Preset,
  count: number,
): Promise<LiveRound> {
  const encoder = await FfmpegEncoder.open({ width: w, height: h, fpsNum: 30, preset, gop: GOP });
  const sent = new Map<bigint, number>();
  const latency: number[] = [];
  const reading = (async () => {
    for await (const s of encoder.samples())
      latency.push(performance.now() - (sent.get(s.pts) ?? Number.NaN));
  })();
  const t0 = performance.now();
  for (const frame of readFrames(path, w, h, false, count)) {
    await pace(t0, frame.index);
    sent.set(frame.pts, performance.now());
    encoder.encode(frame);
  }
  await encoder.close();
  await reading;
  const stats = encoder.stats();
  // Dropped frames have no sample: the first LIVE_SKIP samples are skipped, whichever frames they are.
  return {
    steady: latency.slice(LIVE_SKIP),
    restart: [],
    dropped: stats.framesDropped,
    framesIn: stats.framesIn,
  };
}

const LIVE_FFMPEG: [number, number, X264Preset][] = [
  [640, 480, 'ultrafast'],
  [640, 480, 'veryfast'],
  [1280, 720, 'veryfast'],
];
for (const [w, h, preset] of SECTIONS.has('live-ffmpeg') ? LIVE_FFMPEG : []) {
  const cell = `${w}x${h} ${preset}`;
  const path = rawPath(w, h);
  const dropCell = w === 1280 && preset === 'veryfast';
  const count = dropCell ? FRAMES : LIVE_LATENCY_FRAMES;
  const anchorMedians: number[] = [];
  const anchorP99s: number[] = [];
  const rounds: LiveRound[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const anchor = await nativePipeRound(path, w, h, preset, LIVE_LATENCY_FRAMES);
    anchorMedians.push(median(anchor));
    anchorP99s.push(percentile(anchor, 99));
    rounds.push(await ffmpegLiveRound(path, w, h, preset, count));
  }
  const medians = rounds.map((r) => median(r.steady));
  const p99s = rounds.map((r) => percentile(r.steady, 99));
  const medianRatio = roundRatio(medians, anchorMedians);
  const p99Ratio = roundRatio(p99s, anchorP99s);
  const dropped = rounds.map((r) => r.dropped);
  const framesIn = rounds.reduce((n, r) => n + r.framesIn, 0);
  const droppedTotal = dropped.reduce((n, d) => n + d, 0);
  measurements[`live ffmpeg-encoder ${cell}`] = measurement(`live ffmpeg-encoder ${cell}`, 'ms', medians);
  measurements[`live ffmpeg-encoder ${cell} p99`] = measurement(
    `live ffmpeg-encoder ${cell} p99`,
    'ms',
    p99s,
  );
  measurements[`live native pipe ${cell}`] = measurement(`live native pipe ${cell}`, 'ms', anchorMedians);
  measurements[`live native pipe ${cell} p99`] = measurement(
    `live native pipe ${cell} p99`,
    'ms',
    anchorP99s,
  );
  measurements[`live ffmpeg-encoder ${cell} dropped`] = measurement(
    `live ffmpeg-encoder ${cell} dropped`,
    'frames',
    dropped,
  );
  const metric = `live ${cell} @30 fps latency (median / p99), FfmpegEncoder (drop-oldest, 2 in flight)`;
  summary.push({
    metric,
    value: `${fmt(median(medians), 1)} / ${fmt(median(p99s), 1)} ms (p99 per round ${fmt(Math.min(...p99s), 1)}–${fmt(Math.max(...p99s), 1)}), ${droppedTotal} dropped of ${framesIn}`,
    anchor: `native ffmpeg pipe ${fmt(median(anchorMedians), 1)} / ${fmt(median(anchorP99s), 1)} ms`,
    ratio: `${fmt(medianRatio)}× / ${fmt(p99Ratio)}× (medians of per-round ratios)`,
    goal: `${goalMet('median ≤ 1.2×', medianRatio, 1.2, false)}; ${goalMet('p99 ≤ 2×', p99Ratio, 2, false)}`,
  });
  if (dropCell) {
    const wasm = wasmDrops.get(cell);
    summary.push({
      metric: `live ${cell} @30 fps, ${FRAMES} frames, frames dropped (drop-oldest), FfmpegEncoder`,
      value: `${droppedTotal} of ${framesIn} (per round ${dropped.join(', ')})`,
      anchor: wasm ? `wasm LiveEncoder ${wasm[0]} of ${wasm[1]}` : 'wasm LiveEncoder not run',
      ratio: '-',
      goal: goalMet('0 dropped', droppedTotal, 0, false),
    });
  }
}
if (SECTIONS.has('live-ffmpeg'))
  notes.push(
    `live FfmpegEncoder: ${ROUNDS} rounds per cell, each a native ffmpeg pipe anchor run (${LIVE_LATENCY_FRAMES} frames at 30 fps, the same arguments with \`-f h264\` to a pipe; a frame's latency from its write to the arrival of its last byte, frame ends from splitting the captured stream) and then a fresh FfmpegEncoder fed ${LIVE_LATENCY_FRAMES} frames at 30 fps (${FRAMES} at 1280x720 veryfast, for its drop count) (latency from encode() to the sample, paired by pts); per round the median and p99 of the frames after the first ${LIVE_SKIP}, ratios per round, medians over rounds.`,
  );

// ---- memory: in a fresh child process on the built package --------------------------------------------
if (SECTIONS.has('memory')) {
  const mb = (n: number) => fmt(n / (1 << 20), 0);
  // The optional second run caps glibc's malloc arenas: each thread (main, worker, V8's helpers) otherwise keeps
  // freed frame buffers in an arena of its own.
  const runs: [string, Record<string, string>][] = [['', {}]];
  if (process.env.CAMSTREAM_BENCH_MEMORY_ARENAS === '1')
    runs.push([' (MALLOC_ARENA_MAX=2)', { MALLOC_ARENA_MAX: '2' }]);
  for (const [label, env] of runs) {
    const r = memoryRun(env);
    summary.push({
      metric: `memory, live 720p ultrafast, ${r.frames} frames unpaced, wasm${label}`,
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
