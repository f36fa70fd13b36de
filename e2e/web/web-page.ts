import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type PageWatch, poll, watchPage } from '../harness/browser.js';
import { type FakeCamera, launchWithCamera } from '../harness/camera.js';
import { showsColourBars } from '../harness/pixels.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import { startVitePages, type VitePages } from '../harness/vite-pages.js';
import type { SessionSnapshot, WebTestApi } from './web-page-api.js';

/**
 * How long pixel checks poll: longer than `poll`'s default, because on a loaded 2-core machine one screenshot
 * can take 30 s (seen with six engineers' tests running at once).
 */
export const PIXELS_TIMEOUT_MS = 60_000;

/** Where tests keep screenshots and streams (e2e/test-results). */
export const ARTIFACTS = join(import.meta.dirname, '..', 'test-results');

/** The test page's Vite dev server (source-first, COOP/COEP like the demo). */
export type WebPageServer = VitePages;

/** Serves e2e/web/page with Vite on a free loopback port, cross-origin isolated. */
export function startWebPageServer(): Promise<WebPageServer> {
  return startVitePages(join(import.meta.dirname, 'page'), ['@rerun-io/web-viewer', '@ffmpeg/core']);
}

const ffmpegCoreDir = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'encoder-wasm',
  'node_modules',
  '@ffmpeg',
  'core',
  'dist',
  'esm',
);

/** `@ffmpeg/core`'s files as the Vite dev server serves them (`/@fs/…`, inside `server.fs.allow`). */
export const FFMPEG_ASSETS = {
  coreURL: `/@fs${realpathSync(join(ffmpegCoreDir, 'ffmpeg-core.js'))}`,
  wasmURL: `/@fs${realpathSync(join(ffmpegCoreDir, 'ffmpeg-core.wasm'))}`,
};

/** The test page in a tab: its API, and what its console said. */
export interface WebPage extends PageWatch {
  readonly page: Page;
  /** Calls `window.webTest[method](...args)` in the page. */
  call<K extends keyof WebTestApi>(
    method: K,
    ...args: Parameters<WebTestApi[K]>
  ): Promise<Awaited<ReturnType<WebTestApi[K]>>>;
  snapshot(): Promise<SessionSnapshot>;
}

/** Opens the test page and waits for its API. */
export async function openWebPage(browser: Browser, url: string): Promise<WebPage> {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  const watch = watchPage(page);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { webTestReady?: boolean }).webTestReady === true);
  const call = (async (method: string, ...args: unknown[]) =>
    page.evaluate(
      ([m, a]) =>
        (window as unknown as { webTest: Record<string, (...x: unknown[]) => unknown> }).webTest[
          m as string
        ]!(...(a as unknown[])),
      [method, args] as const,
    )) as WebPage['call'];
  return { page, ...watch, call, snapshot: () => call('snapshot') };
}

/** The test page's server and a Chromium with a fake camera, shared by one test file. */
export interface WebPageSetup {
  readonly server: WebPageServer;
  readonly browser: Browser;
  /** Opens the test page in a new tab of {@link browser}. */
  open(): Promise<WebPage>;
}

/**
 * Registers `beforeAll`/`afterAll` that start the test page's server and a Chromium with `camera` (a function
 * is called in `beforeAll`, e.g. to make a clip) and create {@link ARTIFACTS}; closes both after the file.
 */
export function useWebPageWithCamera(camera: FakeCamera | (() => FakeCamera)): WebPageSetup {
  let server: WebPageServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [server, browser] = await Promise.all([
      startWebPageServer(),
      launchWithCamera(typeof camera === 'function' ? camera() : camera),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const setup: WebPageSetup = {
    get server() {
      if (server === undefined) throw new Error('the test page server is not started (beforeAll)');
      return server;
    },
    get browser() {
      if (browser === undefined) throw new Error('the browser is not launched (beforeAll)');
      return browser;
    },
    open: () => openWebPage(setup.browser, setup.server.url),
  };
  return setup;
}

/** Polls screenshots (up to {@link PIXELS_TIMEOUT_MS}) until `shows` says yes; `what` names the picture. */
function waitForPicture(web: WebPage, what: string, shows: (png: Buffer) => { ok: boolean }): Promise<true> {
  return poll(
    what,
    async () => (shows(await web.page.screenshot()).ok ? true : undefined),
    PIXELS_TIMEOUT_MS,
  );
}

/** Waits until the page shows the testsrc2 camera's colour bars; `what` names them. */
export function waitForColourBars(web: WebPage, what: string): Promise<true> {
  return waitForPicture(web, what, showsColourBars);
}

/** Waits until the page shows the moving test pattern (the session's fallback source); `what` names it. */
export function waitForTestPattern(web: WebPage, what: string): Promise<true> {
  return waitForPicture(web, what, showsTestPattern);
}

/** Waits until the viewer's active recording is `id` and its `time` range reaches `minNs`. */
export function timeRangeReaches(
  web: WebPage,
  id: string,
  minNs: number,
): Promise<{ min: number; max: number }> {
  return poll(`recording ${id} to cover ${minNs} ns`, async () => {
    if ((await web.call('activeRecording')) !== id) return undefined;
    const range = await web.call('timeRange', 'time');
    return range !== null && range.max >= minNs ? range : undefined;
  });
}

/** Console errors and page errors, apart from the viewer's known chatter. */
export function consoleErrors(web: PageWatch): string[] {
  return [...web.pageErrors, ...web.console.filter((l) => l.startsWith('error'))];
}

/**
 * Chromium's console error when a `VideoFrame` is garbage collected unclosed. It cannot say whose frame: on a
 * loaded machine it fires now and then while a camera track stops, for a frame `MediaStreamTrackProcessor` made
 * and never handed out (seen in 2 of 3 runs of 20 wasm cycles with the CPUs busy, while every frame the page
 * read had been closed or moved to a worker). The cycle tests check the frames the page reads directly
 * ({@link CycleResult.unclosedFrames}) and drop only this line from the console check.
 */
const UNCLOSED_FRAME_GC = /A VideoFrame was garbage collected without being closed/;

/** {@link consoleErrors} apart from Chromium's unattributable unclosed-frame report (see {@link measureCycles}). */
export function consoleErrorsAfterCycles(web: PageWatch): string[] {
  return consoleErrors(web).filter((l) => !UNCLOSED_FRAME_GC.test(l));
}

/** Heap and worker counts around repeated start/stop cycles (see {@link measureCycles}). */
export interface CycleResult {
  readonly baseHeap: number;
  readonly endHeap: number;
  readonly baseWorkers: number;
  readonly endWorkers: number;
  /** Workers seen while the first measured cycle ran. */
  readonly runningWorkers: number;
  /** `error` events the session dispatched during the cycles. */
  readonly errors: unknown[];
  /**
   * Frames the page read from a stream during the cycles and neither closed nor moved to a worker (when each
   * was read, page ms).
   */
  readonly unclosedFrames: string[];
}

/**
 * Follows every `VideoFrame` the page reads from a stream until it is closed or posted to a worker (moved):
 * what a leak in our capture path would leave behind, attributed, unlike Chromium's console report.
 */
async function trackFrames(web: WebPage): Promise<() => Promise<string[]>> {
  await web.page.evaluate(() => {
    const open = new Map<VideoFrame, string>();
    (window as unknown as { openFrames: Map<VideoFrame, string> }).openFrames = open;
    const read = ReadableStreamDefaultReader.prototype.read;
    ReadableStreamDefaultReader.prototype.read = async function (this: ReadableStreamDefaultReader) {
      const result = await read.call(this);
      if (result.value instanceof VideoFrame)
        open.set(result.value, `read at ${performance.now().toFixed(0)} ms`);
      return result;
    } as typeof read;
    const close = VideoFrame.prototype.close;
    VideoFrame.prototype.close = function (this: VideoFrame) {
      open.delete(this);
      close.call(this);
    };
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: unknown) {
      const frame = (message as { frame?: unknown } | null)?.frame;
      if (frame instanceof VideoFrame) open.delete(frame);
      post.call(this, message, transfer as StructuredSerializeOptions);
    } as typeof post;
  });
  return () =>
    web.page.evaluate(() => [
      ...(window as unknown as { openFrames: Map<VideoFrame, string> }).openFrames.values(),
    ]);
}

/**
 * Runs one warm-up cycle (so module loading and compiled code count as baseline), then `cycles` start →
 * frames logged → stop cycles, and reads the JS heap after forced GCs (CDP `HeapProfiler.collectGarbage`,
 * `Performance.getMetrics` `JSHeapUsedSize`) and the dedicated workers (CDP `Target.getTargets`, type
 * `worker`: the browser's own list, not the page's bookkeeping) before and after, and which frames the page read
 * and did not close.
 */
export async function measureCycles(web: WebPage, cycles: number): Promise<CycleResult> {
  const cdp = await web.page.context().newCDPSession(web.page);
  await cdp.send('Performance.enable');
  const heap = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  };
  const workers = async (): Promise<number> => {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'worker').length;
  };
  const logsMore = (than: number): Promise<number> =>
    poll('the session to log frames', async () => {
      const { bytesLogged, state } = await web.snapshot();
      return state === 'running' && bytesLogged > than ? bytesLogged : undefined;
    });
  // A worker's end reaches the target list shortly after terminate(): wait for the count to settle.
  const settledWorkers = (expected: number): Promise<number> =>
    poll(
      'the worker count to settle',
      async () => ((await workers()) === expected ? expected : undefined),
      10_000,
    ).catch(() => workers());

  const unclosedFrames = await trackFrames(web);
  await web.call('start');
  let bytes = await logsMore(0);
  await web.call('stop');
  await web.call('clearEvents');
  const baseWorkers = await settledWorkers(0);
  const baseHeap = await heap();
  let runningWorkers = 0;
  const errors: unknown[] = [];
  for (let i = 0; i < cycles; i++) {
    await web.call('start');
    bytes = await logsMore(bytes);
    if (i === 0) runningWorkers = await workers();
    await web.call('stop');
    errors.push(...(await web.call('events')).filter((e) => e.type === 'error').map((e) => e.detail));
    await web.call('clearEvents');
  }
  const endWorkers = await settledWorkers(baseWorkers);
  const endHeap = await heap();
  await cdp.detach();
  return {
    baseHeap,
    endHeap,
    baseWorkers,
    endWorkers,
    runningWorkers,
    errors,
    unclosedFrames: await unclosedFrames(),
  };
}
