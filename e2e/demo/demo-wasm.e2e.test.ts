import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { launchWithCamera, makeY4mClip } from '../harness/camera.js';
import {
  colourBarsOnScreen,
  type DemoServer,
  type DemoWindow,
  openDemo,
  startDemoServer,
} from './demo-page.js';

const artifacts = join(import.meta.dirname, '..', 'test-results');

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  const clip = makeY4mClip({ width: 640, height: 480, fps: 30, seconds: 1 });
  [server, browser] = await Promise.all([startDemoServer(), launchWithCamera({ kind: 'file', path: clip })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pnpm demo with the ffmpeg.wasm (x264) backend', () => {
  it('encodes the camera with x264 in a worker and shows it in the viewer', async () => {
    const demo = await openDemo(browser, server.url);
    const { page } = demo;
    await page.selectOption('#backend', 'wasm');
    expect(await page.isDisabled('#preset')).toBe(false);
    await page.selectOption('#preset', 'ultrafast');
    await page.click('#start');
    await page.waitForSelector('#stop:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    const session = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.session());
    expect(session).toMatchObject({ source: 'camera', backend: 'wasm' });
    expect(await page.textContent('#stat-encoder')).toBe('x264 wasm');

    writeFileSync(
      join(artifacts, 'demo-wasm.png'),
      await colourBarsOnScreen(page, 'x264 video in the viewer'),
    );
    const id = await demo.sessionRecording();
    await poll('the recording to cover a second', async () => {
      if ((await demo.activeRecording()) !== id) return undefined;
      const range = await demo.timeRange('time');
      return range !== null && range.min === 0 && range.max >= 1_000_000_000 ? true : undefined;
    });

    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
