import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from '../harness/browser.js';
import { testsrcCamera } from '../harness/camera.js';
import { showsColourBars } from '../harness/pixels.js';
import {
  ARTIFACTS as artifacts,
  consoleErrors,
  consoleErrorsAfterCycles,
  FFMPEG_ASSETS,
  measureCycles,
  PIXELS_TIMEOUT_MS,
  timeRangeReaches,
  useWebPageWithCamera,
  waitForColourBars,
} from './web-page.js';

const setup = useWebPageWithCamera(() => testsrcCamera(320, 240));

describe('CaptureSession with the injected ffmpeg.wasm encoder', () => {
  it('shows the camera’s frames through x264; switching to WebCodecs mid-session switches the recording', async () => {
    const web = await setup.open();
    await web.call('startViewer');
    await web.call('create', {
      source: { kind: 'camera', width: 320, height: 240 },
      encoder: 'wasm',
      injectWasm: true,
      ffmpeg: FFMPEG_ASSETS,
    });
    await web.call('start');
    const first = await web.snapshot();
    expect(first.encoder).toMatchObject({ kind: 'wasm' });
    expect(first.source).toMatchObject({ kind: 'camera', width: 320, height: 240 });
    // The wasm backend's I420 worker runs beside the encoder's own worker.
    expect(web.page.workers().length).toBeGreaterThanOrEqual(2);
    const wasmId = first.recordingId!;

    let last: Buffer | undefined;
    await poll(
      'the camera’s colour bars in the viewer (x264)',
      async () => {
        last = await web.page.screenshot();
        if (!showsColourBars(last).ok) return undefined;
        writeFileSync(join(artifacts, 'web-capture-wasm.png'), last);
        return true;
      },
      PIXELS_TIMEOUT_MS,
    ).catch(async (error: unknown) => {
      // Keep what the viewer showed and what the session counted, to tell a slow machine from a broken stream.
      if (last !== undefined) writeFileSync(join(artifacts, 'web-capture-wasm-failed.png'), last);
      throw new Error(`${String(error)}; session: ${JSON.stringify((await web.snapshot()).stats)}`);
    });
    const a = await timeRangeReaches(web, wasmId, 0);
    expect(a.min).toBe(0);
    await timeRangeReaches(web, wasmId, a.max + 1_000_000_000);
    expect((await web.snapshot()).encoder?.codec).toMatch(/^avc1\.[0-9A-F]{6}$/i);

    await web.call('switchEncoder', 'webcodecs');
    const switched = await web.snapshot();
    expect(switched.encoder?.kind).toBe('webcodecs');
    expect(switched.recordingId).not.toBe(wasmId);
    const b = await timeRangeReaches(web, switched.recordingId!, 500_000_000);
    expect(b.min).toBe(0);
    await waitForColourBars(web, 'the camera’s colour bars in the viewer (WebCodecs)');

    await web.call('dispose');
    // Playwright learns of a worker's end from a CDP event that may trail dispose() a little.
    await poll(
      'every worker to end',
      async () => (web.page.workers().length === 0 ? true : undefined),
      10_000,
    ).catch(() => {
      throw new Error(
        `workers left after dispose: ${web.page
          .workers()
          .map((w) => w.url())
          .join(', ')}`,
      );
    });
    expect(web.problems()).toEqual([]);
    expect(consoleErrors(web)).toEqual([]);
    expect((await web.call('events')).map((e) => e.type)).not.toContain('error');
    await web.page.close();
  });

  it('start/stop cycles with the wasm backend bring the JS heap and the worker count back to their baseline', async () => {
    // No viewer (its recordings grow the heap by design).
    const web = await setup.open();
    await web.call('create', {
      source: { kind: 'camera', width: 320, height: 240 },
      encoder: 'wasm',
      injectWasm: true,
      ffmpeg: FFMPEG_ASSETS,
    });
    const r = await measureCycles(web, 20);
    console.log(
      `wasm: JS heap baseline ${r.baseHeap} B, after 20 cycles ${r.endHeap} B (${r.endHeap - r.baseHeap} B)`,
    );
    // The I420 worker and the encoder's own worker, while started.
    expect(r.runningWorkers).toBe(2);
    expect(r.errors).toEqual([]);
    expect(r.unclosedFrames).toEqual([]);
    expect(r.baseWorkers).toBe(0);
    expect(r.endWorkers).toBe(r.baseWorkers);
    expect(r.endHeap - r.baseHeap).toBeLessThan(1024 * 1024);
    await web.call('dispose');
    expect(consoleErrorsAfterCycles(web)).toEqual([]);
    await web.page.close();
  });
});
