import { join } from 'node:path';
import type { Encoder } from '@camstream/core';
import { testPattern, VideoStream } from '@camstream/core';
import { FfmpegEncoder } from '@camstream/encoder-ffmpeg';
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

/** The two live encoders of Node, opened alike. */
const encoders: Record<string, () => Promise<Encoder>> = {
  'LiveEncoder (ffmpeg.wasm)': () =>
    LiveEncoder.open({ width: 320, height: 240, fpsNum: FPS, preset: 'veryfast', gop: 30, whenFull: 'wait' }),
  'FfmpegEncoder (the system ffmpeg)': () =>
    FfmpegEncoder.open({
      width: 320,
      height: 240,
      fpsNum: FPS,
      preset: 'veryfast',
      gop: 30,
      whenFull: 'wait',
    }),
};

describe.each(Object.keys(encoders))('%s samples play in the real web viewer', (name) => {
  const id = name.startsWith('Live') ? 'wasm' : 'ffmpeg';
  it('test pattern → encoder → RecordingStream → viewer shows the bars', async () => {
    const { rec, calls } = collectingVideoRecording(`e2e-encoder-${id}`);
    const encoder = await (encoders[name] as () => Promise<Encoder>)();
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
      `e2e-encoder-${id}`
        ? true
        : undefined,
    );
    const counts = await corePatternOnScreen(viewer.page, join(artifacts, `encoder-${id}-live.png`));
    expect(Object.values(counts).filter((n) => n >= 300).length).toBeGreaterThanOrEqual(4);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
