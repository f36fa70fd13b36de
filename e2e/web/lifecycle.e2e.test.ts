import { describe, expect, it } from 'vitest';
import {
  consoleErrors,
  consoleErrorsAfterCycles,
  measureCycles,
  timeRangeReaches,
  useWebPageWithCamera,
} from './web-page.js';

const setup = useWebPageWithCamera({ kind: 'fake', fps: 30 });

describe('CaptureSession life cycle', () => {
  it('switching encoder or source mid-session starts a new recording that the viewer switches to', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    await web.call('create', { source: { kind: 'camera' }, encoder: 'auto', injectWasm: false });
    await web.call('start');
    const first = (await web.snapshot()).recordingId!;
    await timeRangeReaches(web, first, 1_000_000_000);

    await web.call('switchEncoder', 'webcodecs');
    const afterEncoder = await web.snapshot();
    expect(afterEncoder.recordingId).not.toBe(first);
    expect(afterEncoder.source?.kind).toBe('camera');
    const second = await timeRangeReaches(web, afterEncoder.recordingId!, 500_000_000);
    expect(second.min).toBe(0);

    await web.call('switchSource', { kind: 'test-pattern', width: 320, height: 240 });
    const afterSource = await web.snapshot();
    expect(afterSource.source).toMatchObject({
      kind: 'test-pattern',
      width: 320,
      height: 240,
      fallback: undefined,
    });
    expect(afterSource.recordingId).not.toBe(afterEncoder.recordingId);
    await timeRangeReaches(web, afterSource.recordingId!, 500_000_000);

    const recordings = (await web.call('events')).filter((e) => e.type === 'recording');
    expect(recordings).toHaveLength(3);
    await web.call('dispose');
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    await web.page.close();
  });

  it('20 start/stop cycles bring the JS heap and the worker count back to their baseline', async () => {
    // No viewer here: its recordings would grow the heap by design; this measures the session alone.
    const web = await setup.open();
    await web.call('create', { source: { kind: 'camera' }, encoder: 'webcodecs', injectWasm: false });
    const r = await measureCycles(web, 20);
    console.log(
      `webcodecs: JS heap baseline ${r.baseHeap} B, after 20 cycles ${r.endHeap} B (${r.endHeap - r.baseHeap} B)`,
    );
    expect(r.runningWorkers).toBe(1); // the WebCodecs worker, while started
    expect(r.errors).toEqual([]);
    expect(r.unclosedFrames).toEqual([]);
    expect(r.baseWorkers).toBe(0);
    expect(r.endWorkers).toBe(r.baseWorkers);
    // Tolerance 1 MiB: under two camera frames (640x480 I420 is 460 kB), well above GC noise (~0.3 MB seen).
    expect(r.endHeap - r.baseHeap).toBeLessThan(1024 * 1024);
    await web.call('dispose');
    expect(consoleErrorsAfterCycles(web)).toEqual([]);
    await web.page.close();
  });
});
