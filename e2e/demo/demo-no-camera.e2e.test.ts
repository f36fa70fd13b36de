import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { demoSession, testPatternOnScreen, useDemo } from './demo-page.js';

// Chromium without the fake-device flags: this machine has no camera at all.
const setup = useDemo(() => launchBrowser());

describe('pnpm demo on a machine with no camera', () => {
  it('preselects the test pattern, says so before Start, and streams it into the viewer', async () => {
    const demo = await setup.open();
    const { page } = demo;
    expect(await page.inputValue('#camera')).toBe('test-pattern');
    expect(await page.textContent('#status')).toMatch(/no camera found.*test pattern/i);
    await page.press('#start', 'Enter');
    await testPatternOnScreen(page, 'the test pattern in the viewer');
    const session = await demoSession(page);
    expect(session?.source).toBe('test-pattern');
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
  });
});
