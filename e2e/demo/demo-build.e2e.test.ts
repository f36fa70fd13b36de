import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll } from '../harness/browser.js';
import { type IsolatedStaticServer, startIsolatedStaticServer } from '../harness/isolated-static-server.js';
import { type DemoWindow, openDemo, testPatternOnScreen } from './demo-page.js';

const demoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'demo');

let outDir: string;
let site: IsolatedStaticServer;
let browser: Browser;

beforeAll(async () => {
  // The same build as `pnpm --filter @camstream/demo build`, into a temp dir (the checkout's dist is left alone).
  outDir = mkdtempSync(join(tmpdir(), 'camstream-demo-dist-'));
  await build({
    root: demoRoot,
    configFile: join(demoRoot, 'vite.config.ts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  [site, browser] = await Promise.all([startIsolatedStaticServer(outDir), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('the built demo (vite build) from a plain static server with COOP/COEP', () => {
  it('carries the viewer wasm, the encoder workers and the licence notices', () => {
    const assets = readdirSync(join(outDir, 'assets'));
    expect(assets.some((f) => /^re_viewer_bg-.*\.wasm$/.test(f))).toBe(true);
    expect(assets.some((f) => /^webcodecs-worker-.*\.js$/.test(f))).toBe(true);
    expect(assets.some((f) => /^i420-worker-.*\.js$/.test(f))).toBe(true);
    // The injected ffmpeg.wasm encoder: its worker and @ffmpeg/core's JS and wasm.
    expect(assets.some((f) => /^worker-.*\.js$/.test(f))).toBe(true);
    expect(assets.some((f) => /^ffmpeg-core-.*\.js$/.test(f))).toBe(true);
    expect(assets.some((f) => /^ffmpeg-core-.*\.wasm$/.test(f))).toBe(true);
    const notices = readFileSync(join(outDir, 'LICENSES.txt'), 'utf8');
    expect(notices).toMatch(/x264/);
    expect(notices).toMatch(/GPL-2\.0-or-later/);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toMatch(/LICENSES\.txt/);
  });

  it('runs: cross-origin isolated, the viewer from the build, the test pattern through WebCodecs and x264', async () => {
    const demo = await openDemo(browser, site.url);
    const { page } = demo;
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(site.requests.some((p) => /^\/assets\/re_viewer_bg-.*\.wasm$/.test(p))).toBe(true);

    await page.selectOption('#camera', 'test-pattern');
    await page.click('#start');
    const session = await poll(
      'a session',
      async () =>
        (await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.session())) ?? undefined,
    );
    expect(session.source).toBe('test-pattern');
    await testPatternOnScreen(page, 'the test pattern in the viewer');
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');

    // The x264 (ffmpeg.wasm) backend from the build's own assets.
    await page.selectOption('#backend', 'wasm');
    await page.click('#start');
    await page.waitForSelector('#stop:not([disabled])', { timeout: 60_000 });
    const wasm = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.session());
    expect(wasm?.backend).toBe('wasm');
    await testPatternOnScreen(page, 'the x264-encoded test pattern in the viewer');
    expect(site.requests.some((p) => /^\/assets\/ffmpeg-core-.*\.wasm$/.test(p))).toBe(true);
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
