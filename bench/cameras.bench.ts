/**
 * Several cameras in one capture, on this machine's cores. N live 640x480 30 fps test-pattern cameras:
 *
 * Node (`capture()` with N pattern sources saved to one `.rrd`, in a process of its own per run:
 * `cameras-capture.ts`), for the system ffmpeg's libx264 (veryfast, the CLI's default preset) where the machine
 * has it, and for ffmpeg.wasm (ultrafast):
 * 1. scale: N = 1, 2, 3, … for CAMSTREAM_BENCH_SECONDS (default 60) after 5 s of warm-up, until a run drops or
 *    falls behind: the largest N sustained (every camera: no frame dropped, none late, ≥ 95% of 30 fps). Per
 *    N: each camera's latency (frame read → sample out) p50 and p99 (the median camera's p50, the worst
 *    camera's p99) against N = 1 of the same run, and the RSS of the process and its ffmpeg children (median
 *    over the window) per camera. Goal (native): 4 cameras sustained, p50 ≤ 1.5× one camera's.
 * 2. a stalled camera: K cameras (4 native, 2 wasm), the last one fed on stdin by the runner (`live`), which
 *    in the stall rounds stops delivering for 5 s; the other cameras' median latency during those 5 s against
 *    the same seconds of control rounds where it keeps delivering. ROUNDS (default 5) interleaved rounds of
 *    each. Goal: moved by ≤ 10% or 3 ms, whichever is larger.
 *
 * Browser (Debian's Chromium, the e2e test page, one `SharedRecording` with N `CaptureSession`s of
 * `{ kind: 'test-pattern' }` sources, WebCodecs): the same scale search without the viewer (the recording goes
 * to a byte-counting sink only) and with the real viewer rendering it, per-camera latency from the sessions'
 * `stats` events (frame captured → sample logged, non-overlapping 2 s windows: p50 = median of the windows'
 * medians, p99 = the worst window's p99), and the PSS of the browser's processes. Goal: 4 cameras without
 * drops, p50 ≤ 1.5× one camera's, without the viewer; reported again with it. A stalled camera: a canvas
 * camera whose painting stops for 5 s beside K−1 pattern cameras, as in Node.
 *
 * The test patterns of one capture start their frame clocks spread over one frame interval, as free-running
 * cameras do; cameras whose frames all arrive at the same instant (hardware-triggered) wait for each other's
 * encodes on 2 cores (see the notes of the results).
 *
 * CAMSTREAM_BENCH_CAMERAS_SECTIONS: comma-separated subset of `native,wasm,browser` (default all).
 * CAMSTREAM_BENCH_MAX_CAMERAS caps N (default 8).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchWithCamera } from '../e2e/harness/camera.js';
import { openWebPage, startWebPageServer, type WebPage } from '../e2e/web/web-page.js';
import type { CamerasResult, CamerasRun } from './cameras-capture.js';
import { fmt, goalMet, type Measurement, median, percentile, type SummaryRow, writeResults } from './lib.js';

const SECONDS = Number(process.env.CAMSTREAM_BENCH_SECONDS ?? 60);
const WARMUP = 5;
const ROUNDS = Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5);
const MAX_CAMERAS = Number(process.env.CAMSTREAM_BENCH_MAX_CAMERAS ?? 8);
const SECTIONS = (process.env.CAMSTREAM_BENCH_CAMERAS_SECTIONS ?? 'native,wasm,browser').split(',');
const [W, H] = [640, 480];
const FPS = 30;
/** The stall: from this second of a round, for this long; the round ends `STALL_TAIL` s after it. */
const STALL = { at: WARMUP + 4, for: 5 } as const;
const STALL_TAIL = 3;
const RUNNER = join(import.meta.dirname, 'cameras-capture.ts');
const MB = 1024 * 1024;

const summary: SummaryRow[] = [];
const measurements: Record<string, Measurement> = {};
const notes: string[] = [];

function measurement(name: string, unit: string, values: number[]): Measurement {
  return {
    name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    rounds: values,
  };
}

/** One capture in a fresh process, with this process's loader flags (the workspace's sources). */
function runCapture(run: CamerasRun): Promise<CamerasResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, RUNNER, JSON.stringify(run)], {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`cameras run ${JSON.stringify(run)} failed (${code}): ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as CamerasResult);
    });
  });
}

/** A camera's figures over the window [from, to) s of a run. */
interface CameraWindow {
  readonly frames: number;
  readonly latencies: number[];
  readonly dropped: number;
  readonly late: number;
}

function cameraWindow(result: CamerasResult, entity: string, from: number, to: number): CameraWindow {
  const f = result.frames[entity] ?? { at: [], latencyMs: [] };
  const latencies = f.latencyMs.filter((_, i) => f.at[i]! >= from && f.at[i]! < to);
  const counts = result.counts[entity] ?? [];
  const at = (t: number) => counts.filter((c) => c.at < t).at(-1) ?? { dropped: 0, late: 0 };
  return {
    frames: latencies.length,
    latencies,
    dropped: at(to).dropped - at(from).dropped,
    late: at(to).late - at(from).late,
  };
}

/** What one N of a scale search measured. */
interface ScalePoint {
  readonly cameras: number;
  readonly sustained: boolean;
  /** The median camera's p50 and the worst camera's p99, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly dropped: number;
  readonly late: number;
  readonly minFps: number;
  /** Memory of the whole capture, bytes (Node: RSS of the process and its children; browser: PSS of its processes). */
  readonly memory: number;
}

function scaleRow(label: string, point: ScalePoint, single: ScalePoint, memoryLabel: string): SummaryRow {
  return {
    metric: `${label}: ${point.cameras} camera${point.cameras > 1 ? 's' : ''}`,
    value: `p50 ${fmt(point.p50, 1)} ms, p99 ${fmt(point.p99, 1)} ms, ${fmt(point.minFps, 1)} fps min, ${point.dropped} dropped, ${point.late} late, ${memoryLabel} ${fmt(point.memory / MB / point.cameras, 0)} MB/camera`,
    anchor: `1 camera: p50 ${fmt(single.p50, 1)} ms`,
    ratio: `${fmt(point.p50 / single.p50)}×`,
    goal: point.sustained ? 'sustained' : 'not sustained',
  };
}

/**
 * Runs N = 1, 2, … until a run is not sustained (or MAX_CAMERAS), and at least up to `reportUpTo`; returns
 * every point.
 */
async function scaleSearch(
  label: string,
  measure: (cameras: number) => Promise<ScalePoint>,
  memoryLabel: string,
  reportUpTo = 0,
): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (let n = 1; n <= MAX_CAMERAS; n++) {
    const point = await measure(n);
    points.push(point);
    console.error(`${label}: ${n} → ${JSON.stringify(point)}`);
    if (!point.sustained && n >= reportUpTo) break;
  }
  const single = points[0]!;
  for (const p of points) summary.push(scaleRow(label, p, single, memoryLabel));
  const largest =
    points.findIndex((p) => !p.sustained) === -1 ? points.length : points.findIndex((p) => !p.sustained);
  const four = points.find((p) => p.cameras === 4);
  summary.push({
    metric: `${label}: largest N sustained for ${SECONDS} s`,
    value: String(largest),
    anchor: '',
    ratio: four === undefined ? '' : `4 cameras: ${fmt(four.p50 / single.p50)}× one camera's p50`,
    goal: goalMet(
      '4 cameras, p50 ≤ 1.5× one',
      four?.sustained ? four.p50 / single.p50 : Number.NaN,
      1.5,
      false,
    ),
  });
  if (points.length > 1) {
    const last = points.filter((p) => p.sustained).at(-1) ?? points.at(-1)!;
    measurements[`${label}: memory per added camera`] = measurement(
      `${label}: memory per added camera`,
      'MB',
      [(last.memory - single.memory) / MB / Math.max(1, last.cameras - 1)],
    );
  }
  for (const p of points)
    measurements[`${label}: ${p.cameras} cameras p50`] = measurement(
      `${label}: ${p.cameras} cameras p50`,
      'ms',
      [p.p50],
    );
  return points;
}

/** The stall rounds' verdict: the other cameras' median latency during the stall, against the control's. */
function stallRow(label: string, cameras: number, control: number[], stalled: number[]): void {
  const c = median(control);
  const s = median(stalled);
  const allowed = Math.max(0.1 * c, 3);
  measurements[`${label}: stall control`] = measurement(`${label}: stall control`, 'ms', control);
  measurements[`${label}: stall`] = measurement(`${label}: stall`, 'ms', stalled);
  summary.push({
    metric: `${label}: the other ${cameras - 1} cameras' median latency while one stalls 5 s`,
    value: `${fmt(s, 2)} ms`,
    anchor: `${fmt(c, 2)} ms (none stalls)`,
    ratio: `${s >= c ? '+' : ''}${fmt(s - c, 2)} ms`,
    goal: goalMet(`|Δ| ≤ ${fmt(allowed, 1)} ms`, Math.abs(s - c), allowed, false),
  });
}

// --- Node ----------------------------------------------------------------------------------------------------

async function nodePoint(encoder: CamerasRun['encoder'], preset: CamerasRun['preset'], cameras: number) {
  const result = await runCapture({
    cameras,
    encoder,
    preset,
    width: W,
    height: H,
    seconds: WARMUP + SECONDS,
  });
  const windows = Object.keys(result.frames).map((e) => cameraWindow(result, e, WARMUP, WARMUP + SECONDS));
  const missing = cameras - windows.length;
  const rss = result.rss.filter((r) => r.at >= WARMUP).map((r) => r.self + r.children);
  const minFps = missing > 0 ? 0 : Math.min(...windows.map((w) => w.frames / SECONDS));
  const dropped = windows.reduce((sum, w) => sum + w.dropped, 0);
  const late = windows.reduce((sum, w) => sum + w.late, 0);
  return {
    point: {
      cameras,
      sustained: dropped === 0 && late === 0 && minFps >= 0.95 * FPS,
      p50: median(windows.map((w) => median(w.latencies))),
      p99: Math.max(...windows.map((w) => percentile(w.latencies, 99))),
      dropped,
      late,
      minFps,
      memory: median(rss),
    } satisfies ScalePoint,
    encoder: result.encoder,
  };
}

async function nodeStall(
  label: string,
  encoder: CamerasRun['encoder'],
  preset: CamerasRun['preset'],
  cameras: number,
) {
  const control: number[] = [];
  const stalled: number[] = [];
  const base = { cameras, encoder, preset, width: W, height: H, stdinCamera: true } as const;
  const seconds = STALL.at + STALL.for + STALL_TAIL;
  const others = Array.from({ length: cameras - 1 }, (_, i) => `cam/${i}`);
  const during = (r: CamerasResult) =>
    median(others.flatMap((e) => cameraWindow(r, e, STALL.at, STALL.at + STALL.for).latencies));
  for (let round = 0; round < ROUNDS; round++) {
    control.push(during(await runCapture({ ...base, seconds })));
    const r = await runCapture({ ...base, seconds, stall: STALL });
    const stalledCamera = cameraWindow(r, `cam/${cameras - 1}`, STALL.at + 0.5, STALL.at + STALL.for - 0.5);
    if (stalledCamera.frames > 0)
      throw new Error(`the stalled camera delivered ${stalledCamera.frames} frames`);
    stalled.push(during(r));
  }
  stallRow(label, cameras, control, stalled);
}

function systemFfmpegHasLibx264(): boolean {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return run.status === 0 && /\blibx264\b/.test(run.stdout);
}

if (SECTIONS.includes('native')) {
  if (!systemFfmpegHasLibx264()) notes.push('native: skipped, no system ffmpeg with libx264');
  else {
    let encoder = '';
    const points = await scaleSearch(
      'native veryfast',
      async (n) => {
        const r = await nodePoint('ffmpeg', 'veryfast', n);
        encoder = r.encoder;
        return r.point;
      },
      'RSS',
    );
    notes.push(`native: ${encoder}, preset veryfast, one ffmpeg process per camera`);
    const k = Math.min(4, Math.max(2, points.filter((p) => p.sustained).at(-1)?.cameras ?? 2));
    await nodeStall('native veryfast', 'ffmpeg', 'veryfast', k);
  }
}

if (SECTIONS.includes('wasm')) {
  const points = await scaleSearch(
    'wasm ultrafast',
    async (n) => (await nodePoint('wasm', 'ultrafast', n)).point,
    'RSS',
  );
  const k = Math.max(2, Math.min(4, points.filter((p) => p.sustained).at(-1)?.cameras ?? 2));
  await nodeStall('wasm ultrafast', 'wasm', 'ultrafast', k);
  notes.push('wasm: ffmpeg.wasm libx264 in one worker thread per camera, preset ultrafast');
}

// --- Browser -------------------------------------------------------------------------------------------------

interface StatsEvent {
  readonly encodeLatencyMs: number | undefined;
  readonly encodeLatencyP99Ms: number | undefined;
  readonly captureFps: number;
  readonly encodeFps: number;
  readonly droppedFrames: number;
  readonly framesEncoded: number;
}

/** Each camera's `stats` events so far. */
async function statsOf(web: WebPage, entities: readonly string[]): Promise<StatsEvent[][]> {
  const all: StatsEvent[][] = [];
  for (const entity of entities) {
    const events = (await web.call('camera', entity)).events;
    all.push(events.filter((e) => e.type === 'stats').map((e) => e.detail as StatsEvent));
  }
  return all;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PSS of every process below this one (the browser's: its main, renderer, GPU and utility processes), bytes. */
function browserPss(): number {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let pss = 0;
  for (const pid of parent.keys()) {
    if (!below(pid)) continue;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pss;
}

/** Renderer JS heap in use, bytes (CDP Performance metrics). */
async function jsHeap(web: WebPage): Promise<number> {
  const session = await web.page.context().newCDPSession(web.page);
  await session.send('Performance.enable');
  const { metrics } = await session.send('Performance.getMetrics');
  await session.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

if (SECTIONS.includes('browser')) {
  const server = await startWebPageServer();
  const browser = await launchWithCamera({ kind: 'fake', fps: FPS });
  try {
    /** A page with `cameras` pattern cameras (and `canvas` canvas cameras after them), the viewer or not. */
    const openPage = async (viewer: boolean, cameras: number, canvas = 0) => {
      const web = await openWebPage(browser, server.url);
      if (viewer) await web.call('startViewer');
      await web.call('openShared');
      const entities: string[] = [];
      for (let i = 0; i < cameras; i++) {
        entities.push(`cam/${i}`);
        await web.call('addPatternCamera', {
          entityPath: `cam/${i}`,
          encoder: 'webcodecs',
          width: W,
          height: H,
        });
      }
      for (let i = 0; i < canvas; i++) {
        const entityPath = `cam/${cameras + i}`;
        await web.call('addCanvasCamera', {
          entityPath,
          rgb: [200, 40, 40],
          encoder: 'webcodecs',
          width: W,
          height: H,
        });
      }
      return { web, entities };
    };
    for (const viewer of [false, true]) {
      const label = `browser WebCodecs${viewer ? ', viewer rendering' : ''}`;
      await scaleSearch(
        label,
        async (n) => {
          const { web, entities } = await openPage(viewer, n);
          await sleep(WARMUP * 1000);
          const before = await statsOf(web, entities);
          await sleep(SECONDS * 1000);
          const after = await statsOf(web, entities);
          const memory = browserPss();
          const heap = await jsHeap(web);
          measurements[`${label}: ${n} cameras JS heap`] = measurement(
            `${label}: ${n} cameras JS heap`,
            'MB',
            [heap / MB],
          );
          await web.call('closeShared');
          await web.page.close();
          const windows = after.map((events, i) => events.slice(before[i]!.length));
          const dropped = after.reduce(
            (sum, events, i) =>
              sum + (events.at(-1)?.droppedFrames ?? 0) - (before[i]!.at(-1)?.droppedFrames ?? 0),
            0,
          );
          // Each window's own rate: the events come every 2 s, not exactly at the ends of the measured seconds.
          const fps = windows.map((w) => median(w.map((e) => e.encodeFps)));
          const p50s = windows.map((w) => median(w.flatMap((e) => e.encodeLatencyMs ?? [])));
          const p99s = windows.map((w) => Math.max(...w.flatMap((e) => e.encodeLatencyP99Ms ?? [])));
          const minFps = Math.min(...fps);
          return {
            cameras: n,
            // Whole windows land every 2 s: the last window can be a little short of the measured seconds.
            sustained: dropped === 0 && minFps >= 0.9 * FPS,
            p50: median(p50s),
            p99: Math.max(...p99s),
            dropped,
            late: 0,
            minFps,
            memory,
          };
        },
        'browser PSS',
        // With the viewer: reported up to 4 cameras whatever happens, as the goal's second reading.
        viewer ? 4 : 0,
      );
    }
    // A stalled camera beside three pattern cameras, without the viewer.
    const control: number[] = [];
    const stalled: number[] = [];
    const K = 4;
    for (let round = 0; round < ROUNDS; round++) {
      for (const stall of [false, true]) {
        const { web, entities } = await openPage(false, K - 1, 1);
        await sleep(WARMUP * 1000);
        const before = await statsOf(web, entities);
        if (stall) await web.call('stallCamera', `cam/${K - 1}`, STALL.for * 1000);
        await sleep(STALL.for * 1000);
        const after = await statsOf(web, entities);
        await web.call('closeShared');
        await web.page.close();
        const during = after.flatMap((events, i) =>
          events.slice(before[i]!.length).flatMap((e) => e.encodeLatencyMs ?? []),
        );
        (stall ? stalled : control).push(median(during));
      }
    }
    stallRow('browser WebCodecs', K, control, stalled);
    notes.push(
      `browser: ${browser.version()}, software rendering; test-pattern cameras rendered in I420 on the page's main thread; memory is the PSS of all the browser's processes (one browser for every N; each N a new tab), the renderer's JS heap in the JSON`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

notes.push(
  `${SECONDS} s measured per N after ${WARMUP} s of warm-up; stall rounds: ${ROUNDS} × (control, stall) interleaved, the stall ${STALL.for} s from second ${STALL.at}`,
  `machine: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end, ${readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length} CPUs`,
);

export const table = writeResults('cameras', { summary, measurements, notes });
