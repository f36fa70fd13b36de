import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WasmEncoderModule } from '@camstream/web';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { type PageWatch, poll, watchPage } from '../harness/browser.js';
import { showsColourBars } from '../harness/pixels.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';

const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'demo');

/** Where demo tests keep screenshots (e2e/test-results). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/** The demo's Vite dev server, started in-process on a free loopback port. */
export interface DemoServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `apps/demo` with its own `vite.config.ts` (source-first resolution, COOP/COEP headers). */
export async function startDemoServer(): Promise<DemoServer> {
  const server: ViteDevServer = await createServer({
    root: demoRoot,
    configFile: join(demoRoot, 'vite.config.ts'),
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (address === null || address === undefined) throw new Error('the demo dev server has no address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** What `apps/demo` exposes on `window.camstreamDemo` (see apps/demo/src/main.ts). */
export interface DemoWindow {
  camstreamDemo: {
    viewer: {
      get_active_recording_id(): string | null;
      get_time_range(recording: string, timeline: string): { min: number; max: number } | null;
    };
    recordingId(): string | null;
    running(): boolean;
    /** Adds a camera (a device id, `''` the default camera, `test-pattern`); its entity path, or null. */
    addCamera(source?: string): Promise<string | null>;
    removeCamera(entityPath: string): Promise<void>;
    cameras(): { entityPath: string; label: string; running: boolean; stats: { frames: number } }[];
    session(): { source: 'camera' | 'test-pattern'; fallbackReason: string | null; backend: string } | null;
    openServer(url: string): Promise<void>;
    /** The session's `stats` events (a subset of `@camstream/web`'s `CaptureStats`). */
    statsEvents(): {
      captureFps: number;
      encodeFps: number;
      bitrate: number;
      encodeLatencyMs: number | undefined;
      encodeLatencyP95Ms: number | undefined;
      encodeLatencyP99Ms: number | undefined;
      droppedFrames: number;
    }[];
    serverUrl(): string | null;
    /** The page's ffmpeg.wasm encoder module (`@camstream/encoder-wasm/browser`) and its asset URLs. */
    wasmEncoder(): Promise<{
      module: WasmEncoderModule;
      assets: { ffmpegWorkerURL: string; ffmpegCoreURL: string; ffmpegWasmURL: string };
    }>;
    stats(): {
      frames: number;
      captureFps: number;
      fps: number;
      kbps: number;
      latencyMs: number | undefined;
      dropped: number;
    } | null;
  };
}

/** The demo page in a browser tab, and what its console said. */
export interface DemoPage extends PageWatch {
  readonly page: Page;
  /** The viewer's active recording id. */
  activeRecording(): Promise<string | null>;
  /** The active recording's range on `timeline`. */
  timeRange(timeline: string): Promise<{ min: number; max: number } | null>;
  /** The recording id of the demo's current (or last) session. */
  sessionRecording(): Promise<string | null>;
}

/**
 * Opens the demo like `openViewer` opens the harness page: records console lines (not `debug`) and page
 * errors, then waits until the viewer is up and Start is enabled.
 */
export async function openDemo(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<DemoPage> {
  const page = await browser.newPage({ viewport });
  const watch = watchPage(page);
  await page.goto(url);
  await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
  return {
    page,
    ...watch,
    activeRecording: () =>
      page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.viewer.get_active_recording_id()),
    timeRange: (timeline) =>
      page.evaluate((t) => {
        const { viewer } = (window as unknown as DemoWindow).camstreamDemo;
        const id = viewer.get_active_recording_id();
        return id === null ? null : viewer.get_time_range(id, t);
      }, timeline),
    sessionRecording: () =>
      page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.recordingId()),
  };
}

/** The demo's dev server and a browser, shared by one test file. */
export interface DemoSetup {
  readonly server: DemoServer;
  readonly browser: Browser;
  /** Opens the demo in a new tab of {@link browser} (see {@link openDemo}). */
  open(viewport?: { width: number; height: number }): Promise<DemoPage>;
}

/**
 * Registers `beforeAll`/`afterAll` that create {@link ARTIFACTS}, start the demo's dev server and the browser
 * `launch` returns (e.g. `launchWithCamera(…)`), and close both after the file.
 */
export function useDemo(launch: () => Promise<Browser>): DemoSetup {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [server, browser] = await Promise.all([startDemoServer(), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const setup: DemoSetup = {
    get server() {
      if (server === undefined) throw new Error('the demo server is not started (beforeAll)');
      return server;
    },
    get browser() {
      if (browser === undefined) throw new Error('the browser is not launched (beforeAll)');
      return browser;
    },
    open: (viewport) => openDemo(setup.browser, setup.server.url, viewport),
  };
  return setup;
}

/** The demo's current session (`window.camstreamDemo.session()`), or null before Start. */
export function demoSession(page: Page): Promise<ReturnType<DemoWindow['camstreamDemo']['session']>> {
  return page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.session());
}

/** Polls until the demo has a session (after Start); returns it. */
export function sessionStarted(
  page: Page,
): Promise<NonNullable<ReturnType<DemoWindow['camstreamDemo']['session']>>> {
  return poll('a session', async () => (await demoSession(page)) ?? undefined);
}

/**
 * Starts summing the page's `layout-shift` entries (PerformanceObserver; shifts right after user input are
 * excluded, as the CLS metric does). Returns a function that reads the sum so far.
 */
export async function watchLayoutShifts(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { layoutShift: number };
    w.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[]) {
        if (!entry.hadRecentInput) w.layoutShift += entry.value;
      }
    }).observe({ type: 'layout-shift' });
  });
  return () => page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift);
}

/** How long to wait for a picture: screenshots take seconds each when the shared 2-core machine is loaded. */
const PICTURE_TIMEOUT_MS = 90_000;

/** Polls screenshots until `shows` says yes; returns that screenshot. */
function pictureOnScreen(page: Page, what: string, shows: (png: Buffer) => { ok: boolean }): Promise<Buffer> {
  return poll(
    what,
    async () => {
      const png = await page.screenshot({ timeout: PICTURE_TIMEOUT_MS });
      return shows(png).ok ? png : undefined;
    },
    PICTURE_TIMEOUT_MS,
  );
}

/** Polls screenshots until testsrc2's colour bars (the fake camera's, a served clip's) are on screen. */
export function colourBarsOnScreen(page: Page, what: string): Promise<Buffer> {
  return pictureOnScreen(page, what, showsColourBars);
}

/** Polls screenshots until the moving test pattern is on screen. */
export function testPatternOnScreen(page: Page, what: string): Promise<Buffer> {
  return pictureOnScreen(page, what, showsTestPattern);
}
