/**
 * For every H.264 vector without B-frames, the samples go through the real viewer with no "Failed to detect
 * GOP", and our keyframe indices equal ffprobe's IDR frames. Vectors are made in the run
 * by Debian's ffmpeg (libx264) and by Chromium's WebCodecs `VideoEncoder` (Annex B output), split by the
 * core's `AccessUnitSplitter`, logged with `RecordingStream` and played by `@rerun-io/web-viewer` 0.33.0
 * in headless Chromium: one browser, one page, one recording per vector.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type AccessUnit,
  AccessUnitSplitter,
  concatStream,
  frameTime,
  splitAnnexB,
  VideoStream,
} from '@camstream/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HarnessWindow,
  launchBrowser,
  openViewer,
  poll,
  sendRrd,
  VIEWER_PROBLEMS,
  type ViewerPage,
} from '../harness/browser.js';
import { probeFrames, sizeOf, testsrcArgs } from '../harness/media.js';
import { showsColourBars } from '../harness/pixels.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';
import { collectingVideoRecording } from '../harness/viewer-harness.js';
import { type EncodedChunk, encodeAnnexBInPage } from '../harness/webcodecs.js';

const run = promisify(execFile);
const FPS = 10;
const artifacts = join(import.meta.dirname, '..', 'test-results');

interface Vector {
  readonly name: string;
  readonly size: string;
  readonly frames: number;
  readonly args: readonly string[];
  readonly pixFmt?: string;
  /** Chromium's WebCodecs decodes it (8-bit 4:2:0); 10-bit and 4:4:4 only get the parser check. */
  readonly viewer: boolean;
}

const X264 = ['-c:v', 'libx264', '-preset', 'veryfast'];

/** The H.264 vectors of `ffmpeg-vectors.test.ts` without B-frames (small: the viewer plays each). */
const VECTORS: readonly Vector[] = [
  {
    name: 'rerun-reference-110x82',
    size: '110x82',
    frames: 44,
    args: ['-c:v', 'libx264', '-g', '10', '-bf', '0'],
    viewer: true,
  },
  {
    name: 'baseline',
    size: '176x144',
    frames: 24,
    args: [...X264, '-profile:v', 'baseline', '-g', '10'],
    viewer: true,
  },
  {
    name: 'main-bf0',
    size: '176x144',
    frames: 24,
    args: [...X264, '-profile:v', 'main', '-g', '10', '-bf', '0'],
    viewer: true,
  },
  {
    name: 'high-bf0',
    size: '176x144',
    frames: 30,
    args: [...X264, '-profile:v', 'high', '-g', '10', '-bf', '0'],
    viewer: true,
  },
  {
    name: 'slices4',
    size: '176x144',
    frames: 20,
    args: [...X264, '-g', '10', '-bf', '0', '-x264-params', 'slices=4'],
    viewer: true,
  },
  {
    name: 'aud',
    size: '176x144',
    frames: 20,
    args: [...X264, '-g', '10', '-bf', '0', '-x264-params', 'aud=1'],
    viewer: true,
  },
  {
    name: '1080p-cropped',
    size: '1920x1080',
    frames: 4,
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '2', '-bf', '0'],
    viewer: true,
  },
  {
    name: 'gop250',
    size: '160x120',
    frames: 60,
    args: [...X264, '-g', '250', '-bf', '0'],
    viewer: true,
  },
  {
    name: 'high10',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv420p10le',
    args: [...X264, '-profile:v', 'high10', '-g', '10', '-bf', '0'],
    viewer: false,
  },
  {
    name: 'high444',
    size: '176x144',
    frames: 20,
    pixFmt: 'yuv444p',
    args: [...X264, '-profile:v', 'high444', '-g', '10', '-bf', '0'],
    viewer: false,
  },
];

interface Encoded {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** ffprobe's IDR frames: `key_frame` on an I picture (x264 without open GOP writes no recovery points). */
  readonly idrFrames: number[];
  readonly frameCount: number;
}

let dir = '';
let server: HarnessServer;
let browser: Browser;
let viewer: ViewerPage;
const encoded = new Map<string, Encoded>();

async function probe(path: string): Promise<Pick<Encoded, 'idrFrames' | 'frameCount'>> {
  const frames = probeFrames(path);
  return {
    frameCount: frames.length,
    idrFrames: frames.map((f, i) => (f.keyFrame && f.pictType === 'I' ? i : -1)).filter((i) => i >= 0),
  };
}

async function encode(v: Vector): Promise<Encoded> {
  const path = join(dir, `${v.name}.h264`);
  await run('ffmpeg', [
    ...testsrcArgs({ ...sizeOf(v.size), fps: FPS, frames: v.frames }),
    ...['-pix_fmt', v.pixFmt ?? 'yuv420p', ...v.args],
    ...['-threads', '1', '-f', 'h264', path],
  ]);
  return { path, bytes: new Uint8Array(readFileSync(path)), ...(await probe(path)) };
}

/** The core's splitter, fed in 1000-byte pieces (arbitrary boundaries, as from a pipe). */
function split(bytes: Uint8Array): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec: 'h264', copy: 'always' });
  const out: AccessUnit[] = [];
  for (let i = 0; i < bytes.length; i += 1000) out.push(...splitter.push(bytes.subarray(i, i + 1000)));
  out.push(...splitter.end());
  return out;
}

const keyframeIndices = (aus: readonly AccessUnit[]) =>
  aus.filter((au) => au.isKeyframe).map((au) => au.index);

/** Console warnings/errors matching the viewer's problem patterns, from line `from` on. */
function problemsSince(from: number): string[] {
  return viewer.console
    .slice(from)
    .filter((l) => /^(warning|error)/.test(l) && VIEWER_PROBLEMS.some((re) => re.test(l)));
}

/**
 * Logs the samples as Rerun's camera_video_stream example does (static codec, one sample per frame on the
 * duration timeline `time`) into a recording of its own, sends it to the page on a channel of its own (first
 * call: store info + codec; then one complete RRD stream per frame), and waits until the viewer has it all.
 */
async function play(recordingId: string, samples: readonly Uint8Array[], fps: number): Promise<void> {
  const { rec, calls } = collectingVideoRecording(recordingId, 'camstream_bitstream_e2e');
  samples.forEach((sample, i) => {
    rec.setTime('time', { duration: frameTime(i, fps) });
    rec.log('video_stream', VideoStream.fromFields({ sample }));
  });
  await rec.close();
  const [info, codec, ...perFrame] = calls;
  if (!info || !codec) throw new Error('RecordingStream wrote nothing');
  expect(perFrame).toHaveLength(samples.length);

  await viewer.page.evaluate(
    (name) => (window as unknown as HarnessWindow).harness.openChannel(name),
    recordingId,
  );
  await sendRrd(viewer.page, [
    concatStream([...info.messages, ...codec.messages]),
    ...perFrame.map((c) => c.bytes),
  ]);

  await poll(`recording ${recordingId} to become active`, async () => {
    const id = await viewer.page.evaluate(() =>
      (window as unknown as HarnessWindow).harness.activeRecording(),
    );
    return id === recordingId ? true : undefined;
  });
  const last = Number(frameTime(samples.length - 1, fps));
  const range = await poll(`recording ${recordingId} to cover every frame`, async () => {
    const r = await viewer.page.evaluate(
      ({ id }) =>
        (
          window as unknown as { harness: { viewer: { get_time_range(id: string, t: string): unknown } } }
        ).harness.viewer.get_time_range(id, 'time') as { min: number; max: number } | null,
      { id: recordingId },
    );
    return r !== null && r !== undefined && r.max === last ? r : undefined;
  });
  expect(range).toEqual({ min: 0, max: last });
}

/** Polls screenshots until the colour bars show, and saves the one that did. */
async function expectColourBars(name: string): Promise<void> {
  const result = await poll(`colour bars of ${name} on screen`, async () => {
    const png = await viewer.page.screenshot();
    const check = showsColourBars(png);
    if (!check.ok) return undefined;
    writeFileSync(join(artifacts, `bitstream-${name}.png`), png);
    return check;
  });
  expect(result.ok).toBe(true);
}

/** Gives the viewer time to run its GOP detection and decoder on what it shows, then checks the console. */
async function expectNoProblems(from: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
  expect(problemsSince(from)).toEqual([]);
  expect(viewer.pageErrors).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'camstream-bitstream-e2e-'));
  const browserReady = (async () => {
    server = await startHarnessServer();
    browser = await launchBrowser();
    viewer = await openViewer(browser, server.url);
  })();
  // Two encodes at a time (two cores), while the browser and the viewer start.
  const queue = [...VECTORS];
  const worker = async (): Promise<void> => {
    for (let v = queue.shift(); v; v = queue.shift()) encoded.set(v.name, await encode(v));
  };
  await Promise.all([worker(), worker(), browserReady]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('H.264 without B-frames through the parser and the real web viewer (@rerun-io/web-viewer 0.33.0)', () => {
  // First, on the fresh page: nothing else has been on screen, so the colour bars can only be these.
  it('WebCodecs Annex B from Chromium: one access unit per chunk, keyframes as the chunks say, plays', async () => {
    const chunks: EncodedChunk[] = await encodeAnnexBInPage(viewer.page, {
      width: 640,
      height: 360,
      frames: 30,
      keyframeInterval: 10,
    });
    expect(chunks).toHaveLength(30);
    expect(chunks.filter((c) => c.type === 'key').map((c) => chunks.indexOf(c))).toEqual([0, 10, 20]);
    const stream = Buffer.concat(chunks.map((c) => c.data));
    const path = join(dir, 'webcodecs.h264');
    writeFileSync(path, stream);

    // The whole stream in arbitrary pieces: the splitter finds the chunks again, byte for byte.
    const aus = split(stream);
    expect(aus.map((au) => au.isKeyframe)).toEqual(chunks.map((c) => c.type === 'key'));
    expect(aus.map((au) => Buffer.from(au.data).toString('hex'))).toEqual(
      chunks.map((c) => Buffer.from(c.data).toString('hex')),
    );
    // Chromium writes several slices per frame: all of them stay in the frame's sample.
    const slicesPerChunk = chunks.map(
      (c) => splitAnnexB(c.data).filter((n) => [1, 5].includes((n.data[0] ?? 0) & 0x1f)).length,
    );
    expect(aus.map((au) => au.sliceTypes.length)).toEqual(slicesPerChunk);
    expect(aus[0]?.codecString).toMatch(/^avc1\.42/);

    // Live, as an encoder callback would: one chunk per push and endAccessUnit(), with the fast path too.
    for (const firstSliceOnly of [false, true]) {
      const live = new AccessUnitSplitter({ codec: 'h264', firstSliceOnly });
      const out: AccessUnit[] = [];
      for (const c of chunks) {
        expect(live.push(c.data)).toEqual([]);
        const done = live.endAccessUnit();
        expect(done).toHaveLength(1);
        out.push(...done);
      }
      expect(out.map((au) => au.isKeyframe)).toEqual(chunks.map((c) => c.type === 'key'));
      expect(out.map((au) => au.data.length)).toEqual(chunks.map((c) => c.data.length));
    }

    // ffprobe agrees.
    const probed = await probe(path);
    expect(probed.frameCount).toBe(30);
    expect(keyframeIndices(aus)).toEqual(probed.idrFrames);

    const from = viewer.console.length;
    await play(
      'webcodecs-annexb',
      aus.map((au) => au.data),
      30,
    );
    await expectColourBars('webcodecs');
    await expectNoProblems(from);
  });

  it.each(VECTORS.map((v) => [v.name, v] as const))('%s: keyframes equal ffprobe IDR frames', (_n, v) => {
    const e = encoded.get(v.name);
    if (!e) throw new Error(`${v.name} was not encoded`);
    const aus = split(e.bytes);
    expect(aus).toHaveLength(e.frameCount);
    expect(aus.every((au) => !au.hasBFrames)).toBe(true);
    expect(e.idrFrames[0]).toBe(0);
    expect(keyframeIndices(aus)).toEqual(e.idrFrames);
  });

  it.each(VECTORS.filter((v) => v.viewer).map((v) => [v.name, v] as const))(
    '%s plays in the viewer: every frame in the time range, no GOP or decode warnings, colour bars',
    async (name, v) => {
      const e = encoded.get(v.name);
      if (!e) throw new Error(`${v.name} was not encoded`);
      const aus = split(e.bytes);
      const from = viewer.console.length;
      await play(
        `vector-${name}`,
        aus.map((au) => au.data),
        FPS,
      );
      await expectColourBars(name);
      await expectNoProblems(from);
    },
  );

  // The control: the same checks see it when the viewer does reject a keyframe.
  it('control: a keyframe whose SPS does not parse gives "Failed to detect GOP", and no keyframe from us', async () => {
    const e = encoded.get('baseline');
    if (!e) throw new Error('baseline was not encoded');
    const broken = split(e.bytes).map((au) => {
      if (!au.isKeyframe) return au.data;
      // The SPS cut after profile, constraints and level: seq_parameter_set_id and the rest are missing.
      const nals = splitAnnexB(au.data).map((n) =>
        ((n.data[0] ?? 0) & 0x1f) === 7 ? n.data.subarray(0, 4) : n.data,
      );
      return Buffer.concat(nals.flatMap((n) => [Uint8Array.of(0, 0, 0, 1), n]));
    });
    const ours = split(Buffer.concat(broken));
    expect(ours).toHaveLength(broken.length);
    expect(keyframeIndices(ours)).toEqual([]);
    const from = viewer.console.length;
    await play('control-broken-sps', broken, FPS);
    const seen = await poll('the viewer to warn about the broken keyframes', async () => {
      const lines = problemsSince(from).filter((l) => /Failed to detect GOP/i.test(l));
      return lines.length > 0 ? lines : undefined;
    });
    expect(seen.length).toBeGreaterThan(0);
  });
});
