/**
 * Glass-to-glass latency into the real Rerun viewer (@rerun-io/web-viewer 0.33.0) in Debian's headless
 * Chromium (software WebGPU through SwiftShader, launched as e2e/harness/browser.ts does; 1280x800 viewport).
 *
 * How: every frame carries its capture wall-clock time as a barcode (core's `drawTimeStamp` into I420 planes,
 * or the same bars painted on a canvas). The screen is recorded with CDP `Page.startScreencast` (PNG, every
 * compositor frame, acknowledged at once and written to a temp folder); after the run each picture is decoded
 * (pngjs) and read with core's `readTimeStamp` over the whole viewport. Latency = the screencast frame's
 * compositor time (`metadata.timestamp`) − the stamped time, for each stamped frame at its first appearance
 * on screen (a frame the viewer keeps showing over several screen updates counts once). A picture whose stamp
 * does not read is dropped and counted, never counted as a latency. The screen is sampled only when the page
 * produces a compositor frame: with the viewer that is a few times a second here, so these are latencies at the
 * moments the screen changed.
 *
 * Cases, each at 640x480 and 1280x720, 30 fps, in this order:
 *  A. floor: a plain page (bench/latency/page/floor.ts) paints the stamp of `Date.now()` on every animation
 *     frame; read the same way. What the browser, the compositor and the screencast add by themselves.
 *  B. path 1, `camstream capture --input - --live --serve` (the built CLI with its default 100 ms batches,
 *     system ffmpeg libx264 when it works else ffmpeg.wasm; ultrafast, zerolatency) → its hosted page `/`. The
 *     bench is the camera: it writes Y4M frames of the test pattern at 30 fps from a paced loop, each stamped with `Date.now()` as it is
 *     written. In the loop: the pipe, the CLI's Y4M reader, encoder, logging, the server's fan-out, gRPC-web,
 *     the viewer's decoding and drawing.
 *  C. viewer anchor: the same hosted page of a camstream server (`startServer`, in this process), fed frames
 *     encoded before the run by the system ffmpeg (libx264 ultrafast zerolatency, no B-frames, a keyframe a
 *     second) from stamped raw frames whose stamps are `T0 + i·1000/30` for a T0 seconds ahead, logged into
 *     messages before the run too (their RowIds carry the time each is due, as a live capture's carry the time
 *     it logged the frame); at T0 + i·33.3 ms message i goes into the server's in-process sink
 *     (`server.sink().write`, the hub's own ingest: what the CLI's `--serve` calls). In the loop: the server's
 *     fan-out, gRPC-web to the page, the viewer. Out of it: capture, encoding, logging (camstream's and the
 *     CLI's whole frame path). B − C is what the CLI adds.
 *  D. path 3, in the browser: a `CaptureSession` (WebCodecs, its worker) with `viewerSink` into the viewer on
 *     the same page (the demo's setup, bench/latency/page/session.ts); its source is a `track`
 *     (`captureStream(30)`) of a canvas (never shown) painted with the test pattern and the stamp of
 *     `Date.now()` at 30 fps.
 *  E. path 2: B's capture, shown by another page that embeds the viewer on the `rerun+http://…/proxy` URL
 *     (bench/latency/page/embedded.ts, set up as e2e/harness/viewer-page.html: side panels hidden). Path 4:
 *     D's session with `publishSink` to a camstream server (`startServer`, in this process) instead of a viewer
 *     on its page (that page runs in a browser of its own), shown by the server's hosted page.
 *
 * Per case: p50, p90, p99, max over the measured window; drift = median of the last 10 s − median of the
 * first 10 s; how long after the source started the first stamp was on screen; reads dropped of reads made;
 * screen updates per second; the 1-min load average; a screenshot (bench/results/latency-CASE-WxH.png, not
 * committed). The viewer's own "Latency" label (chunk RowId time → its ingestion of the chunk) is drawn inside
 * its canvas and is not read here. Anchors, in the same run: A (the floor every case carries) and C (what the
 * viewer adds on its own).
 *
 * The way to the page (cases with a server): the page's `ReadMessages` stream is watched through CDP's Network
 * domain (`Network.streamResourceContent`) and cut into its messages; each video row says which frame it is
 * (its `time`, the frame's PTS: the bench knows that frame's stamp), when the producer read it (`log_time`) and
 * when it logged it (the RowId's time). So per frame: stamped → read (pipe and reader), read → logged (encoder
 * and logging), logged → received by the page (server fan-out, socket, the browser's network stack), and the
 * rest of the on-screen latency is the viewer's (received → shown). Path 4 has no stamp per message (its frames
 * are stamped in the other page), so its way starts at `log_time`. Also B's CLI reports frame read → sample out
 * of the encoder (`--log-format json` progress lines, every 5 s) and D's session captured → logged (its stats).
 *
 * Env: CAMSTREAM_BENCH_SECONDS (measured window per case, default 60, after a 5 s warm-up);
 * CAMSTREAM_BENCH_LONG_SECONDS (B and D at 640x480, default 300); CAMSTREAM_BENCH_CASES (default
 * `floor,cli,anchor,browser,embedded,publish`: A, B, C, D, path 2, path 4) and CAMSTREAM_BENCH_SIZES (default
 * `640x480,1280x720`) to run a part; CAMSTREAM_BENCH_SERVE_BATCH (B and path 2's `--serve-batch`; unset: the
 * CLI's default); CAMSTREAM_BENCH_PUBLISH_BATCH and CAMSTREAM_BENCH_VIEWER_BATCH (path 4's `publishSink` and
 * D's `viewerSink` batching, ms; 0: each frame at once; unset: the sink's default).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@camstream/server';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, launchBrowser } from '../e2e/harness/browser.js';
import { type ScreenRead, ScreenRecorder, shownFrames } from '../e2e/harness/screen-recorder.js';
import { startBenchPages } from './latency/bench-pages.js';
import {
  type LatencySummary,
  type StepSummary,
  summarise,
  summariseWay,
  type WaySummary,
} from './latency/latency-stats.js';
import { feedOnTime, preEncode } from './latency/pre-encoded-feed.js';
import { StreamReceiveLog } from './latency/stream-receive-log.js';
import { StampedY4mFeed } from './latency/y4m-feed.js';
import { fmt, type Measurement, median, RESULTS_DIR, type SummaryRow, writeResults } from './lib.js';

const SECONDS = Number(process.env.CAMSTREAM_BENCH_SECONDS ?? 60);
const LONG_SECONDS = Number(process.env.CAMSTREAM_BENCH_LONG_SECONDS ?? 300);
const WARMUP_S = 5;
const FPS = 30;
const VIEWPORT = { width: 1280, height: 800 };
const CLI = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const ALL_CASES = ['floor', 'cli', 'anchor', 'browser', 'embedded', 'publish'] as const;
type CaseName = (typeof ALL_CASES)[number];
const CASES = (process.env.CAMSTREAM_BENCH_CASES ?? ALL_CASES.join(',')).split(',') as CaseName[];
const SIZES = (process.env.CAMSTREAM_BENCH_SIZES ?? '640x480,1280x720')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
/** Seconds a pre-encoded run's T0 lies ahead, beyond the encoding time this allows per megapixel-frame. */
const PRE_ENCODE_LEAD_S = 5;
const PRE_ENCODE_MS_PER_MEGAPIXEL_FRAME = 15;

const CASE_TITLES: Record<CaseName, string> = {
  floor: 'A floor (stamped canvas page)',
  cli: 'B path 1: capture --serve → hosted page',
  anchor: 'C viewer anchor: pre-encoded → server → hosted page',
  browser: 'D path 3: CaptureSession → viewer on the page',
  embedded: 'E path 2: capture --serve → viewer embedded in another page',
  publish: 'E path 4: CaptureSession → publishSink → server → hosted page',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one case measured. */
interface CaseResult {
  readonly reads: ScreenRead[];
  /** The measured window, wall-clock ms (compositor time). */
  readonly fromMs: number;
  readonly toMs: number;
  /** When the source started, wall-clock ms. */
  readonly startMs: number;
  readonly loadAverage: number;
  readonly screenshot: Buffer | undefined;
  /** Case-specific facts for the notes. */
  readonly facts: string[];
  /** The frames' way to the page, from the messages it received (cases with a server). */
  readonly way?: WaySummary;
}

/** The index of the frame whose PTS is `timeNs` at {@link FPS} (frame i has PTS i/fps). */
function frameIndex(timeNs: bigint): number {
  return Math.round((Number(timeNs) * FPS) / 1e9);
}

/** The measured window of one case, wall-clock ms, and the load average over it. */
interface MeasuredWindow {
  readonly startMs: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly loadAverage: number;
}

/** Waits out the warm-up and the measured window from `startMs`, sampling the load average once a second. */
async function waitWindow(startMs: number, seconds: number): Promise<MeasuredWindow> {
  const fromMs = startMs + WARMUP_S * 1000;
  const toMs = fromMs + seconds * 1000;
  const loads: number[] = [];
  while (Date.now() < toMs) {
    await sleep(Math.min(1000, toMs - Date.now()));
    if (Date.now() >= fromMs) loads.push(loadavg()[0]!);
  }
  return { startMs, fromMs, toMs, loadAverage: median(loads) };
}

/**
 * Stops the recorder and reads what it saw from the source's start to the window's end: call it once the
 * source has stopped, so the decoding takes no CPU from anything still measured.
 */
async function readScreen(
  recorder: ScreenRecorder,
  measured: MeasuredWindow,
): Promise<Omit<CaseResult, 'facts'>> {
  await recorder.stop();
  return {
    ...measured,
    reads: recorder.read(measured.startMs, measured.toMs),
    screenshot: recorder.screenshot(measured.fromMs, measured.toMs),
  };
}

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  // tsx (esbuild keepNames) wraps named functions inside evaluated callbacks in `__name(…)`.
  await page.addInitScript('globalThis.__name = (fn) => fn');
  page.on('pageerror', (error) => console.error(`page error: ${String(error)}`));
  return page;
}

/** Opens a camstream server's hosted page and waits until its viewer has started. */
async function openHostedPage(browser: Browser, url: string): Promise<ViewerPage> {
  const page = await newPage(browser);
  const received = await StreamReceiveLog.attach(page);
  await page.goto(`${url}/`);
  await page.waitForFunction(
    () => (window as unknown as { camstream?: { ready: boolean } }).camstream?.ready,
    null,
    {
      timeout: 60_000,
    },
  );
  return { page, received };
}

/** bench/latency/page/session.ts's API, as its page exposes it. */
interface SessionBenchWindow {
  readonly latencyBench: {
    start(width: number, height: number, fps: number): Promise<void>;
    stop(): Promise<void>;
    stats(): unknown;
    painted(): number;
  };
}

/** Opens session.html (`url`, with its query) on `page` and waits for its API. */
/** The session page's query parameter for a sink's batching time, when one is set. */
function batchQuery(name: string, ms: string | undefined): string {
  return ms === undefined ? '' : `${name}=${encodeURIComponent(ms)}`;
}

async function openSessionPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => 'latencyBench' in window, null, { timeout: 60_000 });
}

/** Starts the page's capture at `width`×`height`, {@link FPS}; returns the wall-clock time it was asked to. */
async function startSession(page: Page, width: number, height: number): Promise<number> {
  const startMs = Date.now();
  await page.evaluate(
    ([w, h, fps]) => (window as unknown as SessionBenchWindow).latencyBench.start(w!, h!, fps!),
    [width, height, FPS],
  );
  return startMs;
}

/** Stops the page's capture; its session's last stats and how many frames it painted. */
async function stopSession(page: Page): Promise<{ stats: SessionStats | null; painted: number }> {
  const { stats, painted } = await page.evaluate(() => {
    const bench = (window as unknown as SessionBenchWindow).latencyBench;
    return { stats: bench.stats() as SessionStats | null, painted: bench.painted() };
  });
  await page.evaluate(() => (window as unknown as SessionBenchWindow).latencyBench.stop());
  return { stats, painted };
}

async function runFloor(browser: Browser, pagesUrl: string, width: number, height: number, seconds: number) {
  const page = await newPage(browser);
  await page.goto(`${pagesUrl}floor.html?width=${width}&height=${height}`);
  await page.waitForFunction(() => (window as unknown as { floorReady?: boolean }).floorReady === true);
  const recorder = await ScreenRecorder.start(page);
  try {
    const measured = await waitWindow(Date.now(), seconds);
    return { ...(await readScreen(recorder, measured)), facts: [] };
  } finally {
    recorder.dispose();
    await page.close();
  }
}

/** `ffmpeg` when the system ffmpeg has libx264, else `wasm`. */
function cliEncoder(): 'ffmpeg' | 'wasm' {
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return probe.status === 0 && /\blibx264\b/.test(probe.stdout) ? 'ffmpeg' : 'wasm';
}

/** The CLI's `--log-format json` lines on stderr. */
interface CliLogLine {
  readonly level: string;
  readonly event: string;
  readonly message: string;
  readonly latencyMs?: number;
  readonly fps?: number;
  readonly dropped?: number;
  readonly frames?: number;
}

async function stopCli(cli: ChildProcessWithoutNullStreams): Promise<void> {
  if (cli.exitCode !== null) return;
  cli.kill('SIGINT');
  const timer = setTimeout(() => cli.kill('SIGKILL'), 15_000);
  await once(cli, 'close');
  clearTimeout(timer);
}

/** A page that shows a served stream, and when it received each message of it. */
interface ViewerPage {
  readonly page: Page;
  readonly received: StreamReceiveLog;
}

/** Opens the page that shows a served capture: given the server's `http://` and `rerun+http://…/proxy` URLs. */
type OpenViewer = (browser: Browser, url: string, proxyUrl: string) => Promise<ViewerPage>;

const hostedViewer: OpenViewer = (browser, url) => openHostedPage(browser, url);

/** bench/latency/page/embedded.html: a page of its own with the viewer on `proxyUrl` (side panels hidden). */
function embeddedViewer(pagesUrl: string): OpenViewer {
  return async (browser, _url, proxyUrl) => {
    const page = await newPage(browser);
    const received = await StreamReceiveLog.attach(page);
    await page.goto(`${pagesUrl}embedded.html?url=${encodeURIComponent(proxyUrl)}`);
    await page.waitForFunction(
      () => (window as unknown as { embeddedReady?: boolean }).embeddedReady === true,
      null,
      {
        timeout: 60_000,
      },
    );
    return { page, received };
  };
}

async function runCli(
  browser: Browser,
  width: number,
  height: number,
  seconds: number,
  openViewer: OpenViewer,
) {
  const encoder = cliEncoder();
  const cli = spawn(
    process.execPath,
    [
      ...[CLI, '--log-format', 'json', 'capture', '--input', '-', '--live', '--serve', '127.0.0.1:0'],
      ...(process.env.CAMSTREAM_BENCH_SERVE_BATCH === undefined
        ? []
        : ['--serve-batch', process.env.CAMSTREAM_BENCH_SERVE_BATCH]),
      ...['--encoder', encoder, '--preset', 'ultrafast', '--tune', 'zerolatency'],
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  cli.stdin.on('error', () => {});
  const log: CliLogLine[] = [];
  let stdout = '';
  let stderr = '';
  cli.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  cli.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    const lines = stderr.split('\n');
    stderr = lines.pop() ?? '';
    for (const line of lines) {
      try {
        log.push(JSON.parse(line) as CliLogLine);
      } catch {
        console.error(`camstream: ${line}`);
      }
    }
  });
  const feed = new StampedY4mFeed(cli.stdin, width, height, FPS);
  let recorder: ScreenRecorder | undefined;
  try {
    const deadline = Date.now() + 30_000;
    const servedUrl = () => /^http:\/\/127\.0\.0\.1:\d+$/m.exec(stdout)?.[0];
    while (servedUrl() === undefined) {
      if (cli.exitCode !== null || Date.now() > deadline)
        throw new Error(`camstream capture --serve printed no URL:\n${stdout}\n${stderr}`);
      await sleep(100);
    }
    const url = servedUrl()!;
    const { page, received } = await openViewer(browser, url, `rerun+${url}/proxy`);
    recorder = await ScreenRecorder.start(page);
    const startMs = feed.start();
    const measured = await waitWindow(startMs, seconds);
    feed.stop();
    await recorder.stop();
    await stopCli(cli);
    const result = await readScreen(recorder, measured);
    const progress = log.filter((l) => l.event === 'progress' && l.latencyMs !== undefined);
    const done = log.find((l) => l.event === 'done');
    const warnings = log.filter((l) => l.level === 'warn').map((l) => l.message);
    const { frames, late, maxQueuedBytes } = feed.stats;
    // A Y4M frame's PTS is its index in the stream: the frame the bench wrote and stamped.
    const ways = received.frameWays((t) => feed.stampsMs[frameIndex(t)]);
    const way = summariseWay(ways, measured.fromMs, measured.toMs);
    const indices = received.frameIndices(frameIndex);
    return {
      ...result,
      way,
      facts: [
        `the page received ${received.receivedAtMs.length} messages on ${received.streams} stream(s), holding ${indices.length} frames (first ${indices[0]}, last ${indices.at(-1)})`,
        `encoder ${encoder}; frame read → sample out of the encoder (CLI progress lines, every 5 s): ${progress.map((p) => p.latencyMs).join(', ')} ms`,
        `fed ${frames} frames (${late} late by over a frame, at most ${fmt(maxQueuedBytes / 1e6, 1)} MB waiting in the pipe); the CLI: ${done?.message ?? 'no summary'}`,
        ...(warnings.length > 0 ? [`CLI warnings: ${[...new Set(warnings)].join(' | ')}`] : []),
      ],
    };
  } finally {
    feed.stop();
    recorder?.dispose();
    await stopCli(cli);
  }
}

async function runAnchor(browser: Browser, width: number, height: number, seconds: number) {
  const server = await startServer({ port: 0 });
  const abort = new AbortController();
  let recorder: ScreenRecorder | undefined;
  try {
    const { page, received } = await openHostedPage(browser, server.url);
    recorder = await ScreenRecorder.start(page);
    const count = (WARMUP_S + seconds + 2) * FPS;
    const leadS = PRE_ENCODE_LEAD_S + (count * width * height * PRE_ENCODE_MS_PER_MEGAPIXEL_FRAME) / 1e9;
    const t0Ms = Date.now() + leadS * 1000;
    const recording = await preEncode(width, height, FPS, count, t0Ms);
    if (Date.now() > t0Ms - 500)
      throw new Error(`pre-encoding ${count} frames took longer than the ${fmt(leadS, 1)} s allowed for it`);
    const sink = server.sink();
    for (const message of recording.opening) sink.write(message);
    const feeding = feedOnTime(recording, sink, abort.signal);
    const measured = await waitWindow(t0Ms, seconds);
    abort.abort();
    const { sent, maxLateMs } = await feeding;
    const result = await readScreen(recorder, measured);
    const stats = server.stats();
    const way = summariseWay(
      received.frameWays((t) => recording.dueMs[frameIndex(t)]),
      measured.fromMs,
      measured.toMs,
    );
    return {
      ...result,
      way,
      facts: [
        `the page received ${received.receivedAtMs.length} messages on ${received.streams} stream(s)`,
        `${sent} messages sent on time (at most ${fmt(maxLateMs, 0)} ms late); the server skipped ${stats.skipped} for a slow viewer`,
      ],
    };
  } finally {
    abort.abort();
    recorder?.dispose();
    await server.close();
  }
}

/** What `session.stats` says (the fields used here). */
interface SessionStats {
  readonly captureFps?: number;
  readonly encodeFps?: number;
  readonly encodeLatencyMs?: number;
  readonly droppedFrames?: number;
  readonly frames?: number;
}

async function runBrowser(
  browser: Browser,
  pagesUrl: string,
  width: number,
  height: number,
  seconds: number,
) {
  const page = await newPage(browser);
  let recorder: ScreenRecorder | undefined;
  try {
    await openSessionPage(
      page,
      `${pagesUrl}session.html?${batchQuery('viewerBatch', process.env.CAMSTREAM_BENCH_VIEWER_BATCH)}`,
    );
    recorder = await ScreenRecorder.start(page);
    const measured = await waitWindow(await startSession(page, width, height), seconds);
    const { stats, painted } = await stopSession(page);
    const result = await readScreen(recorder, measured);
    return {
      ...result,
      facts: [
        `painted ${painted} frames; session stats at the end: capture ${fmt(stats?.captureFps ?? Number.NaN, 1)} fps, encode ${fmt(stats?.encodeFps ?? Number.NaN, 1)} fps, captured → logged ${fmt(stats?.encodeLatencyMs ?? Number.NaN, 1)} ms, ${stats?.droppedFrames ?? '?'} dropped`,
      ],
    };
  } finally {
    recorder?.dispose();
    await page.close();
  }
}

async function runPublish(
  browser: Browser,
  pagesUrl: string,
  width: number,
  height: number,
  seconds: number,
) {
  const server = await startServer({ port: 0 });
  // The publishing page in a browser of its own, so that neither page is a background tab.
  const publisherBrowser = await launchBrowser();
  let recorder: ScreenRecorder | undefined;
  try {
    const { page, received } = await openHostedPage(browser, server.url);
    const publisher = await newPage(publisherBrowser);
    await openSessionPage(
      publisher,
      `${pagesUrl}session.html?publish=${encodeURIComponent(server.publishUrl)}&${batchQuery('publishBatch', process.env.CAMSTREAM_BENCH_PUBLISH_BATCH)}`,
    );
    recorder = await ScreenRecorder.start(page);
    const measured = await waitWindow(await startSession(publisher, width, height), seconds);
    const { painted } = await stopSession(publisher);
    const stats = server.stats();
    const result = await readScreen(recorder, measured);
    // The session's log_time is the capture time; the stamp of each frame is not known here, so the way starts
    // at the capture.
    const way = summariseWay(
      received.frameWays(() => undefined),
      measured.fromMs,
      measured.toMs,
    );
    return {
      ...result,
      way,
      facts: [
        `painted ${painted} frames; the server took ${stats.publish.messages} published messages (${stats.publish.refused} refused, ${stats.publish.busy} publishers cut for backlog) and skipped ${stats.skipped} for a slow viewer`,
      ],
    };
  } finally {
    recorder?.dispose();
    await publisherBrowser.close();
    await server.close();
  }
}

/** `p50 X / p90 Y / max Z ms (drift D)`. */
function stepText(step: StepSummary): string {
  if (!Number.isFinite(step.p50)) return 'n/a';
  return `p50 ${ms(step.p50)} / p90 ${ms(step.p90)} / max ${ms(step.max)} ms (drift ${ms(step.drift)})`;
}

function ms(n: number): string {
  return Number.isFinite(n) ? `${fmt(n, 0)}` : 'n/a';
}

const summary: SummaryRow[] = [];
const measurements: Record<string, Measurement> = {};
const notes: string[] = [
  `Debian Chromium headless (${CHROMIUM_ARGS.filter((a) => a.includes('webgpu') || a.includes('swiftshader')).join(' ')}), viewport ${VIEWPORT.width}x${VIEWPORT.height}; ${WARMUP_S} s warm-up, then ${SECONDS} s measured (${LONG_SECONDS} s for B and D at 640x480); one run per case on a 2-core virtual machine whose host is shared.`,
  'Latency = screencast compositor time − stamped capture time, per stamped frame at its first appearance on screen; drift = median of the last 10 s − median of the first 10 s of the window; "first on screen" = from the source start to the first readable stamp.',
  "The viewer's own Latency (the top bar's \"Latency: …\", re_viewer 0.33) is the mean over the last second of each message's first-row RowId time → its ingestion: capture, encoding, decoding and drawing are outside it. Here it is taken to the page's receipt of the message (low by at most one viewer frame). The viewer shows it only while it is above 1 s (its `warn_e2e_latency`).",
];
const floorP50 = new Map<string, number>();
const anchorP50 = new Map<string, number>();

mkdirSync(RESULTS_DIR, { recursive: true });
const pages = CASES.some((c) => c !== 'cli' && c !== 'anchor') ? await startBenchPages() : undefined;
try {
  for (const name of ALL_CASES) {
    if (!CASES.includes(name)) continue;
    for (const [width, height] of SIZES) {
      const cell = `${width}x${height}`;
      const seconds = (name === 'cli' || name === 'browser') && width === 640 ? LONG_SECONDS : SECONDS;
      const browser = await launchBrowser();
      let result: CaseResult;
      try {
        if (name === 'floor') result = await runFloor(browser, pages!.url, width, height, seconds);
        else if (name === 'cli') result = await runCli(browser, width, height, seconds, hostedViewer);
        else if (name === 'embedded')
          result = await runCli(browser, width, height, seconds, embeddedViewer(pages!.url));
        else if (name === 'anchor') result = await runAnchor(browser, width, height, seconds);
        else if (name === 'browser') result = await runBrowser(browser, pages!.url, width, height, seconds);
        else result = await runPublish(browser, pages!.url, width, height, seconds);
      } finally {
        await browser.close();
      }
      const s: LatencySummary = summarise(result.reads, result.fromMs, result.toMs);
      const firstRead = result.reads.find((r) => r.stampMs !== undefined);
      const firstOnScreen = firstRead === undefined ? Number.NaN : firstRead.shownAtMs - result.startMs;
      if (result.screenshot !== undefined)
        writeFileSync(join(RESULTS_DIR, `latency-${name}-${cell}.png`), result.screenshot);
      if (name === 'floor') floorP50.set(cell, s.p50);
      if (name === 'anchor') anchorP50.set(cell, s.p50);
      const floor = floorP50.get(cell);
      const anchor = anchorP50.get(cell);
      const key = `${name} ${cell}`;
      const latencies = shownFrames(
        result.reads.filter((r) => r.shownAtMs >= result.fromMs && r.shownAtMs <= result.toMs),
      ).map((f) => f.latencyMs);
      measurements[key] = {
        name: key,
        unit: 'ms, each stamped frame at its first appearance, in the order shown',
        median: s.p50,
        min: latencies.length === 0 ? Number.NaN : Math.min(...latencies),
        max: s.max,
        rounds: latencies,
      };
      summary.push({
        metric: `${CASE_TITLES[name]}, ${cell}`,
        value: `p50 ${ms(s.p50)} / p90 ${ms(s.p90)} / p99 ${ms(s.p99)} / max ${ms(s.max)} ms; drift ${ms(s.drift)} ms; first on screen after ${ms(firstOnScreen)} ms; ${s.dropped}/${s.reads} reads dropped; load ${fmt(result.loadAverage, 1)}`,
        anchor:
          [
            floor === undefined || name === 'floor' ? '' : `floor ${ms(floor)} ms`,
            anchor === undefined || name === 'anchor' || name === 'floor'
              ? ''
              : `viewer anchor ${ms(anchor)} ms`,
          ]
            .filter(Boolean)
            .join('; ') || '–',
        ratio:
          anchor !== undefined && name !== 'anchor' && name !== 'floor'
            ? `p50 − anchor ${ms(s.p50 - anchor)} ms`
            : floor !== undefined && name !== 'floor'
              ? `p50 − floor ${ms(s.p50 - floor)} ms`
              : '–',
        goal: '–',
      });
      console.error(`${key}: ${summary.at(-1)!.value}`);
      const way = result.way;
      if (way !== undefined) {
        summary.push({
          metric: `${CASE_TITLES[name]}, ${cell}: the way to the page (the ${way.frames} frames in its stream)`,
          value: [
            `stamped → read ${stepText(way.stampedToRead)}`,
            `read → logged ${stepText(way.readToLogged)}`,
            `logged → received by the page ${stepText(way.loggedToReceived)}`,
            `stamped → received ${stepText(way.stampedToReceived)}`,
            `the viewer's own Latency (its first-row RowId → receipt, 1 s mean) ${stepText(way.viewerLabel)}`,
          ].join('; '),
          anchor: '–',
          ratio: Number.isFinite(way.stampedToReceived.p50)
            ? `on screen p50 − received p50: ${ms(s.p50 - way.stampedToReceived.p50)} ms`
            : '–',
          goal: '–',
        });
      }
      notes.push(
        `${CASE_TITLES[name]}, ${cell}: ${seconds} s measured, ${s.frames} stamped frames shown, ${fmt(s.updatesPerSecond, 1)} screen updates/s, misreads ${JSON.stringify(s.droppedBy)}, load average ${fmt(result.loadAverage, 2)}. ${result.facts.join('. ')}`,
      );
    }
  }
} finally {
  await pages?.close();
}

export const table = writeResults('latency', { summary, measurements, notes });
