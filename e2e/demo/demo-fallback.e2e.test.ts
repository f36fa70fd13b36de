import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { launchWithCamera } from '../harness/camera.js';
import { ARTIFACTS as artifacts, sessionStarted, testPatternOnScreen, useDemo } from './demo-page.js';

// A camera exists, but the browser refuses every permission prompt: the user said no.
const setup = useDemo(() => launchWithCamera({ kind: 'denied' }));

describe('pnpm demo without camera permission', () => {
  it('streams the test pattern through the real encoder and viewer, and says why', async () => {
    const demo = await setup.open();
    const { page } = demo;
    // The camera is listed (without a label until access is granted), so it is what Start asks for.
    expect(await page.inputValue('#camera')).toBe('');
    await page.click('#start');

    const session = await sessionStarted(page);
    expect(session.source).toBe('test-pattern');
    expect(session.fallbackReason).toMatch(/Camera access was denied/);
    // Said in the page, not only in the API.
    expect(await page.textContent('#status')).toMatch(/test pattern \(no camera\)/);
    expect(await page.isVisible('#notice')).toBe(true);
    expect(await page.textContent('#notice')).toMatch(/Camera access was denied.*test pattern/);

    // The pattern's colour bars, encoded and decoded for real, in the viewer.
    const shot = await testPatternOnScreen(page, 'the test pattern in the viewer');
    writeFileSync(join(artifacts, 'demo-denied-pattern.png'), shot);
    const id = await demo.sessionRecording();
    await poll('the recording to grow', async () => {
      if ((await demo.activeRecording()) !== id) return undefined;
      const range = await demo.timeRange('time');
      return range !== null && range.max >= 1_000_000_000 ? true : undefined;
    });

    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
