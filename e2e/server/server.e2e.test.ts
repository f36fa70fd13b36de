import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AccessUnit,
  frameTime,
  RecordingStream,
  Scalars,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { type CamstreamServer, startServer } from '@camstream/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HarnessWindow,
  launchBrowser,
  openViewer,
  poll,
  type ViewerPage,
  watchPage,
} from '../harness/browser.js';
import { makeH264Clip, splitAccessUnits } from '../harness/media.js';
import { showsColourBars } from '../harness/pixels.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';

const FPS = 30;
const GOP = 30;
const artifacts = join(import.meta.dirname, '..', 'test-results');

let harness: HarnessServer;
let browser: Browser;
let server: CamstreamServer;
let units: AccessUnit[];
let rec: RecordingStream;
let frame = 0;
let timer: NodeJS.Timeout | undefined;
/** Time (ns) of the latest keyframe logged. */
let lastKeyframe = 0n;

/** Logs the clip in a loop at real-time pace (the clip is a whole number of GOPs, so loops start on an IDR). */
function startFeeding(): void {
  const t0 = performance.now();
  const tick = () => {
    const due = Math.floor(((performance.now() - t0) / 1000) * FPS);
    while (frame <= due) {
      const au = units[frame % units.length]!;
      const pts = frameTime(frame, FPS);
      rec.setTime('time', { duration: pts });
      rec.log('camera', VideoStream.fromFields({ sample: au.data }));
      rec.log('stats/frame', new Scalars(frame));
      if (au.isKeyframe) lastKeyframe = pts;
      frame++;
    }
    timer = setTimeout(tick, 10);
  };
  tick();
}

beforeAll(async () => {
  const clip = makeH264Clip({
    width: 320,
    height: 240,
    fps: FPS,
    frames: 3 * GOP,
    profile: 'baseline',
    gop: GOP,
  });
  units = splitAccessUnits(clip.bytes);
  expect(units.filter((u) => u.isKeyframe).map((u) => u.index)).toEqual([0, 30, 60]);
  [harness, browser, server] = await Promise.all([
    startHarnessServer(),
    launchBrowser(),
    startServer({ port: 0 }),
  ]);
  rec = new RecordingStream({
    applicationId: 'camstream_e2e',
    recordingId: 'server-live',
    sinks: [server.sink()],
  });
  rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  startFeeding();
});

afterAll(async () => {
  if (timer !== undefined) clearTimeout(timer);
  await browser?.close();
  await server?.close();
  await harness?.close();
});

const timeRange = (v: ViewerPage) =>
  v.page.evaluate(() => (window as unknown as HarnessWindow).harness.timeRange('time'));

async function videoOnScreen(page: Page, name: string): Promise<number> {
  const started = performance.now();
  await poll('the live test pattern on screen', async () => {
    const png = await page.screenshot();
    if (!showsColourBars(png).ok) return undefined;
    writeFileSync(join(artifacts, `${name}.png`), png);
    return true;
  });
  return performance.now() - started;
}

describe('@camstream/server with the real web viewer (gRPC-web over HTTP/1.1)', () => {
  it('plays live video; a late joiner starts at the latest keyframe; closing one viewer leaves the other', async () => {
    const first = await openViewer(browser, harness.url, server.proxyUrl);
    await poll('the recording to open', async () =>
      (await first.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
      'server-live'
        ? true
        : undefined,
    );
    await videoOnScreen(first.page, 'server-first-viewer');

    // Join late, away from a keyframe.
    await new Promise((r) => setTimeout(r, 1500));
    const keyframeAtJoin = lastKeyframe;
    const framesAtJoin = frame;
    const second = await openViewer(browser, harness.url, server.proxyUrl);
    const range = await poll('the late viewer to receive data', async () => {
      const r = await timeRange(second);
      return r !== null ? r : undefined;
    });
    // The replay started at a keyframe logged no earlier than the one current when it joined.
    expect(BigInt(range.min)).toBeGreaterThanOrEqual(keyframeAtJoin);
    expect(BigInt(range.min) % frameTime(GOP, FPS)).toBe(0n);
    expect(range.min).toBeGreaterThan(0);
    const shownAfterMs = await videoOnScreen(second.page, 'server-late-viewer');
    console.info(
      `late joiner: joined at frame ${framesAtJoin}, replay from ${Number(range.min) / 1e9}s, video on screen ${Math.round(shownAfterMs)} ms after data arrived`,
    );
    expect(server.stats().viewers).toBe(2);

    // Close the first viewer; the second keeps receiving live data.
    await first.page.close();
    await poll('the server to drop the closed viewer', async () =>
      server.stats().viewers === 1 ? true : undefined,
    );
    const before = (await timeRange(second))!.max;
    const after = await poll('the second viewer to keep advancing', async () => {
      const r = await timeRange(second);
      return r !== null && r.max > before + 1e9 ? r.max : undefined;
    });
    expect(after).toBeGreaterThan(before);
    await videoOnScreen(second.page, 'server-after-close');
    expect(first.problems()).toEqual([]);
    expect(second.problems()).toEqual([]);
    expect(second.pageErrors).toEqual([]);
    await second.page.close();
  });

  it('the hosted page at / plays the stream on its own', async () => {
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const watch = watchPage(page);
    await page.goto(server.url);
    await page.waitForFunction(
      () => (window as unknown as { camstream?: { ready: boolean } }).camstream?.ready,
    );
    await videoOnScreen(page, 'server-hosted-page');
    expect(watch.problems()).toEqual([]);
    expect(watch.pageErrors).toEqual([]);

    // The server restarts on the same port with a new recording: the page notices and re-opens the stream.
    if (timer !== undefined) clearTimeout(timer);
    const port = server.port;
    await server.close();
    server = await startServer({ port });
    rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'server-restarted',
      sinks: [server.sink()],
    });
    rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    frame = 0;
    startFeeding();
    await poll('the page to re-open the stream of the restarted server', async () => {
      const state = await page.evaluate(() => {
        const c = (
          window as unknown as {
            camstream: { opens: number; viewer: { get_active_recording_id(): string | null } };
          }
        ).camstream;
        return {
          opens: c.opens,
          recording: c.viewer.get_active_recording_id(),
          status: document.getElementById('status')?.textContent,
        };
      });
      if (state.opens === 2 && state.recording === 'server-restarted') return state;
      throw new Error(
        `page state ${JSON.stringify(state)}, server viewers ${server.stats().viewers}, console ${watch.console.slice(-8).join(' | ')}`,
      );
    });
    await videoOnScreen(page, 'server-hosted-page-reconnected');
    expect(watch.pageErrors).toEqual([]);
    await page.close();
  });
});
