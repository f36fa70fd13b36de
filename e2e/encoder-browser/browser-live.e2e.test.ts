// BrowserLiveEncoder in Debian Chromium: a Vite-served page (source-first) encodes core's test pattern with the
// real @ffmpeg/core in a module worker. Isolated page (COOP/COEP) → ring mode, compared byte for byte with an
// offline encode in Node; plain page → segments mode. Output checked with ffprobe and in the real viewer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPattern, VideoStream } from '@camstream/core';
import { EncoderPool, encodeBatch } from '@camstream/encoder-wasm';
import type { Browser, Page } from 'playwright-core';
import { createServer, defaultClientConditions, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, watchPage } from '../harness/browser.js';
import { probeFrames } from '../harness/media.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import { callStreams, collectingVideoRecording, openViewerWith } from '../harness/viewer-harness.js';
import type { EncodeRequest, EncodeResult, EncoderPageWindow } from './page/main.js';

const FRAMES = 60;
const GOP = 30;
const artifacts = join(import.meta.dirname, '..', 'test-results');

// @ffmpeg/core is a dependency of encoder-wasm, not of this package: find its ESM build from there and let Vite
// serve it through /@fs/ (an app would import '@ffmpeg/core?url' or copy the files; see the README).
const requireFromEncoder = createRequire(
  createRequire(import.meta.url).resolve('@camstream/encoder-wasm/package.json'),
);
const coreEsm = requireFromEncoder.resolve('@ffmpeg/core').replace(/[/\\]umd[/\\]/, '/esm/');
const assets = { coreURL: `/@fs${coreEsm}`, wasmURL: `/@fs${coreEsm.replace(/\.js$/, '.wasm')}` };

let browser: Browser;
let harness: HarnessServer;
const servers: ViteDevServer[] = [];
let isolatedUrl: string;
let plainUrl: string;

async function startVite(isolated: boolean): Promise<string> {
  const vite = await createServer({
    root: join(import.meta.dirname, 'page'),
    configFile: false,
    // A dependency cache of its own (other suites' Vite servers share e2e/node_modules/.vite) and no HMR: a
    // file saved mid-run must not reload the page under a running encode.
    cacheDir: join(tmpdir(), 'camstream-e2e-encoder-browser', isolated ? 'isolated' : 'plain'),
    resolve: { conditions: ['@camstream/source', ...defaultClientConditions] },
    server: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      hmr: false,
      headers: isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {},
    },
    logLevel: 'warn',
    clearScreen: false,
  });
  servers.push(vite);
  await vite.listen();
  const address = vite.httpServer?.address() as AddressInfo | null | undefined;
  if (!address) throw new Error('the Vite server has no address');
  return `http://127.0.0.1:${address.port}/`;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  expect(existsSync(coreEsm)).toBe(true);
  [isolatedUrl, plainUrl] = await Promise.all([startVite(true), startVite(false)]);
  [harness, browser] = await Promise.all([startHarnessServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  await harness?.close();
});

async function openPage(url: string): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as EncoderPageWindow).encoderPageReady === true, null, {
    timeout: 60_000,
  });
  return { page, pageErrors: watch.pageErrors };
}

function encodeIn(page: Page, request: Omit<EncodeRequest, 'coreURL' | 'wasmURL'>): Promise<EncodeResult> {
  return page.evaluate((r) => (window as unknown as EncoderPageWindow).encodePattern(r), {
    ...assets,
    ...request,
  } as EncodeRequest);
}

const bytesOf = (result: EncodeResult): Buffer[] => result.samples.map((s) => Buffer.from(s.data, 'base64'));

async function offlineEncode(frames: number): Promise<Buffer> {
  const pool = await EncoderPool.open({ threads: 1 });
  try {
    const parts: Uint8Array[] = [];
    for await (const s of encodeBatch(testPattern({ width: 320, height: 240, fpsNum: 30, frames }), {
      pool,
      width: 320,
      height: 240,
      fpsNum: 30,
      preset: 'veryfast',
      gop: GOP,
      segmentFrames: frames,
    }))
      parts.push(s.data);
    return Buffer.concat(parts);
  } finally {
    await pool.close();
  }
}

function probe(name: string, stream: Buffer): { keyFrames: number[]; types: string[]; hasBFrames: number } {
  const path = join(artifacts, name);
  writeFileSync(path, stream);
  const frames = probeFrames(path);
  const streamInfo = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=has_b_frames', '-of', 'json', path], {
      encoding: 'utf8',
    }),
  ) as { streams: { has_b_frames: number }[] };
  return {
    keyFrames: frames.flatMap((f, i) => (f.keyFrame ? [i] : [])),
    types: [...new Set(frames.map((f) => f.pictType))].sort(),
    hasBFrames: streamInfo.streams[0]?.has_b_frames ?? -1,
  };
}

const multiplesBelow = (step: number, n: number): number[] =>
  Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);

describe('BrowserLiveEncoder in Chromium', () => {
  let ring: EncodeResult;

  it('isolated page: ring mode, output byte-identical to an offline encode, ffprobe-valid', async () => {
    const { page, pageErrors } = await openPage(isolatedUrl);
    ring = await encodeIn(page, { frames: FRAMES, gop: GOP, paced: true });
    await page.close();
    expect(ring.isolated).toBe(true);
    expect(ring.stats).toMatchObject({
      mode: 'ring',
      framesIn: FRAMES,
      samplesOut: FRAMES,
      framesDropped: 0,
    });
    expect(ring.samples.map((s) => BigInt(s.pts))).toEqual(
      [...testPattern({ width: 2, height: 2, fpsNum: 30, frames: FRAMES })].map((f) => f.pts),
    );
    const live = Buffer.concat(bytesOf(ring));
    const offline = await offlineEncode(FRAMES);
    expect(live.length).toBeGreaterThan(1000);
    expect(live.equals(offline)).toBe(true);
    const p = probe('browser-ring.h264', live);
    expect(p.keyFrames).toEqual(multiplesBelow(GOP, FRAMES));
    expect(p.types).toEqual(['I', 'P']);
    expect(p.hasBFrames).toBe(0);
    expect(ring.samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual(multiplesBelow(GOP, FRAMES));
    expect(pageErrors).toEqual([]);
    console.log(
      `ring: ${live.length} B for ${FRAMES} frames (${Math.round(live.length / FRAMES)} B/frame), ${ring.encodeMs.toFixed(0)} ms for 60 frames at 30 fps, median latency ${ring.medianLatencyMs.toFixed(0)} ms, warm-up ${ring.stats.warmupMs.toFixed(0)} ms`,
    );
  });

  it('the ring-mode samples play in the real viewer with the pattern’s colours', async () => {
    expect(ring?.samples).toHaveLength(FRAMES);
    const { rec, calls } = collectingVideoRecording('e2e-encoder-browser');
    for (const s of ring.samples) {
      rec.setTime('time', { duration: BigInt(s.pts) });
      rec.log('video_stream', VideoStream.fromFields({ sample: Buffer.from(s.data, 'base64') }));
    }
    await rec.close();
    const { first, perFrame } = callStreams(calls);
    const viewer = await openViewerWith(browser, harness.url, [first, ...perFrame]);
    await poll('the pattern colours on screen', async () => {
      const png = await viewer.page.screenshot();
      if (!showsTestPattern(png).ok) return undefined;
      writeFileSync(join(artifacts, 'encoder-browser-ring.png'), png);
      return true;
    });
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
    await viewer.page.close();
  });

  it('requestKeyframe() gives an IDR at the requested frame; drop-oldest; abort() leaves no worker', async () => {
    const { page, pageErrors } = await openPage(isolatedUrl);
    const wasmFetches: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith(assets.wasmURL)) wasmFetches.push(r.url());
    });
    const result = await encodeIn(page, { frames: 40, gop: GOP, keyframeAt: [10] });
    expect(result.stats).toMatchObject({ mode: 'ring', samplesOut: 40, keyframeRestarts: 1 });
    // The restart starts a new GOP at frame 10 (its next IDR would be at 40).
    expect(result.samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 10]);
    expect(probe('browser-keyframe.h264', Buffer.concat(bytesOf(result))).keyFrames).toEqual([0, 10]);
    await poll('the closed encoder’s worker to go', async () =>
      page.workers().length === 0 ? true : undefined,
    );

    // 60 pre-rendered frames in one synchronous loop with drop-oldest: the encoder cannot take them as fast as
    // the loop gives them (about 5 fit in the ring and queue), so frames drop; the first and the newest two
    // always survive, and every frame is either encoded or counted as dropped.
    const flood = await encodeIn(page, { frames: FRAMES, gop: GOP, flood: true });
    expect(flood.stats.framesIn).toBe(FRAMES);
    expect(flood.stats.framesDropped).toBeGreaterThan(0);
    expect(flood.stats.samplesOut + flood.stats.framesDropped).toBe(FRAMES);
    const pts = [...testPattern({ width: 2, height: 2, fpsNum: 30, frames: FRAMES })].map((f) => f.pts);
    const kept = flood.samples.map((s) => pts.indexOf(BigInt(s.pts)));
    expect(kept).toEqual([...kept].sort((x, y) => x - y));
    expect([kept[0], ...kept.slice(-2)]).toEqual([0, FRAMES - 2, FRAMES - 1]);
    expect(probe('browser-flood.h264', Buffer.concat(bytesOf(flood))).keyFrames).toEqual([0]);

    await page.evaluate((r) => (window as unknown as EncoderPageWindow).startAndHold(r), {
      ...assets,
      frames: FRAMES,
      gop: GOP,
    } as EncodeRequest);
    expect(page.workers()).toHaveLength(1);
    const aborted = await page.evaluate(() => (window as unknown as EncoderPageWindow).abortHeld());
    expect(aborted).toEqual({ code: 'aborted', framesIn: 5 });

    // A wrong asset URL fails open() with a typed error naming the URL, and leaves no worker either.
    const bad = await page.evaluate((r) => (window as unknown as EncoderPageWindow).openError(r), {
      ...assets,
      wasmURL: '/no-such/ffmpeg-core.wasm',
      frames: 1,
      gop: GOP,
    } as EncodeRequest);
    expect(bad.code).toBe('core-unavailable');
    // Three encoders opened on this page; the core was fetched and compiled for the first only (decision 0012).
    expect(wasmFetches).toHaveLength(1);
    // Vite answers an unknown path with index.html (an SPA fallback, as many hosts do), not a 404.
    expect(bad.message).toMatch(
      /no-such\/ffmpeg-core\.wasm answered text\/html, not a wasm module .*expected ffmpeg-core\.wasm/,
    );
    await poll('the failed encoder’s worker to go', async () =>
      page.workers().length === 0 ? true : undefined,
    );
    await poll('the aborted encoder’s worker to go', async () =>
      page.workers().length === 0 ? true : undefined,
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('plain page: segments mode, a valid stream with an IDR per segment; cost measured', async () => {
    const { page, pageErrors } = await openPage(plainUrl);
    const ringBytes = ring ? bytesOf(ring).reduce((n, b) => n + b.length, 0) : Number.NaN;
    for (const segmentFrames of [3, 1]) {
      const seg = await encodeIn(page, { frames: FRAMES, gop: GOP, segmentFrames, paced: true });
      expect(seg.isolated).toBe(false);
      expect(seg.stats).toMatchObject({
        mode: 'segments',
        framesIn: FRAMES,
        samplesOut: FRAMES,
        execs: FRAMES / segmentFrames,
      });
      const stream = Buffer.concat(bytesOf(seg));
      const p = probe(`browser-segments-${segmentFrames}.h264`, stream);
      expect(p.keyFrames).toEqual(multiplesBelow(segmentFrames, FRAMES));
      expect(p.types).toEqual(segmentFrames === 1 ? ['I'] : ['I', 'P']);
      expect(p.hasBFrames).toBe(0);
      console.log(
        `segments(${segmentFrames}): ${stream.length} B for ${FRAMES} frames (${Math.round(stream.length / FRAMES)} B/frame, ${(stream.length / ringBytes).toFixed(2)}× ring), ${seg.encodeMs.toFixed(0)} ms for 60 frames at 30 fps, median latency ${seg.medianLatencyMs.toFixed(0)} ms`,
      );
    }
    // requestKeyframe() before frame 4 cuts the segment [3, 4, 5] short: segments 0–2, 3, 4–6, 7–9, 10–11.
    const cut = await encodeIn(page, { frames: 12, gop: GOP, segmentFrames: 3, keyframeAt: [4] });
    expect(cut.stats).toMatchObject({ mode: 'segments', samplesOut: 12, execs: 5, keyframeRestarts: 1 });
    expect(cut.samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 3, 4, 7, 10]);
    expect(probe('browser-segments-cut.h264', Buffer.concat(bytesOf(cut))).keyFrames).toEqual([
      0, 3, 4, 7, 10,
    ]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
