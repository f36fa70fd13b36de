/**
 * Bitstream parser benchmarks. Every anchor in the same run, on the same 60+ MB x264 720p
 * Annex B stream (made once by Debian's ffmpeg, cached in the OS temp dir):
 * 1. start-code scanning, fed in 4 KB and 1 MB pieces: a plain byte loop, an hls.js-style `indexOf(1)`
 *    scanner, mux.js's `NalByteStream`, our `AnnexBScanner`; and Node's native `Buffer.indexOf` of
 *    `00 00 01` over the whole buffer (the native limit);
 * 2. full access-unit splitting with keyframe detection (`AccessUnitSplitter`) against our own scan;
 * 3. live: parser time per 720p frame with the encoder's frame-end signal (`endAccessUnit()`), against
 *    native x264 (`-threads 1`, ultrafast) per-frame encode time measured in the same run.
 *
 * Before/after in the same run: with `CAMSTREAM_BENCH_BASELINE=<checkout>` (e.g. a `git worktree add` of an
 * earlier commit), that checkout's `AccessUnitSplitter`, loaded from its sources, runs every splitter case of
 * 2 and 3 back to back with ours, in the same rounds; the summary adds our speed over the baseline's (median
 * of the per-round ratios). `CAMSTREAM_BENCH_ROUNDS` sets the number of rounds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessUnit, AccessUnitSplitter, AnnexBScanner } from '@camstream/core';
import muxjs from 'mux.js';
import { fmt, interleave, type Measurement, median, type SummaryRow, writeResults } from './lib.js';

const MIN_BYTES = 60_000_000;
const WIDTH = 1280;
const HEIGHT = 720;
const GOP = 60;
/** Rounds of the throughput cases and of the live cases; `CAMSTREAM_BENCH_ROUNDS` sets both. */
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 7);
const LIVE_ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 3);
const SLOW_ROUNDS = 3;
const LIVE_FRAMES = 300;

type Splitter = typeof AccessUnitSplitter;
const baselineRoot = process.env.CAMSTREAM_BENCH_BASELINE;
/** The baseline checkout's splitter, loaded from its sources (with its own copy of every module it uses). */
const Baseline: Splitter | undefined = baselineRoot
  ? (
      (await import(join(baselineRoot, 'packages/core/src/bitstream/access-unit-splitter.ts'))) as {
        AccessUnitSplitter: Splitter;
      }
    ).AccessUnitSplitter
  : undefined;

// ---- the stream ---------------------------------------------------------------------------------------

const x264Args = (frames: number, extra: readonly string[]) => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-y',
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${WIDTH}x${HEIGHT}:rate=30`,
  '-frames:v',
  String(frames),
  '-pix_fmt',
  'yuv420p',
  '-c:v',
  'libx264',
  '-bf',
  '0',
  '-g',
  String(GOP),
  ...extra,
];

/** x264 veryfast (CABAC, what x264 emits by default) at a high quality, so 60 MB take ~2000 frames. */
function bigStream(): Uint8Array {
  const path = join(tmpdir(), `camstream-bench-bitstream-${WIDTH}x${HEIGHT}-veryfast-crf8-v1.h264`);
  if (!existsSync(path) || statSync(path).size < MIN_BYTES) {
    const started = Date.now();
    const partial = `${path}.${process.pid}.partial`;
    execFileSync('ffmpeg', [...x264Args(2100, ['-preset', 'veryfast', '-crf', '8']), '-f', 'h264', partial], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    renameSync(partial, path);
    console.error(`made ${path} in ${fmt((Date.now() - started) / 1000, 1)} s`);
  }
  const file = readFileSync(path);
  if (file.length < MIN_BYTES) throw new Error(`${path}: ${file.length} bytes, want ≥ ${MIN_BYTES}`);
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

const stream = bigStream();
const streamPath = join(tmpdir(), `camstream-bench-bitstream-${WIDTH}x${HEIGHT}-veryfast-crf8-v1.h264`);
const totalBytes = stream.length;
/** A plain `Uint8Array` view (V8's own `indexOf`) and a `Buffer` view (Node's native search) of the same bytes. */
const asBuffer = Buffer.from(stream.buffer, stream.byteOffset, stream.length);

function piecesOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
const PIECES = { '4 KB': piecesOf(stream, 4096), '1 MB': piecesOf(stream, 1 << 20) } as const;
type PieceSize = keyof typeof PIECES;

// ---- anchors --------------------------------------------------------------------------------------------

/** A plain byte loop: count zeros, a `01` after two or more is a start code. */
function byteLoop(pieces: readonly Uint8Array[]): number {
  let zeros = 0;
  let count = 0;
  for (const p of pieces) {
    for (let i = 0; i < p.length; i++) {
      const b = p[i] as number;
      if (b === 0) zeros++;
      else {
        if (b === 1 && zeros >= 2) count++;
        zeros = 0;
      }
    }
  }
  return count;
}

/** Zero bytes at the end of `p`, added to `carried` if `p` is all zeros. */
function trailingZeros(p: Uint8Array, carried: number): number {
  let k = p.length - 1;
  while (k >= 0 && p[k] === 0) k--;
  return k < 0 ? carried + p.length : p.length - 1 - k;
}

/** hls.js style: V8's `Uint8Array.prototype.indexOf(1)`, then look at the two bytes before each hit. */
function indexOfOne(pieces: readonly Uint8Array[]): number {
  let count = 0;
  let carried = 0;
  for (const p of pieces) {
    const n = p.length;
    if (n > 0 && p[0] === 1 && carried >= 2) count++;
    else if (n > 1 && p[1] === 1 && p[0] === 0 && carried >= 1) count++;
    for (let i = p.indexOf(1, 2); i !== -1; i = p.indexOf(1, i + 1)) {
      if (p[i - 1] === 0 && p[i - 2] === 0) count++;
    }
    carried = trailingZeros(p, carried);
  }
  return count;
}

/** mux.js 7.1.0 `NalByteStream` (used by video.js / VHS): counts its `data` events (NAL units). */
function muxJs(pieces: readonly Uint8Array[]): number {
  const nals = new muxjs.codecs.h264.NalByteStream();
  let count = 0;
  nals.on('data', () => {
    count++;
  });
  for (const data of pieces) nals.push({ data });
  nals.flush();
  return count;
}

const NEEDLE = Buffer.from([0, 0, 1]);
/** Node's native needle search over the whole buffer: the native limit. */
function nativeNeedle(): number {
  let count = 0;
  for (let i = asBuffer.indexOf(NEEDLE, 0); i !== -1; i = asBuffer.indexOf(NEEDLE, i + 3)) count++;
  return count;
}

/** Our scanner, scan only. */
function ourScan(pieces: readonly Uint8Array[]): number {
  const scanner = new AnnexBScanner();
  let count = 0;
  const listener = {
    onStartCode(): undefined {
      count++;
    },
  };
  for (const p of pieces) scanner.scan(p, listener);
  return count;
}

/** A splitter: access units with keyframe detection; counts NAL units (and checks frames and keyframes). */
let splitFrames = 0;
let splitKeyframes = 0;
function split(pieces: readonly Uint8Array[], Splitter: Splitter = AccessUnitSplitter): number {
  const splitter = new Splitter({ codec: 'h264' });
  let nals = 0;
  let frames = 0;
  let keys = 0;
  const take = (aus: readonly AccessUnit[]) => {
    for (const au of aus) {
      nals += au.nalTypes.length;
      frames++;
      if (au.isKeyframe) keys++;
    }
  };
  for (const p of pieces) take(splitter.push(p));
  take(splitter.end());
  splitFrames = frames;
  splitKeyframes = keys;
  return nals;
}

/**
 * What the splitter must do at least when samples span pieces: copy every byte once into memory the
 * consumer keeps (fresh 1 MB buffers, as the splitter's slabs). Not a parser; it shows the copy's cost.
 */
function freshCopy(pieces: readonly Uint8Array[]): number {
  let slab = new Uint8Array(0);
  let at = 0;
  for (const p of pieces) {
    if (at + p.length > slab.length) {
      slab = new Uint8Array(1 << 20);
      at = 0;
    }
    slab.set(p, at);
    at += p.length;
  }
  return slab.length > 0 ? expected : -1;
}

// ---- honesty check: every anchor finds the same start codes ------------------------------------------

const expected = nativeNeedle();
const counts: Record<string, number> = { 'native Buffer.indexOf': expected };
for (const size of Object.keys(PIECES) as PieceSize[]) {
  const pieces = PIECES[size];
  counts[`byte loop ${size}`] = byteLoop(pieces);
  counts[`indexOf(1) ${size}`] = indexOfOne(pieces);
  counts[`mux.js ${size}`] = muxJs(pieces);
  counts[`AnnexBScanner ${size}`] = ourScan(pieces);
  counts[`AccessUnitSplitter ${size} (NAL units)`] = split(pieces);
  if (Baseline)
    counts[`baseline checkout's AccessUnitSplitter ${size} (NAL units)`] = split(pieces, Baseline);
}
const wrong = Object.entries(counts).filter(([, n]) => n !== expected);
if (wrong.length > 0) {
  throw new Error(`anchors disagree on the start codes (want ${expected}): ${JSON.stringify(counts)}`);
}
const probedFrames = Number(
  execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_packets',
      '-show_entries',
      'stream=nb_read_packets',
      '-of',
      'csv=p=0',
      streamPath,
    ],
    { encoding: 'utf8' },
  ).trim(),
);
if (splitFrames !== probedFrames) {
  throw new Error(`splitter found ${splitFrames} frames, ffprobe ${probedFrames}`);
}
const wantKeys = Math.ceil(splitFrames / GOP);
if (splitKeyframes < wantKeys) throw new Error(`${splitKeyframes} keyframes, want ≥ ${wantKeys}`);

// ---- 1 + 2. throughput ---------------------------------------------------------------------------------

/** A case's figure for one round by wall-clock time, and by this process's CPU time. */
interface Figures {
  readonly wall: number;
  readonly cpu: number;
}

/** CPU time of this process (all its threads), in ns. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Runs `fn` (one pass over the stream) until `minMs` have passed; GB/s. */
function throughputOf(fn: () => number, minMs: number): Figures {
  // One untimed pass first: the heap and the allocator settle into this case's pattern (the splitter's
  // slabs, mux.js's buffers) instead of timing the clean-up of the case before.
  if (minMs > 0) fn();
  const start = process.hrtime.bigint();
  const cpuStart = cpuNs();
  let passes = 0;
  let ns = 0n;
  do {
    if (fn() !== expected) throw new Error('count changed between runs');
    passes++;
    ns = process.hrtime.bigint() - start;
  } while (Number(ns) / 1e6 < minMs);
  const bytes = totalBytes * passes;
  return { wall: bytes / Number(ns), cpu: bytes / (cpuNs() - cpuStart) };
}
const gbps = (fn: () => number, minMs: number): number => throughputOf(fn, minMs).wall;

type Case = { unit: string; run: () => number };
const fast = (fn: () => number): Case => ({ unit: 'GB/s', run: () => gbps(fn, 150) });
const once = (fn: () => number): Case => ({ unit: 'GB/s', run: () => gbps(fn, 0) });

/** Our figures and the baseline checkout's of every counted round, by case name. */
const baselineRuns: Record<string, { readonly ours: Figures[]; readonly theirs: Figures[] }> = {};
/**
 * The case `figuresOf(Splitter)` for our splitter and, with a baseline checkout, for its splitter too, back
 * to back in an order that alternates every round (the second of two copy-heavy cases pays for the first
 * one's garbage). The case's figure is ours by wall clock; both sides' figures go to `baselineRuns[name]`.
 */
function withBaseline(
  name: string,
  unit: string,
  figuresOf: (Splitter: Splitter) => () => Figures,
  warmupRounds: number,
): Case {
  const ours = figuresOf(AccessUnitSplitter);
  if (!Baseline) return { unit, run: () => ours().wall };
  const theirs = figuresOf(Baseline);
  const runs = { ours: [] as Figures[], theirs: [] as Figures[] };
  baselineRuns[name] = runs;
  let round = 0;
  return {
    unit,
    run: () => {
      const counted = round++ >= warmupRounds;
      let mine: Figures;
      let other: Figures;
      if (round % 2 === 1) {
        mine = ours();
        other = theirs();
      } else {
        other = theirs();
        mine = ours();
      }
      if (counted) {
        runs.ours.push(mine);
        runs.theirs.push(other);
      }
      return mine.wall;
    },
  };
}

const WARMUP_ROUNDS = 2;
const fastCases: Record<string, Case> = {
  'native Buffer.indexOf 00 00 01 (whole buffer)': fast(nativeNeedle),
};
const slowCases: Record<string, Case> = {};
for (const size of Object.keys(PIECES) as PieceSize[]) {
  const pieces = PIECES[size];
  fastCases[`AnnexBScanner, ${size} pieces`] = fast(() => ourScan(pieces));
  const splitName = `AccessUnitSplitter, ${size} pieces`;
  fastCases[splitName] = withBaseline(
    splitName,
    'GB/s',
    (Splitter) => () => throughputOf(() => split(pieces, Splitter), 150),
    WARMUP_ROUNDS,
  );
  fastCases[`indexOf(1) (hls.js style), ${size} pieces`] = fast(() => indexOfOne(pieces));
  fastCases[`copy into fresh 1 MB buffers, ${size} pieces`] = fast(() => freshCopy(pieces));
  slowCases[`byte loop, ${size} pieces`] = once(() => byteLoop(pieces));
  slowCases[`mux.js NalByteStream, ${size} pieces`] = once(() => muxJs(pieces));
}
// The slow anchors run in fewer rounds, interleaved with the fast cases: after the fast cases of every
// other counted round, until they have SLOW_ROUNDS each.
const slowSamples: Record<string, number[]> = Object.fromEntries(Object.keys(slowCases).map((k) => [k, []]));
let round = 0;
const started = Date.now();
for (const c of Object.values(slowCases)) c.run(); // their warm-up
const fastRounds = await interleave(
  ROUNDS,
  {
    ...fastCases,
    slow: {
      unit: '',
      run: () => {
        const counted = round++ - WARMUP_ROUNDS;
        if (counted >= 0 && counted % 2 === 0) {
          for (const [name, c] of Object.entries(slowCases)) {
            const values = slowSamples[name];
            if (values && values.length < SLOW_ROUNDS) values.push(c.run());
          }
        }
        return 0;
      },
    },
  },
  WARMUP_ROUNDS,
);
const throughput: Record<string, Measurement> = {};
for (const [name, m] of Object.entries(fastRounds)) if (name !== 'slow') throughput[name] = m;
for (const [name, values] of Object.entries(slowSamples)) {
  const sorted = [...values].sort((a, b) => a - b);
  throughput[name] = {
    name,
    unit: 'GB/s',
    median: sorted[sorted.length >> 1] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    rounds: values,
  };
}
const throughputSeconds = (Date.now() - started) / 1000;

// ---- 3. live: parser per frame vs native x264 per frame -----------------------------------------------

const liveDir = mkdtempSync(join(tmpdir(), 'camstream-bench-live-'));
const livePath = join(liveDir, 'live.h264');
const encodeArgs = [
  ...x264Args(LIVE_FRAMES, ['-preset', 'ultrafast', '-threads', '1', '-sc_threshold', '0']),
  '-f',
  'h264',
  livePath,
];
// The same source and pixel-format conversion without the encoder, to subtract ffmpeg's start-up and testsrc2.
const sourceArgs = [
  '-hide_banner',
  '-loglevel',
  'error',
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${WIDTH}x${HEIGHT}:rate=30`,
  '-frames:v',
  String(LIVE_FRAMES),
  '-pix_fmt',
  'yuv420p',
  '-threads',
  '1',
  '-f',
  'null',
  '-',
];
function msPerFrame(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed`);
  return Number(process.hrtime.bigint() - start) / 1e6 / LIVE_FRAMES;
}
msPerFrame(encodeArgs);
const frames = (() => {
  const splitter = new AccessUnitSplitter({ codec: 'h264' });
  const bytes = new Uint8Array(readFileSync(livePath));
  return [...splitter.push(bytes), ...splitter.end()].map((au) => au.data.slice());
})();
if (frames.length !== LIVE_FRAMES) throw new Error(`live clip has ${frames.length} frames`);
const liveBytes = frames.reduce((n, f) => n + f.length, 0);

/** Per-frame parser time in µs: every frame pushed as the encoder writes it, then `endAccessUnit()`. */
function liveMicros(firstSliceOnly: boolean, Splitter: Splitter): Figures {
  const start = process.hrtime.bigint();
  const cpuStart = cpuNs();
  let passes = 0;
  let ns = 0n;
  do {
    const splitter = new Splitter({ codec: 'h264', firstSliceOnly });
    let out = 0;
    let keys = 0;
    for (const f of frames) {
      if (splitter.push(f).length !== 0) throw new Error('a sample left before its frame ended');
      const done = splitter.endAccessUnit();
      out += done.length;
      if (done[0]?.isKeyframe) keys++;
    }
    if (out !== LIVE_FRAMES || keys !== LIVE_FRAMES / GOP)
      throw new Error(`live: ${out} frames, ${keys} keys`);
    passes++;
    ns = process.hrtime.bigint() - start;
  } while (Number(ns) < 100e6);
  const frameCount = passes * LIVE_FRAMES;
  return { wall: Number(ns) / 1e3 / frameCount, cpu: (cpuNs() - cpuStart) / 1e3 / frameCount };
}

const LIVE_WARMUP_ROUNDS = 1;
const live = await interleave(
  LIVE_ROUNDS,
  {
    'x264 ultrafast -threads 1, 720p encode (wall, incl. ffmpeg start-up and source)': {
      unit: 'ms/frame',
      run: () => msPerFrame(encodeArgs),
    },
    'ffmpeg testsrc2 720p source only (-f null)': { unit: 'ms/frame', run: () => msPerFrame(sourceArgs) },
    ...Object.fromEntries(
      [false, true].map((firstSliceOnly) => {
        const name = `AccessUnitSplitter live, endAccessUnit()${firstSliceOnly ? ' + firstSliceOnly' : ''}`;
        const figuresOf = (Splitter: Splitter) => () => liveMicros(firstSliceOnly, Splitter);
        return [name, withBaseline(name, 'µs/frame', figuresOf, LIVE_WARMUP_ROUNDS)];
      }),
    ),
  },
  LIVE_WARMUP_ROUNDS,
);
rmSync(liveDir, { recursive: true, force: true });

// ---- results --------------------------------------------------------------------------------------------

const med = (name: string): number => {
  const m = throughput[name] ?? live[name];
  if (!m) throw new Error(`no measurement ${name}`);
  return m.median;
};
const gb = (n: number) => `${fmt(n)} GB/s`;
/** Goals met / not met, for the notes. */
const goals = { met: [] as string[], notMet: [] as string[] };
let goalName = '';
const verdict = (ratio: number, goal: number, atLeast = true) => {
  const met = atLeast ? ratio >= goal : ratio <= goal;
  (met ? goals.met : goals.notMet).push(goalName);
  return met ? 'met' : 'not met';
};

const native = med('native Buffer.indexOf 00 00 01 (whole buffer)');
const summary: SummaryRow[] = [];
for (const size of Object.keys(PIECES) as PieceSize[]) {
  const scan = med(`AnnexBScanner, ${size} pieces`);
  goalName = `scan ≥ 1.3× native needle (${size})`;
  summary.push({
    metric: `scan, ${size} pieces`,
    value: gb(scan),
    anchor: `native needle ${gb(native)}`,
    ratio: `${fmt(scan / native)}×`,
    goal: `≥ 1.3×: ${verdict(scan / native, 1.3)}`,
  });
}
for (const [size, goal] of [
  ['4 KB', 10],
  ['1 MB', 3],
] as const) {
  const scan = med(`AnnexBScanner, ${size} pieces`);
  const mux = med(`mux.js NalByteStream, ${size} pieces`);
  goalName = `scan ≥ ${goal}× mux.js (${size})`;
  summary.push({
    metric: `scan, ${size} pieces`,
    value: gb(scan),
    anchor: `mux.js ${gb(mux)}`,
    ratio: `${fmt(scan / mux, 1)}×`,
    goal: `≥ ${goal}×: ${verdict(scan / mux, goal)}`,
  });
}
for (const size of Object.keys(PIECES) as PieceSize[]) {
  const scan = med(`AnnexBScanner, ${size} pieces`);
  const split = med(`AccessUnitSplitter, ${size} pieces`);
  goalName = `split ≥ 0.8× our scan (${size})`;
  summary.push({
    metric: `split + keyframes, ${size} pieces`,
    value: gb(split),
    anchor: `our scan ${gb(scan)}`,
    ratio: `${fmt(split / scan)}×`,
    goal: `≥ 0.8×: ${verdict(split / scan, 0.8)}`,
  });
}
{
  // The limit of splitting small pieces: scan + one copy of every byte into fresh memory.
  const scan = med('AnnexBScanner, 4 KB pieces');
  const copy = med('copy into fresh 1 MB buffers, 4 KB pieces');
  const split = med('AccessUnitSplitter, 4 KB pieces');
  const bound = 1 / (1 / scan + 1 / copy);
  summary.push({
    metric: 'split + keyframes, 4 KB pieces',
    value: gb(split),
    anchor: `scan + copy into fresh memory ${gb(bound)} (copy alone ${gb(copy)})`,
    ratio: `${fmt(split / bound)}×`,
    goal: 'report',
  });
}
for (const size of Object.keys(PIECES) as PieceSize[]) {
  const scan = med(`AnnexBScanner, ${size} pieces`);
  for (const anchor of [`byte loop, ${size} pieces`, `indexOf(1) (hls.js style), ${size} pieces`]) {
    const a = med(anchor);
    summary.push({
      metric: `scan, ${size} pieces`,
      value: gb(scan),
      anchor: `${anchor.split(',')[0]} ${gb(a)}`,
      ratio: `${fmt(scan / a, 1)}×`,
      goal: 'report',
    });
  }
}
const encoderWall = med('x264 ultrafast -threads 1, 720p encode (wall, incl. ffmpeg start-up and source)');
const source = med('ffmpeg testsrc2 720p source only (-f null)');
const encoderNet = encoderWall - source;
for (const firstSliceOnly of [false, true]) {
  const us = med(`AccessUnitSplitter live, endAccessUnit()${firstSliceOnly ? ' + firstSliceOnly' : ''}`);
  const ratio = us / 1000 / encoderNet;
  goalName = `live ≤ 1% of x264 per frame${firstSliceOnly ? ' (firstSliceOnly)' : ''}`;
  summary.push({
    metric: `live 720p, endAccessUnit()${firstSliceOnly ? ' + firstSliceOnly' : ''}`,
    value: `${fmt(us)} µs/frame`,
    anchor: `x264 ultrafast 1 thread ${fmt(encoderNet)} ms/frame`,
    ratio: `${fmt(ratio * 100, 3)} %`,
    goal: `≤ 1 %: ${verdict(ratio, 0.01, false)}`,
  });
}

if (Baseline) {
  // Our speed over the baseline checkout's per round (GB/s: ours ÷ theirs; µs/frame: theirs ÷ ours): by CPU
  // time, which the other processes on a shared machine inflate far less than wall time, and by wall clock.
  const cases = [
    ...(Object.keys(PIECES) as PieceSize[]).map((size) => ({
      name: `AccessUnitSplitter, ${size} pieces`,
      metric: `split + keyframes, ${size} pieces`,
      show: gb,
      higherIsFaster: true,
    })),
    ...['', ' + firstSliceOnly'].map((variant) => ({
      name: `AccessUnitSplitter live, endAccessUnit()${variant}`,
      metric: `live 720p, endAccessUnit()${variant}`,
      show: (n: number) => `${fmt(n)} µs/frame`,
      higherIsFaster: false,
    })),
  ];
  for (const { name, metric, show, higherIsFaster } of cases) {
    const runs = baselineRuns[name];
    if (!runs) throw new Error(`no baseline measurement for ${name}`);
    /** Per-round ratios of our speed over the baseline's, by `clock`. */
    const ratios = (clock: keyof Figures): number[] =>
      runs.ours.map((mine, r) => {
        const other = runs.theirs[r]?.[clock] ?? Number.NaN;
        return higherIsFaster ? mine[clock] / other : other / mine[clock];
      });
    const cpu = ratios('cpu');
    summary.push({
      metric,
      value: show(median(runs.ours.map((f) => f.wall))),
      anchor: `baseline checkout ${show(median(runs.theirs.map((f) => f.wall)))}`,
      ratio:
        `${fmt(median(cpu), 3)}× by CPU time (rounds ${fmt(Math.min(...cpu))}–${fmt(Math.max(...cpu))}), ` +
        `${fmt(median(ratios('wall')), 3)}× by wall clock`,
      goal: 'report: ≥ 1× is not slower',
    });
  }
}

/** What limits each goal that can miss (the notes say it). */
const limits: string[] = [];
if (goals.notMet.some((g) => g.includes('native needle'))) {
  limits.push(
    'Scan vs native needle: the native `Buffer.indexOf(00 00 01)` is one C++ loop (memchr for `00`, then a compare) over the whole buffer. ' +
      'Our scanner drives the same native search per piece from JS (or memchr for `01` where `01` bytes are dense, as in CAVLC streams), ' +
      'so parity minus a JS→C++ call per piece (~0.1 µs, visible at 4 KB) is its ceiling. 1.3× would need a SIMD scan that JS has no access to; ' +
      'WASM SIMD would first have to copy every piece into linear memory, which costs about as much as the scan.',
  );
}
if (goals.notMet.some((g) => g.startsWith('split'))) {
  limits.push(
    "Split vs scan: a sample is one contiguous Uint8Array, so a frame that spans pieces is copied once (the design's one copy per access unit). " +
      'At 4 KB pieces that is every frame (~34 KB here): a CPU profile of the case puts ~2.5× the time of the native search into that copy ' +
      '(`copyInto`: page faults on fresh 1 MB slabs), and the 72 MB of fresh samples per pass bring a full GC per pass; the "scan + copy into ' +
      'fresh memory" row shows the copy alone (it does not keep its buffers, so it is a bound, not a target). Slabs of 256 KB and 4 MB were no better. ' +
      'At 1 MB pieces most samples are views (no copy) and what is left is ~1–2 µs of JS per access unit (slice header, POC, the sample object) ' +
      'and its GC: that case moved between 0.57× and 0.81× over five runs with the JIT and GC state (the splitter needs ~5 passes to reach full speed).',
  );
}
if (goals.notMet.some((g) => g.includes('mux.js') || g.startsWith('live'))) {
  limits.push(
    'A mux.js or live goal missed: look at the rounds in bitstream.json (noise on a shared machine?).',
  );
}

export const table = writeResults('bitstream', {
  summary,
  measurements: {
    ...throughput,
    ...live,
    ...Object.fromEntries(
      Object.entries(baselineRuns).flatMap(([name, runs]) => {
        const unit = (throughput[name] ?? live[name])?.unit ?? '';
        const measurement = (label: string, rounds: number[]): [string, Measurement] => [
          `${name} (${label})`,
          {
            name: `${name} (${label})`,
            unit,
            median: median(rounds),
            min: Math.min(...rounds),
            max: Math.max(...rounds),
            rounds,
          },
        ];
        return [
          measurement(
            'baseline checkout',
            runs.theirs.map((f) => f.wall),
          ),
          measurement(
            'CPU time',
            runs.ours.map((f) => f.cpu),
          ),
          measurement(
            'baseline checkout, CPU time',
            runs.theirs.map((f) => f.cpu),
          ),
        ];
      }),
    ),
  },
  notes: [
    `Goals met: ${goals.met.join('; ') || 'none'}. Not met: ${goals.notMet.join('; ') || 'none'}.`,
    ...limits,
    `Stream: ${fmt(totalBytes / 1e6, 1)} MB, ${splitFrames} frames of x264 veryfast CABAC ${WIDTH}x${HEIGHT}, crf 8, GOP ${GOP}, no B-frames (cached at ${streamPath}). Every anchor found the same ${expected} start codes / NAL units; the splitter found ffprobe's ${probedFrames} frames and ${splitKeyframes} keyframes.`,
    `${ROUNDS} interleaved rounds (medians), each fast case: one untimed pass, then repeated for ≥ 150 ms per round; byte loop and mux.js: ${SLOW_ROUNDS} single-pass rounds inside the same interleaving (${fmt(throughputSeconds, 0)} s).`,
    ...(Baseline
      ? [
          `Baseline: the AccessUnitSplitter of the checkout at ${baselineRoot}, loaded from its sources, ran each splitter case back to back with ours in every round, the order alternating; ratios are our speed over the baseline's (> 1: faster), the median of the per-round ratios, by this process's CPU time (what the other processes on a shared machine inflate least) and by wall clock.`,
        ]
      : []),
    `Live: ${LIVE_FRAMES} frames of x264 ultrafast ${WIDTH}x${HEIGHT} (${fmt(liveBytes / LIVE_FRAMES / 1000, 1)} KB/frame), pushed one frame per call with endAccessUnit(); encoder per-frame time = wall time of the 300-frame native encode (${fmt(encoderWall)} ms/frame) minus the same ffmpeg run without the encoder (${fmt(source)} ms/frame); ${LIVE_ROUNDS} rounds.`,
  ],
});
