import { join } from 'node:path';
import { testPattern, VideoStream } from '@camstream/core';
import { LiveEncoder } from '@camstream/encoder-wasm';
import { describe, expect, it } from 'vitest';
import { type HarnessWindow, poll } from '../harness/browser.js';
import {
  callStreams,
  collectingVideoRecording,
  corePatternOnScreen,
  openViewerWith,
  useViewerHarness,
} from '../harness/viewer-harness.js';

const FPS = 30;
const FRAMES = 60;
const artifacts = join(import.meta.dirname, '..', 'test-results');

const harness = useViewerHarness(artifacts);

describe('LiveEncoder samples play in the real web viewer', () => {
  it('test pattern → LiveEncoder (ffmpeg.wasm) → RecordingStream → viewer shows the bars', async () => {
    const { rec, calls } = collectingVideoRecording('e2e-encoder-wasm');
    const encoder = await LiveEncoder.open({
      width: 320,
      height: 240,
      fpsNum: FPS,
      preset: 'veryfast',
      gop: 30,
      whenFull: 'wait',
    });
    const logging = (async () => {
      let n = 0;
      for await (const sample of encoder.samples()) {
        rec.setTime('time', { duration: sample.pts });
        rec.log('video_stream', VideoStream.fromFields({ sample: sample.data }));
        n++;
      }
      return n;
    })();
    for (const frame of testPattern({ width: 320, height: 240, fpsNum: FPS, frames: FRAMES }))
      await encoder.encode(frame);
    await encoder.close();
    expect(await logging).toBe(FRAMES);
    await rec.close();

    const { first, perFrame } = callStreams(calls);
    expect(perFrame).toHaveLength(FRAMES);

    const viewer = await openViewerWith(harness.browser, harness.server.url, [first, ...perFrame]);
    await poll('recording to open', async () =>
      (await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
      'e2e-encoder-wasm'
        ? true
        : undefined,
    );
    const counts = await corePatternOnScreen(viewer.page, join(artifacts, 'encoder-wasm-live.png'));
    expect(Object.values(counts).filter((n) => n >= 300).length).toBeGreaterThanOrEqual(4);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
