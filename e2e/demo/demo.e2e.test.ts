import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { launchWithCamera, testsrcCamera } from '../harness/camera.js';
import {
  ARTIFACTS as artifacts,
  colourBarsOnScreen,
  type DemoPage,
  type DemoWindow,
  demoSession,
  useDemo,
  watchLayoutShifts,
} from './demo-page.js';

// The camera plays testsrc2 (made here by Debian's ffmpeg), so the viewer's picture can be checked for its bars.
const setup = useDemo(() => launchWithCamera(testsrcCamera(640, 480)));

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

describe('pnpm demo: camera → WebCodecs H.264 → RecordingStream → embedded viewer', () => {
  it('streams the camera live with moving stats and no layout shift; keyboard stop and start make a new recording', async () => {
    const demo = await setup.open();
    const { page } = demo;
    expect(await page.getAttribute('#stop', 'disabled')).not.toBeNull();
    const idleStats = await statsText(demo);

    // Keyboard: the form submits on Enter from a field, like a click on Start.
    await page.focus('#bitrate');
    await page.keyboard.press('Enter');
    const first = await poll(
      'a session recording id',
      async () => (await demo.sessionRecording()) ?? undefined,
    );
    const session = await demoSession(page);
    expect(session).toMatchObject({ source: 'camera', fallbackReason: null, backend: 'webcodecs' });

    // The camera's testsrc2 bars appear in the viewer, decoded from our H.264.
    await colourBarsOnScreen(page, 'the camera picture in the viewer');

    // Stats update while streaming, and only repaint inside fixed boxes: no layout shift.
    const layoutShift = await watchLayoutShifts(page);
    const a = await timeRangeReaches(demo, first, 0);
    expect(a.min).toBe(0);
    const statsA = await statsText(demo);
    expect(statsA).not.toBe(idleStats);
    const b = await timeRangeReaches(demo, first, a.max + 1_000_000_000);
    expect(b.max).toBeGreaterThan(a.max);
    await poll('the stats to change', async () => ((await statsText(demo)) !== statsA ? true : undefined));
    expect(await layoutShift()).toBeLessThan(0.001);
    // The session's stats events behind the panel: frames counted up, with capture and bitrate seen.
    const events = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.statsEvents());
    expect(events.length).toBeGreaterThan(1);
    expect(Math.max(...events.map((e) => e.bitrate))).toBeGreaterThan(0);
    expect(Math.max(...events.map((e) => e.captureFps))).toBeGreaterThan(0);
    expect(Math.max(...events.map((e) => e.encodeFps))).toBeGreaterThan(0);
    const stats = await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.stats());
    expect(stats?.frames).toBeGreaterThan(10);

    // Stop (keyboard: Space on the focused Stop button): controls flip, the session ends.
    await page.focus('#stop');
    await page.keyboard.press('Space');
    await page.waitForSelector('#start:not([disabled])');
    expect(await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.running())).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('start');

    // Start again: a new recording id, time from 0, active in the viewer.
    await page.click('#start');
    const second = await poll('a new session recording id', async () => {
      const id = await demo.sessionRecording();
      return id !== null && id !== first ? id : undefined;
    });
    const c = await timeRangeReaches(demo, second, 500_000_000);
    expect(c.min).toBe(0);
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');

    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
    await page.close();
  });

  it('fits and shows the video at 1280x800 and 1920x1080 (screenshots saved as artifacts)', async () => {
    const demo = await setup.open();
    const { page } = demo;
    await page.click('#start');
    // Screenshots at both checklist sizes (artifacts), each still showing the video.
    const small = await colourBarsOnScreen(page, 'the video at 1280x800');
    writeFileSync(join(artifacts, 'demo-1280x800.png'), small);
    // Stopped first: the viewer keeps showing the recording's last frame, so the larger window is checked for
    // its layout and the video without a software-rendered 1920x1080 canvas also decoding a live stream.
    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    await page.setViewportSize({ width: 1920, height: 1080 });
    const big = await colourBarsOnScreen(page, 'the video at 1920x1080');
    writeFileSync(join(artifacts, 'demo-1920x1080.png'), big);
    // Nothing overflows: the panel and the viewer fit the window side by side.
    const boxes = await page.evaluate(() => {
      const panel = document.querySelector('.panel')!.getBoundingClientRect();
      const viewer = document.querySelector('#viewer')!.getBoundingClientRect();
      return {
        panel: panel.right,
        viewerLeft: viewer.left,
        viewer: viewer.right,
        width: innerWidth,
        scroll: document.body.scrollWidth,
      };
    });
    expect(boxes.viewerLeft).toBe(boxes.panel);
    expect(boxes.viewer).toBe(boxes.width);
    expect(boxes.scroll).toBeLessThanOrEqual(boxes.width);
    expect(demo.pageErrors).toEqual([]);
    await page.close();
  });

  it('shows a bad setting as an error in the page, and Start stays usable', async () => {
    const demo = await setup.open();
    const { page } = demo;
    await page.fill('#bitrate', '5');
    await page.click('#start');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toContain('Bitrate must be between');
    expect(await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.running())).toBe(false);
    expect(await page.getAttribute('#start', 'disabled')).toBeNull();
    await page.close();
  });
});
