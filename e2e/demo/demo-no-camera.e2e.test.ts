import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import {
  colourBarsOnScreen,
  type DemoServer,
  type DemoWindow,
  openDemo,
  startDemoServer,
} from './demo-page.js';

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  // Chromium without the fake-device flags: this machine has no camera at all.
  [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pnpm demo on a machine with no camera', () => {
  it('preselects the test pattern, says so before Start, and streams it into the viewer', async () => {
    const demo = await openDemo(browser, server.url);
    const { page } = demo;
    expect(await page.inputValue('#camera')).toBe('test-pattern');
    expect(await page.textContent('#status')).toMatch(/no camera found.*test pattern/i);
    await page.press('#start', 'Enter');
    await colourBarsOnScreen(page, 'the test pattern in the viewer');
    const session = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.session());
    expect(session?.source).toBe('test-pattern');
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
