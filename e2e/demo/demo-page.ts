import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { type PageWatch, watchPage } from '../harness/browser.js';

const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'demo');

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
    stats(): {
      frames: number;
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
export async function openDemo(browser: Browser, url: string): Promise<DemoPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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
