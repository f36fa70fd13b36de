import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameTime, RecordingStream, VideoCodec, VideoStream } from '@camstream/core';
import { type CamstreamServer, startServer } from '@camstream/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll } from '../harness/browser.js';
import { makeH264Clip, splitAccessUnits } from '../harness/media.js';
import { ARTIFACTS as artifacts, colourBarsOnScreen, type DemoWindow, useDemo } from './demo-page.js';

let units: Uint8Array[];

beforeAll(() => {
  // Real x264 output (Debian ffmpeg, testsrc2), split into one access unit per frame.
  units = splitAccessUnits(
    makeH264Clip({ width: 320, height: 240, fps: 30, frames: 60, profile: 'baseline', gop: 30 }).bytes,
  ).map((u) => u.data);
});

const setup = useDemo(() => launchBrowser());

/**
 * Publishes the clip into `server` live, looping, until the returned function is called. At 10 frames a second:
 * the software-rendered viewer here ingests about ten messages a second, and the test is about the demo
 * following a server, not about the viewer's throughput.
 */
function publishLive(server: CamstreamServer, recordingId: string): () => Promise<void> {
  const rec = new RecordingStream({ applicationId: 'camstream_e2e', recordingId, sinks: [server.sink()] });
  rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  let frame = 0;
  const timer = setInterval(() => {
    rec.setTime('time', { duration: frameTime(frame, 10) });
    rec.log('video_stream', VideoStream.fromFields({ sample: units[frame % units.length]! }));
    frame++;
  }, 1000 / 10);
  return async () => {
    clearInterval(timer);
    await rec.close();
  };
}

describe('pnpm demo, "Open a stream" mode', () => {
  it('follows a live loopback camstream server in the embedded viewer', async () => {
    const server = await startServer({ port: 0 });
    const stopPublishing = publishLive(server, 'demo-serve');
    try {
      const demo = await setup.open();
      const { page } = demo;
      // Keyboard: switch mode with the radio, type the URL, Enter submits.
      await page.check('#mode-serve');
      expect(await page.locator('#capture-form').isHidden()).toBe(true);
      await page.fill('#serve-url', server.url);
      await page.press('#serve-url', 'Enter');
      await poll('the stream to open', async () =>
        (await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.serverUrl())) ===
        server.proxyUrl
          ? true
          : undefined,
      );
      // The viewer connects over gRPC-web and waits for a keyframe; on a loaded 2-core machine that has taken >30 s.
      await poll(
        'the served recording in the viewer',
        async () => ((await demo.activeRecording()) === 'demo-serve' ? true : undefined),
        90_000,
      );
      const shot = await colourBarsOnScreen(page, 'the served video on screen');
      writeFileSync(join(artifacts, 'demo-serve.png'), shot);
      expect(server.stats().viewers).toBeGreaterThan(0);
      // The mode switch is locked while a stream is open; Close unlocks it.
      expect(await page.isDisabled('#mode-capture')).toBe(true);
      await page.click('#serve-close');
      expect(await page.isDisabled('#mode-capture')).toBe(false);
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(demo.problems()).toEqual([]);
      expect(demo.pageErrors).toEqual([]);
      await page.close();
    } finally {
      await stopPublishing();
      await server.close();
    }
  });

  it('sends a token-protected server to its own hosted page, and says so', async () => {
    const server = await startServer({ port: 0, token: 'demo-secret-token' });
    try {
      const demo = await setup.open();
      const { page } = demo;
      await page.check('#mode-serve');
      // Without the token in the URL, the server itself answers that it needs one.
      await page.fill('#serve-url', server.url);
      await page.click('#serve-open');
      await page.waitForSelector('#serve-link:not([hidden])');
      expect(await page.textContent('#serve-link')).toMatch(/needs an access token/);
      expect(await page.getAttribute('#serve-link a', 'href')).toBe(`${server.url}/`);
      expect(await page.textContent('#status')).toMatch(/token-protected/);
      // With it, the link carries it to the hosted page.
      await page.fill('#serve-url', `${server.url}/?token=demo-secret-token`);
      await page.click('#serve-open');
      await poll('the link with the token', async () =>
        (await page.getAttribute('#serve-link a', 'href')) === `${server.url}/?token=demo-secret-token`
          ? true
          : undefined,
      );
      expect(
        await page.evaluate(() => (window as unknown as DemoWindow).camstreamDemo.serverUrl()),
      ).toBeNull();

      // Nothing listening: a clear error in the page.
      const closed = server.url;
      await server.close();
      await page.fill('#serve-url', closed);
      await page.click('#serve-open');
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.textContent('#error')).toMatch(/Cannot reach a camstream server/);
      expect(demo.pageErrors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
