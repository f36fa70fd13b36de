import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll } from '../harness/browser.js';
import { showsColourBars } from '../harness/pixels.js';
import { type DemoPage, type DemoServer, type DemoWindow, openDemo, startDemoServer } from './demo-page.js';

const artifacts = join(import.meta.dirname, '..', 'test-results');

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDemoServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function statsText(demo: DemoPage): Promise<string> {
  return (await demo.page.textContent('#stats')) ?? '';
}

/** Waits until the viewer's active recording is `id` and its `time` range has reached `minNs`. */
async function timeRangeReaches(
  demo: DemoPage,
  id: string,
  minNs: number,
): Promise<{ min: number; max: number }> {
  return poll(`recording ${id} to cover ${minNs} ns`, async () => {
    if ((await demo.activeRecording()) !== id) return undefined;
    const range = await demo.timeRange('time');
    return range !== null && range.max >= minNs ? range : undefined;
  });
}

describe('pnpm demo: canvas pattern → WebCodecs H.264 → RecordingStream → embedded viewer', () => {
  it('streams live, stops cleanly and starts a new recording', async () => {
    const demo = await openDemo(browser, server.url);
    const { page } = demo;
    expect(await page.getAttribute('#stop', 'disabled')).not.toBeNull();
    const idleStats = await statsText(demo);

    await page.click('#start');
    const first = await poll(
      'a session recording id',
      async () => (await demo.sessionRecording()) ?? undefined,
    );

    // The pattern's colour bars appear in the viewer, decoded from our H.264.
    const shot = await poll('the test pattern in the viewer', async () => {
      const png = await page.screenshot();
      return showsColourBars(png).ok ? png : undefined;
    });
    writeFileSync(join(artifacts, 'demo.png'), shot);

    // The stats line moves, and the recording's time range grows while streaming.
    const a = await timeRangeReaches(demo, first, 0);
    expect(a.min).toBe(0);
    const statsA = await statsText(demo);
    expect(statsA).not.toBe(idleStats);
    const b = await timeRangeReaches(demo, first, a.max + 500_000_000);
    expect(b.max).toBeGreaterThan(a.max);
    await poll('the stats line to change', async () =>
      (await statsText(demo)) !== statsA ? true : undefined,
    );
    const stats = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.stats());
    expect(stats?.frames).toBeGreaterThan(10);
    expect(stats?.kbps).toBeGreaterThan(0);

    // Stop: the session ends, the controls flip, nothing more is logged.
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    expect(await page.getAttribute('#stop', 'disabled')).not.toBeNull();
    expect(await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.running())).toBe(false);

    // Start again: a new recording id, time from 0, and it becomes the active recording.
    await page.click('#start');
    const second = await poll('a new session recording id', async () => {
      const id = await demo.sessionRecording();
      return id !== null && id !== first ? id : undefined;
    });
    const c = await timeRangeReaches(demo, second, 500_000_000);
    expect(c.min).toBe(0);
    await poll('the pattern again', async () =>
      showsColourBars(await page.screenshot()).ok ? true : undefined,
    );
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');

    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
