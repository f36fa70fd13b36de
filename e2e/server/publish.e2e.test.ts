import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { frameTime, RecordingStream, VideoCodec, VideoStream } from '@camstream/core';
import { type CamstreamServer, publishSink, startServer } from '@camstream/server';
import type { Browser } from 'playwright-core';
import { createServer, defaultClientConditions, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type HarnessWindow, launchBrowser, openViewer, poll, watchPage } from '../harness/browser.js';
import { makeH264Clip, splitAccessUnits } from '../harness/media.js';
import { showsColourBars } from '../harness/pixels.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';

const artifacts = join(import.meta.dirname, '..', 'test-results');
let harness: HarnessServer;
let browser: Browser;
let vite: ViteDevServer;
let viteUrl: string;
let units: Uint8Array[];

beforeAll(async () => {
  units = splitAccessUnits(
    makeH264Clip({ width: 320, height: 240, fps: 30, frames: 60, profile: 'baseline', gop: 30 }).bytes,
  ).map((u) => u.data);
  vite = await createServer({
    root: join(import.meta.dirname, 'publish-page'),
    configFile: false,
    resolve: { conditions: ['@camstream/source', ...defaultClientConditions] },
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  await vite.listen();
  const address = vite.httpServer?.address() as AddressInfo | null | undefined;
  if (address === null || address === undefined) throw new Error('the Vite server has no address');
  viteUrl = `http://127.0.0.1:${address.port}/`;
  [harness, browser] = await Promise.all([startHarnessServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  await harness?.close();
});

async function expectVideo(server: CamstreamServer, recording: string, name: string): Promise<void> {
  const viewer = await openViewer(browser, harness.url, server.proxyUrl);
  await poll('the published recording to open', async () =>
    (await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
    recording
      ? true
      : undefined,
  );
  await poll('the published video on screen', async () => {
    const png = await viewer.page.screenshot();
    if (!showsColourBars(png).ok) return undefined;
    writeFileSync(join(artifacts, `${name}.png`), png);
    return true;
  });
  expect(viewer.problems()).toEqual([]);
  expect(viewer.pageErrors).toEqual([]);
  await viewer.page.close();
}

describe('publishing through the WebSocket endpoint', () => {
  it('a page in Chromium publishes with publishSink (browser WebSocket); a second page’s viewer shows it', async () => {
    const server = await startServer({ port: 0 });
    try {
      const page = await browser.newPage();
      const watch = watchPage(page);
      await page.goto(viteUrl);
      await page.waitForFunction(
        () => (window as unknown as { publishReady?: boolean }).publishReady === true,
      );
      const samples = units.map((u) => Buffer.from(u).toString('base64'));
      const publishing = page.evaluate(
        ([url, s]) =>
          (window as unknown as { publish(u: string, s: string[], secs: number): Promise<number> }).publish(
            url as string,
            s as string[],
            12,
          ),
        [server.publishUrl, samples] as const,
      );
      await expectVideo(server, 'browser-publish', 'server-browser-publish');
      expect(server.stats().publish.messages).toBeGreaterThan(2);
      // 360 frames in 12 s, sent in 100 ms batches (and a new message at each keyframe): about 150 messages.
      expect(await publishing).toBeGreaterThan(60);
      expect(watch.pageErrors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('the same sink from Node with ws', async () => {
    const server = await startServer({ port: 0 });
    const sink = publishSink(server.publishUrl, { WebSocket });
    const rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'node-publish',
      sinks: [sink],
    });
    rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    let frame = 0;
    const timer = setInterval(() => {
      rec.setTime('time', { duration: frameTime(frame, 30) });
      rec.log('camera', VideoStream.fromFields({ sample: units[frame % units.length]! }));
      frame++;
    }, 1000 / 30);
    try {
      await expectVideo(server, 'node-publish', 'server-node-publish');
    } finally {
      clearInterval(timer);
      await rec.close();
      await server.close();
    }
  });
});
