import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  concatStream,
  frameTime,
  RecordingStream,
  Scalars,
  StreamCallbackSink,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { FileSink } from '@camstream/core/node';
import { testTempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { type HarnessWindow, openViewer, poll, sendRrd, type ViewerPage } from '../harness/browser.js';
import { makeH264Clip, probeFrames, splitAccessUnits } from '../harness/media.js';
import { saturatedPixels, showsColourBars } from '../harness/pixels.js';
import { collectingRecording, useViewerHarness } from '../harness/viewer-harness.js';

const FPS = 30;
const FRAMES = 60;
const artifacts = join(import.meta.dirname, '..', 'test-results');

const setup = useViewerHarness(artifacts);
let open: ViewerPage[] = [];

async function newViewer(url?: string): Promise<ViewerPage> {
  for (const v of open) await v.page.close();
  const viewer = await openViewer(setup.browser, setup.server.url, url);
  open = [viewer];
  return viewer;
}

const harness = (v: ViewerPage) => ({
  recording: () => v.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording()),
  timeRange: (timeline: string) =>
    v.page.evaluate((t) => (window as unknown as HarnessWindow).harness.timeRange(t), timeline),
});

/** Logs a clip exactly as Rerun's camera_video_stream example does. */
function logClip(rec: RecordingStream, clip: Uint8Array): bigint[] {
  rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const times: bigint[] = [];
  splitAccessUnits(clip).forEach((au, i) => {
    const pts = frameTime(i, FPS);
    times.push(pts);
    rec.setTime('time', { duration: pts });
    rec.log('video_stream', VideoStream.fromFields({ sample: au.data }));
  });
  return times;
}

async function expectVideoOnScreen(viewer: ViewerPage, name: string): Promise<void> {
  const result = await poll('the test pattern on screen', async () => {
    const png = await viewer.page.screenshot();
    const check = showsColourBars(png);
    if (check.ok) {
      writeFileSync(join(artifacts, `${name}.png`), png);
      return check;
    }
    return undefined;
  });
  expect(result.ok).toBe(true);
  expect(viewer.problems()).toEqual([]);
  expect(viewer.pageErrors).toEqual([]);
}

describe('the real web viewer (@rerun-io/web-viewer 0.33.0) plays what RecordingStream logs', () => {
  for (const profile of ['baseline', 'high'] as const) {
    it(`H.264 ${profile} from Debian ffmpeg, send_rrd per frame`, async () => {
      // Baseline without AUDs, high with them: the parser cuts frames either way.
      const { path, bytes: clip } = makeH264Clip({
        width: 320,
        height: 240,
        fps: FPS,
        frames: FRAMES,
        profile,
        gop: 30,
        aud: profile === 'high',
      });
      const units = splitAccessUnits(clip);
      const probed = probeFrames(path);
      expect(units).toHaveLength(probed.length);
      expect(units.map((u) => u.isKeyframe)).toEqual(probed.map((f) => f.keyFrame));
      expect(units.filter((u) => u.isKeyframe).map((u) => u.index)).toEqual([0, 30]);
      const { rec, calls } = collectingRecording(`e2e-${profile}`);
      const times = logClip(rec, clip);
      await rec.close();
      expect(times).toHaveLength(FRAMES);

      // First call: store info + static codec; then one call per frame.
      const first = concatStream([...calls[0]!.messages, ...calls[1]!.messages]);
      const perFrame = calls.slice(2).map((c) => c.bytes);
      expect(perFrame).toHaveLength(FRAMES);

      const viewer = await newViewer();
      await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.openChannel('camstream'));
      await sendRrd(viewer.page, [first, ...perFrame]);

      const h = harness(viewer);
      await poll('recording to open', async () =>
        (await h.recording()) === `e2e-${profile}` ? true : undefined,
      );
      const range = await poll('time range to cover every frame', async () => {
        const r = await h.timeRange('time');
        return r !== null && r.max === Number(times.at(-1)) ? r : undefined;
      });
      expect(range.min).toBe(0);
      expect(range.max).toBe(Number(frameTime(FRAMES - 1, FPS)));
      await expectVideoOnScreen(viewer, `send-rrd-${profile}`);
    });
  }

  it('H.264 through the file sink, loaded by URL', async () => {
    const { bytes: clip } = makeH264Clip({
      width: 320,
      height: 240,
      fps: FPS,
      frames: FRAMES,
      profile: 'high',
      gop: 30,
    });
    const dir = testTempDir('camstream-rrd-');
    const path = join(dir, 'clip.rrd');
    const rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'e2e-file',
      sinks: [new FileSink(path)],
    });
    const times = logClip(rec, clip);
    await rec.close();

    const viewer = await newViewer(setup.server.serveFile('clip.rrd', path));
    const h = harness(viewer);
    await poll('recording to open', async () => ((await h.recording()) === 'e2e-file' ? true : undefined));
    await poll('time range', async () => {
      const r = await h.timeRange('time');
      return r !== null && r.max === Number(times.at(-1)) && r.min === 0 ? r : undefined;
    });
    await expectVideoOnScreen(viewer, 'file-url');
  });

  it('Scalars logged over time show up as a plot', async () => {
    const viewer = await newViewer();
    const before = saturatedPixels(await viewer.page.screenshot());
    await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.openChannel('scalars'));
    const calls: Uint8Array[] = [];
    const rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'e2e-scalars',
      sinks: [new StreamCallbackSink((bytes) => calls.push(bytes.slice()), { mode: 'on-flush' })],
    });
    for (let step = 0; step < 200; step++) {
      rec.setTime('step', { sequence: step });
      rec.log('plot/sine', new Scalars(Math.sin(step / 10)));
    }
    await rec.close();
    await sendRrd(viewer.page, calls);
    const h = harness(viewer);
    await poll('recording to open', async () => ((await h.recording()) === 'e2e-scalars' ? true : undefined));
    const range = await poll('step range', async () => {
      const r = await h.timeRange('step');
      return r !== null && r.max === 199 ? r : undefined;
    });
    expect(range.min).toBe(0);
    const plotted = await poll('a plotted line', async () => {
      const png = await viewer.page.screenshot();
      const n = saturatedPixels(png);
      writeFileSync(join(artifacts, 'scalars.png'), png);
      if (n > before + 300) return n;
      return undefined;
    });
    expect(plotted).toBeGreaterThan(before + 300);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
