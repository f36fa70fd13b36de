/**
 * `camstream capture` benchmark. The case: `capture --frames 600 --size 1280x720 --preset
 * ultrafast --save x.rrd`, the built binary run as a user would, against anchors encoding the same 600 frames
 * (core's test pattern, the CLI's default source) with the same options (ultrafast, zerolatency, GOP 30, no
 * B-frames, CRF 23), rounds interleaved, medians of ROUNDS (default 5; CAMSTREAM_BENCH_ROUNDS):
 * - the encoder alone: `encodeBatch` on a 2-thread `EncoderPool` in this process, frames rendered in place;
 * - native ffmpeg/libx264 `-threads 2` reading the frames from a Y4M file and writing an Annex B file, the same
 *   fed the raw frames through a pipe by `cat` (what a pipe costs without Node), and PyAV
 *   (Debian's python3-av, one thread as in Rerun's example) reading them from a raw file (both files written
 *   once, removed at the end).
 * And the CLI's own main-thread CPU time per frame outside the encoder, from its `--profile` JSON (the main
 * thread's CPU time from /proc; the encoder's is the rest of the process): goal ≤ 5% of the encoder's.
 * Where `capture` has `--encoder`, the CLI runs twice per round: `--encoder wasm` (the rows above; the default,
 * auto, would take the system ffmpeg) and `--encoder ffmpeg` (the system ffmpeg) against the native anchor:
 * goal ≥ 0.85×; and a third time with `--encoder ffmpeg --input` the anchor's Y4M file, which ffmpeg then reads
 * itself. Without the flag those rows are skipped with a note.
 * CAMSTREAM_BENCH_FRAMES (default 600) shortens smoke runs.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameByteLength, renderTestPattern, testPattern } from '@camstream/core';
import { ffmpegEnv } from '@camstream/encoder-ffmpeg';
import { EncoderPool, encodeBatch } from '@camstream/encoder-wasm';
import {
  anchorEnv,
  catIntoFfmpeg,
  fmt,
  goalMet,
  interleave,
  type Measurement,
  median,
  nativeX264Args,
  type SummaryRow,
  writeResults,
} from './lib.js';

// CAMSTREAM_BENCH_FRAMES shortens smoke runs (it sets the encoder benchmark's frames too).
const FRAMES = Number(process.env.CAMSTREAM_BENCH_FRAMES ?? 600);
const [W, H] = [1280, 720];
const GOP = 30;
const PRESET = 'ultrafast';
const THREADS = 2;
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5);
const CLI = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const PYAV_SCRIPT = join(import.meta.dirname, 'pyav_encode.py');
const dir = mkdtempSync(join(tmpdir(), 'camstream-cli-bench-'));
const pattern = { width: W, height: H, fpsNum: 30 };

/** Whether this build of `capture` has `--encoder` (auto|wasm|ffmpeg|ffmpeg:<name>). */
function captureHasEncoderFlag(): boolean {
  const help = spawnSync(process.execPath, [CLI, 'capture', '--help'], { encoding: 'utf8' });
  if (help.status !== 0) throw new Error(`camstream capture --help failed (${help.status}): ${help.stderr}`);
  return /--encoder\b/.test(help.stdout);
}

/** What `capture --profile` writes (the summary of `capture()`). */
interface Profile {
  readonly frames: number;
  readonly seconds: number;
  readonly fps: number;
  readonly cpu?: { readonly mainThreadMs: number; readonly processMs: number };
}

const ENCODER_FLAG = captureHasEncoderFlag();
/**
 * The CLI's encoders measured: the default (wasm before `--encoder`), else wasm and the system ffmpeg, on the
 * test pattern; `ffmpeg-file`: the system ffmpeg on the Y4M file of the same frames, which it reads itself.
 */
type CliEncoder = 'default' | 'wasm' | 'ffmpeg' | 'ffmpeg-file';
const profiles: Record<CliEncoder, Profile[]> = { default: [], wasm: [], ffmpeg: [], 'ffmpeg-file': [] };
const wallFps: Record<CliEncoder, number[]> = { default: [], wasm: [], ffmpeg: [], 'ffmpeg-file': [] };

/**
 * One CLI run with `encoder` (`--encoder`, unless `default`): fps from first frame to last sample (the CLI's own
 * figure), and the process's wall fps.
 */
function cliFps(encoder: CliEncoder): number {
  const save = join(dir, 'x.rrd');
  const profile = join(dir, 'profile.json');
  const args = [
    CLI,
    '--quiet',
    'capture',
    ...(encoder === 'ffmpeg-file'
      ? ['--input', y4m, '--encoder', 'ffmpeg']
      : ['--frames', String(FRAMES), '--size', `${W}x${H}`]),
    '--preset',
    PRESET,
    ...(encoder === 'default' || encoder === 'ffmpeg-file' ? [] : ['--encoder', encoder]),
  ];
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [...args, '--threads', String(THREADS), '--save', save, '--profile', profile],
    {
      encoding: 'utf8',
    },
  );
  const wall = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`camstream capture failed (${run.status}): ${run.stderr}`);
  const p = JSON.parse(readFileSync(profile, 'utf8')) as Profile;
  if (p.frames !== FRAMES) throw new Error(`capture encoded ${p.frames} of ${FRAMES} frames`);
  profiles[encoder].push(p);
  wallFps[encoder].push(FRAMES / wall);
  return p.fps;
}

let pool: EncoderPool;

/**
 * The encoder alone on the same frames, rendered into one buffer as the CLI does in batch mode: on the bench's
 * long-lived (warm) pool, or on a fresh pool like the CLI's (its threads' JIT has not tiered up yet).
 */
async function encoderFps(fresh: boolean): Promise<number> {
  if (!fresh) return encodeOn(pool);
  const own = await EncoderPool.open({ threads: THREADS });
  try {
    return await encodeOn(own);
  } finally {
    await own.close();
  }
}

/** CPU time of this process's main thread so far, ms (10 ms ticks; Linux). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Main-thread CPU of each encodeBatch-alone run, ms: the encoder's own main-thread work (copies, splitting). */
const encoderMainMs: number[] = [];

async function encodeOn(on: EncoderPool): Promise<number> {
  const cpu0 = mainThreadCpuMs();
  const shared = new Uint8Array(frameByteLength('I420', W, H));
  function* frames() {
    for (let i = 0; i < FRAMES; i++) yield renderTestPattern(pattern, i, shared);
  }
  const t0 = performance.now();
  let n = 0;
  for await (const _ of encodeBatch(frames(), {
    ...pattern,
    preset: PRESET,
    tune: 'zerolatency',
    gop: GOP,
    pool: on,
  }))
    n++;
  if (n !== FRAMES) throw new Error(`encodeBatch gave ${n} of ${FRAMES} frames`);
  encoderMainMs.push(mainThreadCpuMs() - cpu0);
  return FRAMES / ((performance.now() - t0) / 1000);
}

/** The same frames as a raw I420 file for the native anchors. */
function writeRawFrames(): string {
  const path = join(dir, `testpattern-${W}x${H}-${FRAMES}.yuv`);
  const fd = openSync(path, 'w');
  try {
    for (const frame of testPattern({ ...pattern, frames: FRAMES })) writeSync(fd, frame.data);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** The same frames as a Y4M file for the native anchor. */
function writeY4mFrames(): string {
  const path = join(dir, `testpattern-${W}x${H}-${FRAMES}.y4m`);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${W} H${H} F30:1 Ip A1:1 C420jpeg\n`);
    for (const frame of testPattern({ ...pattern, frames: FRAMES })) {
      writeSync(fd, 'FRAME\n');
      writeSync(fd, frame.data);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Native ffmpeg/libx264 on the Y4M file, writing an Annex B file: fps of the whole process. */
function nativeFps(y4m: string): number {
  const t0 = performance.now();
  const run = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'yuv4mpegpipe', '-i', y4m],
      ...nativeX264Args(PRESET, GOP, THREADS),
      ...['-f', 'h264', '-y', join(dir, 'native.h264')],
    ],
    { env: anchorEnv(y4m) },
  );
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  return FRAMES / ((performance.now() - t0) / 1000);
}

/** Native ffmpeg fed the raw frames by `cat` through a pipe, writing an Annex B file: fps of the pipeline. */
function nativePipeFps(rawFrames: string): number {
  const seconds = catIntoFfmpeg(
    rawFrames,
    W,
    H,
    nativeX264Args(PRESET, GOP, THREADS),
    join(dir, 'piped.h264'),
  );
  return FRAMES / seconds;
}

/** The Python that has PyAV (see encoder.bench.ts). */
function findPyAv(): string | undefined {
  const candidates = process.env.CAMSTREAM_BENCH_PYTHON
    ? [process.env.CAMSTREAM_BENCH_PYTHON]
    : ['/usr/bin/python3', 'python3'];
  return candidates.find((python) => spawnSync(python, ['-c', 'import av']).status === 0);
}

function pyAvFps(python: string, raw: string): number {
  const run = spawnSync(
    python,
    [PYAV_SCRIPT, raw, String(W), String(H), PRESET, String(GOP), '1', String(FRAMES)],
    { encoding: 'utf8', env: ffmpegEnv(frameByteLength('I420', W, H)) },
  );
  if (run.status !== 0) throw new Error(`PyAV failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { fps: number }).fps;
}

const raw = writeRawFrames();
const y4m = writeY4mFrames();
const python = findPyAv();
pool = await EncoderPool.open({ threads: THREADS });
const measurements: Record<string, Measurement> = {};
const notes: string[] = [];
// The wasm figures: explicitly so once `--encoder` exists (its default, auto, takes the system ffmpeg).
const wasm: CliEncoder = ENCODER_FLAG ? 'wasm' : 'default';
try {
  const cases: Record<string, { unit: string; run: () => number | Promise<number> }> = {
    cli: { unit: 'fps', run: () => cliFps(wasm) },
    'encodeBatch alone (warm pool)': { unit: 'fps', run: () => encoderFps(false) },
    'encodeBatch alone (fresh pool)': { unit: 'fps', run: () => encoderFps(true) },
    'native ffmpeg -threads 2': { unit: 'fps', run: () => nativeFps(y4m) },
    'native ffmpeg -threads 2 fed by cat': { unit: 'fps', run: () => nativePipeFps(raw) },
  };
  if (ENCODER_FLAG) {
    cases['cli --encoder ffmpeg'] = { unit: 'fps', run: () => cliFps('ffmpeg') };
    cases['cli --encoder ffmpeg --input Y4M'] = { unit: 'fps', run: () => cliFps('ffmpeg-file') };
  } else notes.push('`capture --encoder` rows skipped: this build of the CLI has no `--encoder` flag.');
  if (python !== undefined) cases['PyAV (1 thread)'] = { unit: 'fps', run: () => pyAvFps(python, raw) };
  else notes.push('PyAV skipped: no Python with `import av` (run bench/setup.sh)');
  Object.assign(measurements, await interleave(ROUNDS, cases, 1));
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}

// Only the counted rounds (the warm-up round ran first).
const counted = profiles[wasm].slice(-ROUNDS);
const perFrame = (ms: number) => (ms / FRAMES) * 1000; // µs per frame
const mainUs = median(counted.map((p) => perFrame(p.cpu?.mainThreadMs ?? Number.NaN)));
const encoderUs = median(
  counted.map((p) => perFrame((p.cpu?.processMs ?? Number.NaN) - (p.cpu?.mainThreadMs ?? 0))),
);
// Both encodeBatch cases per round (warm and fresh), counted rounds only.
const encoderMainUs = median(encoderMainMs.slice(-2 * ROUNDS).map(perFrame));
const renderUs = (() => {
  const shared = new Uint8Array(frameByteLength('I420', W, H));
  const t0 = performance.now();
  for (let i = 0; i < 120; i++) renderTestPattern(pattern, i, shared);
  return ((performance.now() - t0) / 120) * 1000;
})();
for (const [name, encoder] of [
  ['cli process wall', wasm],
  ['cli --encoder ffmpeg process wall', 'ffmpeg'],
  ['cli --encoder ffmpeg --input Y4M process wall', 'ffmpeg-file'],
] as const) {
  const rounds = wallFps[encoder].slice(-ROUNDS);
  if (rounds.length > 0)
    measurements[name] = {
      name,
      unit: 'fps',
      median: median(rounds),
      min: Math.min(...rounds),
      max: Math.max(...rounds),
      rounds,
    };
}

const cli = measurements.cli!.median;
const ratio = (anchor: string): string => {
  const m = measurements[anchor];
  return m === undefined ? 'n/a' : `${fmt(cli / m.median)}×`;
};
/** The median over rounds of case `a`'s fps over case `b`'s in the same round (rounds are interleaved). */
const roundRatio = (a: string, b: string): number => {
  const x = measurements[a]?.rounds ?? [];
  const y = measurements[b]?.rounds ?? [];
  return x.length > 0 && x.length === y.length ? median(x.map((v, i) => v / (y[i] as number))) : Number.NaN;
};
const summary: SummaryRow[] = [
  {
    metric: 'capture fps (first frame → last sample)',
    value: fmt(cli, 1),
    anchor: 'encodeBatch alone (fresh pool)',
    ratio: ratio('encodeBatch alone (fresh pool)'),
    goal: '≈1×',
  },
  {
    metric: 'capture fps',
    value: fmt(cli, 1),
    anchor: 'encodeBatch alone (warm pool)',
    ratio: ratio('encodeBatch alone (warm pool)'),
    goal: 'report',
  },
  {
    metric: 'capture fps',
    value: fmt(cli, 1),
    anchor: 'native ffmpeg -threads 2',
    ratio: ratio('native ffmpeg -threads 2'),
    goal: 'report',
  },
  {
    metric: 'capture fps',
    value: fmt(cli, 1),
    anchor: 'PyAV (1 thread)',
    ratio: ratio('PyAV (1 thread)'),
    goal: 'report',
  },
  {
    metric: 'capture fps (whole process, start-up incl.)',
    value: fmt(measurements['cli process wall']!.median, 1),
    anchor: '',
    ratio: '',
    goal: 'report',
  },
  {
    metric: 'main-thread CPU per frame',
    value: `${fmt(mainUs, 0)} µs`,
    anchor: `encoder CPU ${fmt(encoderUs, 0)} µs/frame`,
    ratio: `${fmt((100 * mainUs) / encoderUs, 1)}%`,
    goal: '≤ 5%',
  },
  {
    metric: 'main-thread CPU per frame outside the encoder (CLI − encodeBatch alone, both main thread)',
    value: `${fmt(mainUs - encoderMainUs, 0)} µs`,
    anchor: `encoder CPU ${fmt(encoderUs, 0)} µs/frame`,
    ratio: `${fmt((100 * (mainUs - encoderMainUs)) / encoderUs, 1)}%`,
    goal: '≤ 5%',
  },
];
const ffmpegCli = measurements['cli --encoder ffmpeg'];
if (ffmpegCli !== undefined) {
  const vsNative = roundRatio('cli --encoder ffmpeg', 'native ffmpeg -threads 2');
  summary.push(
    {
      metric: 'capture --encoder ffmpeg fps (first frame → last sample)',
      value: fmt(ffmpegCli.median, 1),
      anchor: `native ffmpeg -threads 2 → Annex B file ${fmt(measurements['native ffmpeg -threads 2']!.median, 1)}`,
      ratio: `${fmt(vsNative)}×`,
      goal: goalMet('≥ 0.85×', vsNative, 0.85, true),
    },
    {
      metric: 'capture --encoder ffmpeg fps (frames made in Node cross a pipe)',
      value: fmt(ffmpegCli.median, 1),
      anchor: `native ffmpeg -threads 2 fed the raw frames by cat through a pipe ${fmt(measurements['native ffmpeg -threads 2 fed by cat']!.median, 1)}`,
      ratio: `${fmt(roundRatio('cli --encoder ffmpeg', 'native ffmpeg -threads 2 fed by cat'))}×`,
      goal: 'report (what a pipe costs)',
    },
    {
      metric: 'capture --encoder ffmpeg fps',
      value: fmt(ffmpegCli.median, 1),
      anchor: `capture --encoder wasm ${fmt(cli, 1)}`,
      ratio: `${fmt(roundRatio('cli --encoder ffmpeg', 'cli'))}×`,
      goal: 'report',
    },
    {
      metric: 'capture --encoder ffmpeg fps (whole process, start-up incl.)',
      value: fmt(measurements['cli --encoder ffmpeg process wall']?.median ?? Number.NaN, 1),
      anchor: `capture --encoder wasm ${fmt(measurements['cli process wall']!.median, 1)}`,
      ratio: '',
      goal: 'report',
    },
  );
  const fromFile = measurements['cli --encoder ffmpeg --input Y4M'];
  if (fromFile !== undefined) {
    const fileVsNative = roundRatio('cli --encoder ffmpeg --input Y4M', 'native ffmpeg -threads 2');
    summary.push(
      {
        metric: 'capture --input FRAMES.y4m --encoder ffmpeg fps (ffmpeg reads the file itself)',
        value: fmt(fromFile.median, 1),
        anchor: `native ffmpeg -threads 2 → Annex B file ${fmt(measurements['native ffmpeg -threads 2']!.median, 1)}`,
        ratio: `${fmt(fileVsNative)}×`,
        goal: goalMet('≥ 0.85×', fileVsNative, 0.85, true),
      },
      {
        metric: 'capture --input FRAMES.y4m --encoder ffmpeg fps (whole process, start-up incl.)',
        value: fmt(measurements['cli --encoder ffmpeg --input Y4M process wall']?.median ?? Number.NaN, 1),
        anchor: '',
        ratio: '',
        goal: 'report',
      },
    );
  }
}
notes.push(
  `${FRAMES} frames ${W}x${H}, ${PRESET}, zerolatency, GOP ${GOP}, ${THREADS} encoder threads; medians of ${ROUNDS} interleaved rounds after one warm-up round.`,
  `encodeBatch's own main-thread work (filling fresh segment buffers, splitting access units) is ${fmt(encoderMainUs, 0)} µs/frame (encodeBatch alone, this process); the CLI's own work is the difference.`,
  `Main-thread CPU (from /proc/self/task/<pid>/stat, 10 ms ticks) includes rendering the test pattern (${fmt(renderUs, 0)} µs/frame measured here), copying frames into segments, RRD encoding and file writes; the encoder's CPU is the process's CPU minus the main thread's.`,
  'native ffmpeg reads the same frames from a Y4M file and writes an Annex B file, PyAV reads them from a raw file; the CLI and encodeBatch render them in process. Ratios to native ffmpeg of `--encoder ffmpeg` are medians of per-round ratios; the other ratios are of medians.',
  `CLI rows without an encoder named are ${ENCODER_FLAG ? '`--encoder wasm`' : 'the default encoder (ffmpeg.wasm)'}; their main-thread CPU rows measure that encoder.`,
);
export const table = writeResults('cli', { summary, measurements, notes });
