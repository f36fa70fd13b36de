/**
 * Browser capture benchmark, in Debian Chromium with the Rerun viewer running on the same
 * 2 cores. The demo page (apps/demo, Vite dev server) with Chromium's fake camera at 30 fps, per size
 * (640x480, 1280x720) and per encoder backend the page can run:
 * 1. sustained capture fps of a running session (its `stats` events) against what the same camera delivers
 *    to a no-op consumer (frames read and closed) in the same page with the viewer up. Goal ≥ 0.9×.
 * 2. frame-captured → sample-logged latency (the session's `stats` events: per-window median, p95, p99)
 *    against the same encoder's per-frame time on pre-made frames (30 recorded from the same camera) in the
 *    same page (encode one, await its output, next), twice: back to back, and paced at the camera's 30 fps
 *    (an encoder that idles between frames takes ~1.5–2× longer per frame, measured here: the live session is
 *    paced by its camera). Goal: median ≤ 1.5×.
 * 3. main-thread long animation frames (Long Animation Frames API) whose scripts come from our code
 *    (`scripts[].sourceURL` under the demo's or the workspace packages' sources, not node_modules).
 *    Goal: none over 50 ms.
 * CAMSTREAM_BENCH_SECONDS sets the measured window per case (default 10 s, after 3 s of warm-up).
 */
import type { Page } from 'playwright-core';
import { type DemoWindow, openDemo, startDemoServer } from '../e2e/demo/demo-page.js';
import { launchWithCamera } from '../e2e/harness/camera.js';
import { fmt, type Measurement, median, type SummaryRow, writeResults } from './lib.js';

const SECONDS = Number(process.env.CAMSTREAM_BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const ANCHOR_FRAMES = 150;
/** Anchor frames left out: a new encoder worker compiles its core and tiers it up over the first ones. */
const ANCHOR_WARMUP_FRAMES = 30;
const PREMADE_FRAMES = 30;
const BITRATE_KBPS = 1500;
const LONG_MS = 50;
/** The camera's frame interval: the paced anchors feed their frames at this rate, as the camera does. */
const PACE_MS = 1000 / 30;
const SIZES = [
  [640, 480],
  [1280, 720],
] as const;

/** The demo's encoder backends (the page injects `@camstream/encoder-wasm/browser` for `wasm`). */
const BACKENDS = ['webcodecs', 'wasm'] as const;
type Backend = (typeof BACKENDS)[number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ms(m: Measurement): string {
  return `${fmt(m.median, 1)} ms`;
}

function measurement(name: string, unit: string, values: number[]): Measurement {
  return {
    name,
    unit,
    median: values.length > 0 ? median(values) : Number.NaN,
    min: Math.min(...values),
    max: Math.max(...values),
    rounds: values,
  };
}

/** Frames per second the fake camera delivers to a consumer that only reads and closes them. */
async function noOpCaptureFps(page: Page, width: number, height: number): Promise<number> {
  return page.evaluate(
    async ({ width, height, seconds, warmup }) => {
      type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
      const P = (globalThis as unknown as { MediaStreamTrackProcessor: Processor }).MediaStreamTrackProcessor;
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } },
      });
      const track = stream.getVideoTracks()[0]!;
      const reader = new P({ track }).readable.getReader();
      const start = performance.now();
      let counted = 0;
      let from = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        value.close();
        const t = performance.now() - start;
        if (t < warmup * 1000) continue;
        if (counted === 0) from = performance.now();
        counted++;
        if (t > (warmup + seconds) * 1000) break;
      }
      const fps = (counted - 1) / ((performance.now() - from) / 1000);
      await reader.cancel();
      track.stop();
      return fps;
    },
    { width, height, seconds: SECONDS, warmup: 1 },
  );
}

/**
 * Records `PREMADE_FRAMES` frames of the fake camera at this size as packed I420 into the page
 * (`window.benchPremade`): the anchors encode the same pictures the sessions capture.
 */
async function capturePremade(page: Page, width: number, height: number): Promise<void> {
  await page.evaluate(
    async ({ width, height, count }) => {
      type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
      const P = (globalThis as unknown as { MediaStreamTrackProcessor: Processor }).MediaStreamTrackProcessor;
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: 30 } },
      });
      const track = stream.getVideoTracks()[0]!;
      const reader = new P({ track }).readable.getReader();
      const ySize = width * height;
      const cSize = (width >> 1) * (height >> 1);
      const layout = [
        { offset: 0, stride: width },
        { offset: ySize, stride: width >> 1 },
        { offset: ySize + cSize, stride: width >> 1 },
      ];
      const frames: Uint8Array[] = [];
      while (frames.length < count) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the fake camera ended');
        const data = new Uint8Array(ySize + 2 * cSize);
        if (value.format !== 'I420')
          throw new Error(`the fake camera gives ${value.format} frames, not I420`);
        await value.copyTo(data, { rect: { x: 0, y: 0, width, height }, layout });
        value.close();
        frames.push(data);
      }
      await reader.cancel();
      track.stop();
      (window as unknown as { benchPremade: Uint8Array[] }).benchPremade = frames;
    },
    { width, height, count: PREMADE_FRAMES },
  );
}

/** What each anchor is asked to do in the page (both backends alike). */
function anchorRun(width: number, height: number, paced: boolean) {
  return {
    width,
    height,
    frames: ANCHOR_FRAMES,
    warmup: ANCHOR_WARMUP_FRAMES,
    bitrate: BITRATE_KBPS * 1000,
    intervalMs: paced ? PACE_MS : 0,
  };
}

/**
 * WebCodecs per-frame encode time (ms) on the pre-made camera frames, one at a time (encode, await its output,
 * next), on the page's main thread, same settings as the demo.
 */
async function webCodecsPerFrameMs(
  page: Page,
  width: number,
  height: number,
  paced: boolean,
): Promise<number[]> {
  return page.evaluate(
    async ({ width, height, frames, warmup, bitrate, intervalMs }) => {
      const premade = (window as unknown as { benchPremade: Uint8Array[] }).benchPremade;
      let output: (() => void) | undefined;
      let failure: unknown;
      const encoder = new VideoEncoder({
        output: () => output?.(),
        error: (e) => {
          failure = e;
        },
      });
      encoder.configure({
        codec: 'avc1.42E01F',
        width,
        height,
        bitrate,
        framerate: 30,
        latencyMode: 'realtime',
        avc: { format: 'annexb' },
      });
      const times: number[] = [];
      const start = performance.now();
      for (let i = 0; i < frames; i++) {
        const wait = start + i * intervalMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const frame = new VideoFrame(premade[i % premade.length]!, {
          format: 'I420',
          codedWidth: width,
          codedHeight: height,
          timestamp: Math.round((i * 1e6) / 30),
        });
        const done = new Promise<void>((r) => {
          output = r;
        });
        const t0 = performance.now();
        encoder.encode(frame, { keyFrame: i % 60 === 0 });
        frame.close();
        await done;
        times.push(performance.now() - t0);
        if (failure !== undefined) throw failure;
      }
      encoder.close();
      return times.slice(warmup);
    },
    anchorRun(width, height, paced),
  );
}

/**
 * The x264 anchor: the page's own ffmpeg.wasm encoder (`BrowserLiveEncoder`, the one the session uses, in its
 * worker) on the pre-made camera frames, one at a time (encode, await its sample, next), ms per frame; same
 * preset, bitrate and GOP as the demo.
 */
async function wasmPerFrameMs(page: Page, width: number, height: number, paced: boolean): Promise<number[]> {
  return page.evaluate(
    async ({ width, height, frames, warmup, bitrate, intervalMs }) => {
      const premade = (window as unknown as { benchPremade: Uint8Array[] }).benchPremade;
      const { module, assets } = await (window as unknown as DemoWindow).camstreamDemo.wasmEncoder();
      const encoder = await module.BrowserLiveEncoder.open({
        width,
        height,
        fpsNum: 30,
        pixelFormat: 'I420',
        bitrate,
        gop: 60,
        preset: 'ultrafast',
        coreURL: assets.ffmpegCoreURL,
        wasmURL: assets.ffmpegWasmURL,
        workerURL: assets.ffmpegWorkerURL,
      });
      const samples = encoder.samples()[Symbol.asyncIterator]();
      const times: number[] = [];
      const start = performance.now();
      try {
        for (let i = 0; i < frames; i++) {
          const wait = start + i * intervalMs - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const t0 = performance.now();
          await encoder.encode({
            format: 'I420',
            width,
            height,
            data: premade[i % premade.length]!,
            pts: (BigInt(i) * 1_000_000_000n) / 30n,
            index: i,
          });
          const next = await samples.next();
          if (next.done) throw new Error(`the encoder ended after ${i} samples`);
          times.push(performance.now() - t0);
        }
      } finally {
        await encoder.close();
      }
      return times.slice(warmup);
    },
    anchorRun(width, height, paced),
  );
}

/** Starts collecting long animation frames with their script attribution. */
async function observeLongFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Loaf = PerformanceEntry & { scripts: { duration: number; sourceURL: string; invoker: string }[] };
    const w = window as unknown as { loafs: { duration: number; scripts: unknown[] }[] };
    w.loafs = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Loaf[]) {
        w.loafs.push({
          duration: e.duration,
          scripts: e.scripts.map((s) => ({
            duration: s.duration,
            sourceURL: s.sourceURL,
            invoker: s.invoker,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame' });
  });
}

interface LoafScript {
  duration: number;
  sourceURL: string;
  invoker: string;
}

/** Our code: the demo's and the workspace packages' sources as Vite serves them (the viewer is in node_modules). */
function isOurs(url: string): boolean {
  return url !== '' && !url.includes('node_modules') && (url.includes('/src/') || url.includes('/packages/'));
}

interface SessionRun {
  captureFps: number[];
  encodeFps: number[];
  latencyMedian: number[];
  latencyP95: number[];
  latencyP99: number[];
  dropped: number;
  loafs: number;
  ourScripts: LoafScript[];
  backend: string;
}

async function runSession(page: Page, width: number, height: number, backend: Backend): Promise<SessionRun> {
  await page.selectOption('#resolution', `${width}x${height}`);
  await page.selectOption('#backend', backend);
  await page.fill('#bitrate', String(BITRATE_KBPS));
  await page.click('#start');
  await page.waitForSelector('#stop:not([disabled])', { timeout: 60_000 });
  await sleep(WARMUP_SECONDS * 1000);
  const skip = await page.evaluate(
    () => (window as unknown as DemoWindow).camstreamDemo.statsEvents().length,
  );
  await observeLongFrames(page);
  await sleep(SECONDS * 1000);
  const { events, loafs, session } = await page.evaluate(() => {
    const demo = (window as unknown as DemoWindow).camstreamDemo;
    return {
      events: demo.statsEvents(),
      loafs: (window as unknown as { loafs: { duration: number; scripts: LoafScript[] }[] }).loafs,
      session: demo.session(),
    };
  });
  await page.click('#stop');
  await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
  const measured = events.slice(skip);
  if (measured.length === 0)
    throw new Error(`no stats events from the ${backend} session at ${width}x${height}`);
  if (session?.source !== 'camera')
    throw new Error(`the session did not use the camera: ${JSON.stringify(session)}`);
  const last = measured.at(-1)!;
  const first = events[skip - 1] ?? measured[0]!;
  return {
    captureFps: measured.map((e) => e.captureFps),
    encodeFps: measured.map((e) => e.encodeFps),
    latencyMedian: measured.flatMap((e) => (e.encodeLatencyMs === undefined ? [] : [e.encodeLatencyMs])),
    latencyP95: measured.flatMap((e) => (e.encodeLatencyP95Ms === undefined ? [] : [e.encodeLatencyP95Ms])),
    latencyP99: measured.flatMap((e) => (e.encodeLatencyP99Ms === undefined ? [] : [e.encodeLatencyP99Ms])),
    dropped: last.droppedFrames - first.droppedFrames,
    loafs: loafs.length,
    ourScripts: loafs.flatMap((l) => l.scripts).filter((s) => isOurs(s.sourceURL)),
    backend: session.backend,
  };
}

const summary: SummaryRow[] = [];
const measurements: Record<string, Measurement> = {};
const notes: string[] = [
  `Debian Chromium headless, fake camera (--use-fake-device-for-media-stream=fps=30), the demo page on Vite with the viewer running; ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured per case; one run per case, on a 2-core virtual machine whose host is shared (expect run-to-run noise).`,
  'Latency is what the session reports in its stats events (frame captured → sample logged; median, p95 and p99 over 2 s windows sent every 0.5 s): the value is the median of the window medians and p95s, and the worst window p99 (with 60 samples a window p99 is its worst sample).',
  `Anchors, in the same page with the viewer running, on ${PREMADE_FRAMES} I420 frames recorded from the same fake camera: WebCodecs on the page main thread (encode one frame, await its output; the session encodes in a worker); x264 = the page's own \`BrowserLiveEncoder\` (the session's encoder, in its worker) fed one frame at a time, each sample awaited (ultrafast, the demo's bitrate, GOP 60). Each anchor runs twice: back to back, and paced (frame i starts at i/30 s, as the camera delivers them); the latency ratio is given against both.`,
];

const server = await startDemoServer();
try {
  for (const [width, height] of SIZES) {
    const browser = await launchWithCamera({ kind: 'fake', fps: 30 });
    try {
      const demo = await openDemo(browser, server.url);
      // tsx (esbuild keepNames) wraps named functions inside the evaluated callbacks in `__name(…)`.
      await demo.page.evaluate('globalThis.__name = (fn) => fn');
      const cell = `${width}x${height}`;
      const noOp = await noOpCaptureFps(demo.page, width, height);
      await capturePremade(demo.page, width, height);
      measurements[`no-op capture ${cell}`] = measurement(`no-op capture ${cell}`, 'fps', [noOp]);
      for (const backend of BACKENDS) {
        const perFrame = backend === 'webcodecs' ? webCodecsPerFrameMs : wasmPerFrameMs;
        const anchor = measurement(
          `${backend} per-frame ${cell}`,
          'ms',
          await perFrame(demo.page, width, height, false),
        );
        const paced = measurement(
          `${backend} per-frame paced ${cell}`,
          'ms',
          await perFrame(demo.page, width, height, true),
        );
        const run = await runSession(demo.page, width, height, backend);
        const capture = measurement(`${backend} capture ${cell}`, 'fps', run.captureFps);
        const latency = measurement(`${backend} latency ${cell}`, 'ms', run.latencyMedian);
        const p95 = measurement(`${backend} latency p95 ${cell}`, 'ms', run.latencyP95);
        const p99 = measurement(`${backend} latency p99 ${cell}`, 'ms', run.latencyP99);
        Object.assign(measurements, {
          [anchor.name]: anchor,
          [paced.name]: paced,
          [capture.name]: capture,
          [latency.name]: latency,
          [p95.name]: p95,
          [p99.name]: p99,
          [`${backend} encode ${cell}`]: measurement(`${backend} encode ${cell}`, 'fps', run.encodeFps),
        });
        summary.push({
          metric: `capture fps ${cell} ${run.backend}`,
          value: `${fmt(capture.median, 1)} fps (${run.dropped} dropped)`,
          anchor: `no-op consumer ${fmt(noOp, 1)} fps`,
          ratio: `${fmt(capture.median / noOp)}×`,
          goal: '≥ 0.9×',
        });
        summary.push({
          metric: `captured → logged ${cell} ${run.backend}`,
          value: `median ${ms(latency)}, p95 ${ms(p95)}, p99 ≤ ${fmt(p99.max, 1)} ms`,
          anchor: `per-frame encode ${ms(anchor)} back to back / ${ms(paced)} paced at 30 fps`,
          ratio: `${fmt(latency.median / anchor.median)}× / ${fmt(latency.median / paced.median)}×`,
          goal: 'median ≤ 1.5×',
        });
        const over = run.ourScripts.filter((s) => s.duration > LONG_MS);
        const worst = Math.max(0, ...run.ourScripts.map((s) => s.duration));
        summary.push({
          metric: `long frames, our scripts ${cell} ${run.backend}`,
          value: `${over.length} over ${LONG_MS} ms (worst ${fmt(worst, 0)} ms; ${run.loafs} long frames in all)`,
          anchor: '–',
          ratio: '–',
          goal: `none over ${LONG_MS} ms`,
        });
        if (over.length > 0)
          notes.push(
            `${cell} ${backend}: our long scripts: ${over.map((s) => `${fmt(s.duration, 0)} ms ${s.invoker} ${s.sourceURL}`).join('; ')}`,
          );
      }
      if (demo.pageErrors.length > 0) notes.push(`${cell}: page errors: ${demo.pageErrors.join('; ')}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}

export const table = writeResults('browser', { summary, measurements, notes });
