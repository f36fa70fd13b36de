import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { testsrcCamera } from '../harness/camera.js';
import { showsColourBars } from '../harness/pixels.js';
import {
  ARTIFACTS as artifacts,
  consoleErrors,
  PIXELS_TIMEOUT_MS,
  timeRangeReaches,
  useWebPageWithCamera,
  waitForColourBars,
} from './web-page.js';

// The fake camera plays testsrc2 (made here by Debian's ffmpeg): its colour bars are what the viewer must show.
const setup = useWebPageWithCamera(() => testsrcCamera(640, 480));

describe('CaptureSession with the WebCodecs worker: camera → H.264 → embedded viewer', () => {
  it('shows the camera’s frames in the viewer, the time range grows; stop/start makes a new recording', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    await web.call('create', { source: { kind: 'camera' }, encoder: 'auto', injectWasm: false });
    await web.call('start');
    const first = await web.snapshot();
    expect(first.state).toBe('running');
    expect(first.source).toMatchObject({
      kind: 'camera',
      reader: 'track-processor',
      width: 640,
      height: 480,
    });
    expect(first.source?.fallback).toBeUndefined();
    expect(first.encoder).toMatchObject({ kind: 'webcodecs' });
    expect(first.encoder?.codec).toMatch(/^avc1\./);
    const id = first.recordingId!;

    await poll(
      'the camera’s colour bars in the viewer',
      async () => {
        const png = await web.page.screenshot();
        if (!showsColourBars(png).ok) return undefined;
        writeFileSync(join(artifacts, 'web-capture-webcodecs.png'), png);
        return true;
      },
      PIXELS_TIMEOUT_MS,
    );
    const a = await timeRangeReaches(web, id, 0);
    expect(a.min).toBe(0);
    const b = await timeRangeReaches(web, id, a.max + 1_000_000_000);
    expect(b.max).toBeGreaterThan(a.max);
    const stats = await poll('stats with encoded frames', async () => {
      const s = (await web.snapshot()).stats;
      return s !== null && s.framesEncoded > 0 && s.recordingId === id ? s : undefined;
    });
    expect(stats.captureFps).toBeGreaterThan(0);
    expect(stats.bitrate).toBeGreaterThan(0);
    expect(stats.encodeLatencyMs).toBeGreaterThan(0);

    // Stop ends the camera and the worker; start again is a new recording from time 0.
    await web.call('stop');
    expect((await web.snapshot()).state).toBe('idle');
    expect(web.page.workers()).toHaveLength(0);
    await web.call('start');
    const second = (await web.snapshot()).recordingId!;
    expect(second).not.toBe(id);
    const c = await timeRangeReaches(web, second, 500_000_000);
    expect(c.min).toBe(0);

    await web.call('dispose');
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    const types = (await web.call('events')).map((e) => e.type);
    expect(types.filter((t) => t === 'recording')).toHaveLength(2);
    expect(types).not.toContain('error');
    expect(types).not.toContain('fallback');
    await web.page.close();
  });

  it('reads the camera through a <video> element where MediaStreamTrackProcessor is not used', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    await web.call('create', {
      source: { kind: 'camera', reader: 'video-element' },
      encoder: 'webcodecs',
      injectWasm: false,
    });
    await web.call('start');
    const snap = await web.snapshot();
    expect(snap.source).toMatchObject({ kind: 'camera', reader: 'video-element' });
    await waitForColourBars(web, 'the camera’s colour bars in the viewer');
    await timeRangeReaches(web, snap.recordingId!, 1_000_000_000);
    await web.call('dispose');
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await web.page.close();
  });
});
