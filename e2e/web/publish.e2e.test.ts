import { type CamstreamServer, startServer } from '@camstream/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, launchBrowser, openViewer, poll } from '../harness/browser.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import {
  consoleErrors,
  openWebPage,
  PIXELS_TIMEOUT_MS,
  startWebPageServer,
  type WebPageServer,
} from './web-page.js';

let pageServer: WebPageServer;
let harness: HarnessServer;
let camstream: CamstreamServer;
let browser: Browser;

beforeAll(async () => {
  [pageServer, harness, camstream, browser] = await Promise.all([
    startWebPageServer(),
    startHarnessServer(),
    startServer({ port: 0 }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await camstream?.close();
  await harness?.close();
  await pageServer?.close();
});

describe('CaptureSession publishing to a camstream server', () => {
  it('a session with a publish sink (core publishSink, browser WebSocket) is shown by a viewer on the server', async () => {
    const web = await openWebPage(browser, pageServer.url);
    await web.call('create', {
      source: { kind: 'test-pattern', width: 320, height: 240 },
      encoder: 'webcodecs',
      injectWasm: false,
      publishUrl: camstream.publishUrl,
    });
    await web.call('start');
    const { recordingId, source } = await web.snapshot();
    expect(source).toMatchObject({ kind: 'test-pattern', fallback: undefined });

    const viewer = await openViewer(browser, harness.url, camstream.proxyUrl);
    await poll('the published recording in the server’s viewer', async () =>
      (await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
      recordingId
        ? true
        : undefined,
    );
    await poll(
      'the test pattern in the server’s viewer',
      async () => (showsTestPattern(await viewer.page.screenshot()).ok ? true : undefined),
      PIXELS_TIMEOUT_MS,
    );
    await web.call('dispose');
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await viewer.page.close();
    await web.page.close();
  });

  it('a publish sink the server refuses is taken out alone: the embedded viewer and the other sinks go on', async () => {
    // Every video message is over this server's message limit, so it closes the socket with 1009.
    const strict = await startServer({ port: 0, maxMessageBytes: 2048 });
    try {
      const web = await openWebPage(browser, pageServer.url);
      await web.call('startViewer');
      await web.call('create', {
        source: { kind: 'test-pattern', width: 320, height: 240 },
        encoder: 'webcodecs',
        injectWasm: false,
        publishUrl: strict.publishUrl,
      });
      await web.call('start');
      const failure = await poll('a sink-failed event', async () =>
        (await web.call('events')).find((e) => e.type === 'sink-failed'),
      );
      expect(failure.detail).toMatchObject({
        code: 'sink-failed',
        message: expect.stringMatching(/too big/),
      });
      // The session goes on: the other sinks keep receiving and the embedded viewer keeps advancing.
      const { bytesLogged: before } = await web.snapshot();
      const range = await poll('the embedded viewer to advance', async () => {
        const r = await web.call('timeRange', 'time');
        return r !== null && r.max > 1_000_000_000 ? r : undefined;
      });
      await poll('more bytes logged after the failure', async () =>
        (await web.snapshot()).bytesLogged > before ? true : undefined,
      );
      expect(range.max).toBeGreaterThan(1_000_000_000);
      expect((await web.snapshot()).state).toBe('running');
      expect((await web.call('events')).filter((e) => e.type === 'error')).toEqual([]);
      await web.call('stop');
      expect((await web.snapshot()).state).toBe('idle');
      await web.call('dispose');
      await web.page.close();
    } finally {
      await strict.close();
    }
  });
});
