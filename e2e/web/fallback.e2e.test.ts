import { describe, expect, it } from 'vitest';
import { consoleErrors, timeRangeReaches, useWebPageWithCamera, waitForTestPattern } from './web-page.js';

// A fake camera exists, but every permission prompt is refused: the user said no.
const setup = useWebPageWithCamera({ kind: 'denied' });

describe('CaptureSession when the camera is denied', () => {
  it('falls back to the test pattern and says so (fallback event, source.kind); the viewer shows it', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    await web.call('create', {
      source: { kind: 'camera', width: 640, height: 480 },
      encoder: 'auto',
      injectWasm: false,
    });
    await web.call('start');
    const snap = await web.snapshot();
    expect(snap.state).toBe('running');
    expect(snap.source).toMatchObject({ kind: 'test-pattern', reader: 'rendered', width: 640, height: 480 });
    expect(snap.source?.fallback).toMatchObject({
      reason: 'permission-denied',
      requested: { kind: 'camera' },
    });
    expect(snap.source?.fallback?.message).toMatch(/Camera access was denied, so the test pattern is shown/);
    const fallbacks = (await web.call('events')).filter((e) => e.type === 'fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]?.detail).toMatchObject({ reason: 'permission-denied' });

    // The pattern's saturated bars (the same six colours as testsrc2) through the real encoder and viewer.
    await waitForTestPattern(web, 'the test pattern in the viewer');
    await timeRangeReaches(web, snap.recordingId!, 1_000_000_000);
    await web.call('dispose');
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await web.page.close();
  });

  it('without the fallback, start() rejects with a permission-denied WebError and the session stays idle', async () => {
    const web = await setup.open();
    await web.call('create', {
      source: { kind: 'camera' },
      encoder: 'auto',
      injectWasm: false,
      fallbackToTestPattern: false,
    });
    const error = await web.call('startError');
    expect(error).toMatchObject({ name: 'CameraError', code: 'permission-denied' });
    expect(error?.message).toMatch(/denied/);
    expect((await web.snapshot()).state).toBe('idle');
    expect(web.page.workers()).toHaveLength(0);
    await web.call('dispose');
    expect(web.pageErrors).toEqual([]);
    await web.page.close();
  });
});
