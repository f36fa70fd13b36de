import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs it with apt. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags that make the Rerun viewer fast and quiet in headless Chromium: software WebGPU through SwiftShader
 * (without it the viewer falls back to WebGL2 and freezes the page for seconds on the first data;
 * `--enable-unsafe-webgpu` alone gives a black viewer), and no background networking.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

/** Console lines that mean the viewer rejected our data. */
export const VIEWER_PROBLEMS = [
  /Data source has left unexpectedly/i,
  /Failed to decode/i,
  /Failed to detect GOP/i,
  /AnnexBReader/i,
  /Not an RRD/i,
  /out of order/i,
  /Expected only a single VideoSample/i,
  /missing/i,
  /InvalidVideoSampleType/i,
];

/** What a page said: console lines (not `debug`) and uncaught errors. */
export interface PageWatch {
  readonly console: string[];
  readonly pageErrors: string[];
  /** Console warnings/errors matching {@link VIEWER_PROBLEMS}. */
  problems(): string[];
}

/** A browser page with the viewer harness loaded, and what its console said. */
export interface ViewerPage extends PageWatch {
  readonly page: Page;
}

/** Starts recording what `page` logs; call before navigating. */
export function watchPage(page: Page): PageWatch {
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'debug') return;
    consoleLines.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  return {
    console: consoleLines,
    pageErrors,
    problems: () =>
      consoleLines.filter((l) => /^(warning|error)/.test(l) && VIEWER_PROBLEMS.some((re) => re.test(l))),
  };
}

/** Launches Debian's Chromium headless with the viewer-friendly flags. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Opens the harness page and starts the viewer (optionally on a URL: a `.rrd` or `rerun+http://…/proxy`). */
export async function openViewer(browser: Browser, baseUrl: string, viewerUrl?: string): Promise<ViewerPage> {
  const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
  const watch = watchPage(page);
  await page.goto(baseUrl);
  await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
  await page.evaluate((url) => (window as unknown as HarnessWindow).harness.start(url), viewerUrl ?? null);
  return { page, ...watch };
}

/** The harness API the page exposes on `window` (see viewer-page.html). */
export interface HarnessWindow {
  harness: {
    start(url: string | null): Promise<void>;
    openChannel(name: string): void;
    sendBase64(b64: string): void;
    activeRecording(): string | null;
    timeRange(timeline: string): { min: number; max: number } | null;
    recordingsOpened: unknown[];
  };
}

/** Sends complete RRD streams to the page's log channel, one `send_rrd` call each. */
export async function sendRrd(page: Page, streams: readonly Uint8Array[]): Promise<void> {
  for (const bytes of streams) {
    const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    await page.evaluate((data) => (window as unknown as HarnessWindow).harness.sendBase64(data), b64);
  }
}

/**
 * Polls `check` until it returns a value other than `undefined`, or throws after `timeoutMs`. The default is a
 * guard against a hang, not a speed check: a viewer in headless Chromium drawing on two cores shared with a
 * busy machine took over 30 s for a condition it meets in a few seconds when idle.
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}
