import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  concatStream,
  type EncodedMessage,
  RecordingStream,
  StreamCallbackSink,
  testPattern,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { LiveEncoder } from '@camstream/encoder-wasm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, launchBrowser, openViewer, poll, sendRrd } from '../harness/browser.js';
import { countColours } from '../harness/pixels.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';

const FPS = 30;
const FRAMES = 60;
const artifacts = join(import.meta.dirname, '..', 'test-results');

// The core test pattern's 75% bars as RGB (BT.601 limited range decodes to ~191 per lit channel).
const PATTERN_COLOURS = {
  yellow: [191, 191, 0],
  cyan: [0, 191, 191],
  green: [0, 191, 0],
  magenta: [191, 0, 191],
  red: [191, 0, 0],
  blue: [0, 0, 191],
} as const;

let server: HarnessServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startHarnessServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('LiveEncoder samples play in the real web viewer', () => {
  it('test pattern → LiveEncoder (ffmpeg.wasm) → RecordingStream → viewer shows the bars', async () => {
    const calls: { bytes: Uint8Array; messages: readonly EncodedMessage[] }[] = [];
    const rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'e2e-encoder-wasm',
      sinks: [new StreamCallbackSink((bytes, messages) => calls.push({ bytes: bytes.slice(), messages }))],
    });
    rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
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

    const first = concatStream([...(calls[0]?.messages ?? []), ...(calls[1]?.messages ?? [])]);
    const perFrame = calls.slice(2).map((c) => c.bytes);
    expect(perFrame).toHaveLength(FRAMES);

    const viewer = await openViewer(browser, server.url);
    await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.openChannel('camstream'));
    await sendRrd(viewer.page, [first, ...perFrame]);
    await poll('recording to open', async () =>
      (await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
      'e2e-encoder-wasm'
        ? true
        : undefined,
    );
    const counts = await poll('the pattern colours on screen', async () => {
      const png = await viewer.page.screenshot();
      const c = countColours(png, PATTERN_COLOURS);
      if (Object.values(c).filter((n) => n >= 300).length >= 4) {
        writeFileSync(join(artifacts, 'encoder-wasm-live.png'), png);
        return c;
      }
      return undefined;
    });
    expect(Object.values(counts).filter((n) => n >= 300).length).toBeGreaterThanOrEqual(4);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
