import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { launchWithCamera } from '../harness/camera.js';
import { ARTIFACTS, type DemoPage, type DemoWindow, useDemo } from './demo-page.js';

// Chromium's fake device is the page's one camera, so the second and third cameras are test patterns.
const setup = useDemo(() => launchWithCamera({ kind: 'fake', fps: 30 }));

function cameras(demo: DemoPage) {
  return demo.page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.cameras());
}

/** Waits until every camera in `entityPaths` runs and has logged more than `than[entity]` samples. */
function camerasAdvance(demo: DemoPage, entityPaths: string[], than: Record<string, number> = {}) {
  return poll(`${entityPaths.join(', ')} to log more samples`, async () => {
    const list = await cameras(demo);
    const frames = Object.fromEntries(list.map((c) => [c.entityPath, c.running ? c.stats.frames : -1]));
    return entityPaths.every((e) => (frames[e] ?? -1) > (than[e] ?? 0) + 10) ? frames : undefined;
  });
}

describe('pnpm demo: several cameras in one recording', () => {
  it('adds a second and a third camera to the running recording, each with its own numbers; removing one leaves the others streaming', async () => {
    const demo = await setup.open();
    const { page } = demo;
    await page.click('#start');
    const recordingId = await poll(
      'a session recording id',
      async () => (await demo.sessionRecording()) ?? undefined,
    );
    await page.waitForSelector('#cameras:not([hidden]) li[data-entity="cameras/1"]');
    await page.waitForSelector('#add-camera:not([disabled])');
    // The picker offers the test pattern once the fake device streams on cameras/1.
    expect(await page.inputValue('#add-source')).toBe('test-pattern');
    await page.click('#add-camera');
    await page.waitForSelector('li[data-entity="cameras/2"]');
    await page.waitForSelector('#add-camera:not([disabled])');
    expect(
      await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.addCamera('test-pattern')),
    ).toBe('cameras/3');
    // Three cameras: no more can be added.
    await page.waitForSelector('#add-camera[disabled]');
    const three = await camerasAdvance(demo, ['cameras/1', 'cameras/2', 'cameras/3']);
    expect(await demo.sessionRecording()).toBe(recordingId);
    expect(await page.textContent('li[data-entity="cameras/2"] .camera-numbers')).toMatch(
      /fps · \d+ kbit\/s/,
    );
    writeFileSync(join(ARTIFACTS, 'demo-three-cameras.png'), await page.screenshot());

    // Remove the second camera with its button: the others go on in the same recording.
    await page.click('li[data-entity="cameras/2"] button');
    await page.waitForSelector('li[data-entity="cameras/2"]', { state: 'detached' });
    expect((await cameras(demo)).map((c) => c.entityPath)).toEqual(['cameras/1', 'cameras/3']);
    await camerasAdvance(demo, ['cameras/1', 'cameras/3'], three);
    expect(await demo.sessionRecording()).toBe(recordingId);
    expect(await demo.activeRecording()).toBe(recordingId);
    await page.waitForSelector('#add-camera:not([disabled])');

    await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])');
    await page.waitForSelector('#cameras[hidden]', { state: 'attached' });
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(demo.problems()).toEqual([]);
    expect(demo.pageErrors).toEqual([]);
    await page.close();
  });
});
