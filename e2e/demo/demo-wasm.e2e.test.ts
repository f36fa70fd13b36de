import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { launchWithCamera, testsrcCamera } from '../harness/camera.js';
import { ARTIFACTS as artifacts, colourBarsOnScreen, demoSession, useDemo } from './demo-page.js';

const setup = useDemo(() => launchWithCamera(testsrcCamera(640, 480)));

describe('pnpm demo with the ffmpeg.wasm (x264) backend', () => {
  it('encodes the camera with x264 in a worker and shows it in the viewer', async () => {
    const demo = await setup.open();
    const { page } = demo;
    await page.selectOption('#backend', 'wasm');
    expect(await page.isDisabled('#preset')).toBe(false);
    await page.selectOption('#preset', 'ultrafast');
    await page.click('#start');
    await page.waitForSelector('#stop:not([disabled])', { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    const session = await demoSession(page);
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
