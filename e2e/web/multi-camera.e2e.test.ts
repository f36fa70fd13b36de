import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import {
  ARTIFACTS,
  consoleErrors,
  PIXELS_TIMEOUT_MS,
  useWebPageWithCamera,
  type WebPage,
} from './web-page.js';

// The cameras are canvases of the page, each one colour, read through `captureStream()` tracks: Chromium's fake
// devices all show the same frames, so they could not tell the views apart. The fake device is not used.
const setup = useWebPageWithCamera({ kind: 'fake' });

const FRONT = { entityPath: 'cameras/front', rgb: [230, 30, 30] as [number, number, number] };
const REAR = { entityPath: 'cameras/rear', rgb: [30, 70, 230] as [number, number, number] };
/** A 320x240 camera scaled into half of an 800x600 page covers tens of thousands of pixels. */
const MIN_PIXELS = 3_000;

/**
 * Pixels within 45 per channel of `rgb`, and the box of the rows and columns holding at least 20 of them (so
 * that a thin line of the viewer's own UI in a similar colour does not stretch it).
 */
function colourArea(png: Buffer, [r, g, b]: readonly number[]) {
  const { width, height, data } = PNG.sync.read(png);
  const columns = new Array<number>(width).fill(0);
  const rows = new Array<number>(height).fill(0);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (
      Math.abs(data[i]! - r!) <= 45 &&
      Math.abs(data[i + 1]! - g!) <= 45 &&
      Math.abs(data[i + 2]! - b!) <= 45
    ) {
      count++;
      columns[(i / 4) % width]!++;
      rows[Math.floor(i / 4 / width)]!++;
    }
  }
  const dense = (counts: number[]) => counts.flatMap((n, at) => (n >= 20 ? [at] : []));
  const [xs, ys] = [dense(columns), dense(rows)];
  return { count, left: xs[0] ?? -1, right: xs.at(-1) ?? -1, top: ys[0] ?? -1, bottom: ys.at(-1) ?? -1 };
}

/** Waits until the viewer shows both cameras, each in a view of its own (their colours' boxes apart). */
function bothCamerasShown(web: WebPage, artifact: string) {
  return poll(
    'both cameras in the viewer, each in its own view',
    async () => {
      const png = await web.page.screenshot();
      const front = colourArea(png, FRONT.rgb);
      const rear = colourArea(png, REAR.rgb);
      if (front.count < MIN_PIXELS || rear.count < MIN_PIXELS) return undefined;
      const apart =
        front.right < rear.left ||
        rear.right < front.left ||
        front.bottom < rear.top ||
        rear.bottom < front.top;
      if (!apart) return undefined;
      writeFileSync(join(ARTIFACTS, artifact), png);
      return { front, rear };
    },
    PIXELS_TIMEOUT_MS,
  );
}

/** Waits until the front camera has logged `more` samples beyond `than`. */
function frontEncodesMore(web: WebPage, than: number, more = 15): Promise<number> {
  return poll(`the front camera to log ${more} more samples than ${than}`, async () => {
    const n = (await web.call('camera', FRONT.entityPath)).stats?.framesEncoded ?? 0;
    return n >= than + more ? n : undefined;
  });
}

/** Waits until the viewer's recording `id` covers more than `ns` on `time`. */
function viewerTimeBeyond(web: WebPage, id: string, ns: number): Promise<number> {
  return poll(`recording ${id} in the viewer to go beyond ${ns} ns`, async () => {
    if ((await web.call('activeRecording')) !== id) return undefined;
    const range = await web.call('timeRange', 'time');
    return range !== null && range.max > ns ? range.max : undefined;
  });
}

describe('several cameras in one SharedRecording and one embedded viewer', () => {
  it('shows two cameras side by side; removing one leaves the other live in the same recording', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    const recordingId = await web.call('openShared');
    for (const camera of [FRONT, REAR])
      await web.call('addCanvasCamera', { ...camera, encoder: 'webcodecs', width: 320, height: 240 });

    for (const camera of [FRONT, REAR]) {
      const snap = await web.call('camera', camera.entityPath);
      expect(snap.state).toBe('running');
      expect(snap.recordingId).toBe(recordingId);
      expect(snap.source).toMatchObject({ kind: 'track', width: 320, height: 240 });
      expect(snap.events.filter((e) => e.type === 'recording').map((e) => e.detail)).toEqual([
        expect.objectContaining({ recordingId, entityPath: camera.entityPath, newRecording: false }),
      ]);
    }
    await bothCamerasShown(web, 'web-two-cameras.png');
    const stats = await poll('stats of both cameras', async () => {
      const [front, rear] = [
        (await web.call('camera', FRONT.entityPath)).stats,
        (await web.call('camera', REAR.entityPath)).stats,
      ];
      return front && rear && front.framesEncoded > 0 && rear.framesEncoded > 0 ? { front, rear } : undefined;
    });
    expect(stats.front).toMatchObject({ recordingId, entityPath: FRONT.entityPath });
    expect(stats.rear).toMatchObject({ recordingId, entityPath: REAR.entityPath });

    // Remove the rear camera: the front one goes on, in the same recording, on the same timeline.
    await web.call('removeCamera', REAR.entityPath);
    expect((await web.call('camera', REAR.entityPath)).state).toBe('disposed');
    const removedAt = (await web.call('camera', FRONT.entityPath)).stats?.framesEncoded ?? 0;
    const rangeAtRemoval = (await web.call('timeRange', 'time'))?.max ?? 0;
    await frontEncodesMore(web, removedAt);
    await viewerTimeBeyond(web, recordingId, rangeAtRemoval + 1_000_000_000);
    const front = await web.call('camera', FRONT.entityPath);
    expect(front.state).toBe('running');
    expect(front.recordingId).toBe(recordingId);
    expect(front.events.map((e) => e.type)).toEqual(['recording']);
    expect(await web.call('activeRecording')).toBe(recordingId);

    // Switching the front camera's encoder restarts its stream on its entity, in the same recording.
    await web.call('switchCameraEncoder', FRONT.entityPath, 'webcodecs');
    const switched = await web.call('camera', FRONT.entityPath);
    expect(switched.recordingId).toBe(recordingId);
    expect(switched.events.filter((e) => e.type === 'recording').at(-1)?.detail).toMatchObject({
      recordingId,
      entityPath: FRONT.entityPath,
      newRecording: false,
    });
    const rangeAtSwitch = (await web.call('timeRange', 'time'))?.max ?? 0;
    await viewerTimeBeyond(web, recordingId, rangeAtSwitch + 1_000_000_000);
    await poll(
      'the front camera in the viewer after the switch',
      async () => {
        const png = await web.page.screenshot();
        return colourArea(png, FRONT.rgb).count >= MIN_PIXELS ? true : undefined;
      },
      PIXELS_TIMEOUT_MS,
    );

    await web.call('closeShared');
    expect((await web.call('camera', FRONT.entityPath)).state).toBe('disposed');
    const errors = (await web.call('camera', FRONT.entityPath)).events.filter((e) => e.type === 'error');
    expect(errors).toEqual([]);
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await web.page.close();
  });

  it('reads a canvas track that takes a frame on requestFrame() (0 fps in its settings) at the rate asked', async () => {
    const web = await setup.open();
    const recordingId = await web.call('openShared');
    await web.call('addCanvasCamera', {
      ...FRONT,
      encoder: 'webcodecs',
      width: 320,
      height: 240,
      requestFrames: true,
    });
    const camera = await web.call('camera', FRONT.entityPath);
    expect(camera.state).toBe('running');
    expect(camera.source).toMatchObject({ kind: 'track', width: 320, height: 240, frameRate: 30 });
    await frontEncodesMore(web, 0, 30);
    const stats = (await web.call('camera', FRONT.entityPath)).stats;
    expect(stats).toMatchObject({ recordingId, entityPath: FRONT.entityPath });
    await web.call('closeShared');
    expect((await web.call('camera', FRONT.entityPath)).events.filter((e) => e.type === 'error')).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await web.page.close();
  });
});
