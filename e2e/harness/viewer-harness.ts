import { mkdirSync, writeFileSync } from 'node:fs';
import {
  concatStream,
  type EncodedMessage,
  RecordingStream,
  StreamCallbackSink,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type HarnessWindow, launchBrowser, openViewer, poll, sendRrd, type ViewerPage } from './browser.js';
import { countColours } from './pixels.js';
import { type HarnessServer, startHarnessServer } from './static-server.js';
import { TEST_PATTERN_COLOURS } from './test-pattern-pixels.js';

/** The viewer harness page's server and a browser, shared by one test file. */
export interface ViewerHarness {
  readonly server: HarnessServer;
  readonly browser: Browser;
}

/**
 * Registers `beforeAll`/`afterAll` that create `artifacts`, start the viewer harness server and launch the
 * browser, and close both after the file.
 */
export function useViewerHarness(artifacts: string): ViewerHarness {
  let server: HarnessServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startHarnessServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the harness server is not started (beforeAll)');
      return server;
    },
    get browser() {
      if (browser === undefined) throw new Error('the browser is not launched (beforeAll)');
      return browser;
    },
  };
}

/** One `StreamCallbackSink` call: the RRD bytes and the messages in them. */
export interface StreamCall {
  readonly bytes: Uint8Array;
  readonly messages: readonly EncodedMessage[];
}

/** A recording whose sink keeps every call (a copy of its bytes, and its messages). */
export function collectingRecording(
  recordingId: string,
  applicationId = 'camstream_e2e',
): { rec: RecordingStream; calls: StreamCall[] } {
  const calls: StreamCall[] = [];
  const rec = new RecordingStream({
    applicationId,
    recordingId,
    sinks: [new StreamCallbackSink((bytes, messages) => calls.push({ bytes: bytes.slice(), messages }))],
  });
  return { rec, calls };
}

/** {@link collectingRecording} with the static H.264 `VideoStream` already logged at `video_stream`. */
export function collectingVideoRecording(
  recordingId: string,
  applicationId = 'camstream_e2e',
): { rec: RecordingStream; calls: StreamCall[] } {
  const recording = collectingRecording(recordingId, applicationId);
  recording.rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  return recording;
}

/** The collected calls as RRD streams: the first two calls' messages as one stream, then one per later call. */
export function callStreams(calls: readonly StreamCall[]): { first: Uint8Array; perFrame: Uint8Array[] } {
  return {
    first: concatStream([...(calls[0]?.messages ?? []), ...(calls[1]?.messages ?? [])]),
    perFrame: calls.slice(2).map((c) => c.bytes),
  };
}

/** Opens the harness viewer, opens its `camstream` log channel and sends `streams` there. */
export async function openViewerWith(
  browser: Browser,
  baseUrl: string,
  streams: readonly Uint8Array[],
): Promise<ViewerPage> {
  const viewer = await openViewer(browser, baseUrl);
  await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.openChannel('camstream'));
  await sendRrd(viewer.page, streams);
  return viewer;
}

/**
 * Polls screenshots until at least four of the core test pattern's bar colours cover 300 pixels each; saves that
 * screenshot to `savePath` and returns its colour counts.
 */
export function corePatternOnScreen(page: Page, savePath: string): Promise<Record<string, number>> {
  return poll('the pattern colours on screen', async () => {
    const png = await page.screenshot();
    const c = countColours(png, TEST_PATTERN_COLOURS);
    if (Object.values(c).filter((n) => n >= 300).length >= 4) {
      writeFileSync(savePath, png);
      return c;
    }
    return undefined;
  });
}
