import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessUnit, AccessUnitSplitter, splitAnnexB, VideoCodec } from '@camstream/core';
import { ffmpeg } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { afterAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, launchBrowser, openViewer, poll } from '../harness/browser.js';
import { showsColourBars } from '../harness/pixels.js';
import { startHarnessServer } from '../harness/static-server.js';
import {
  type ClipSpec,
  encodeMp4,
  probePackets,
  readVideoSamples,
  rewrap,
  runCli,
} from './remux-fixtures.js';

const FPS = 25;
const FRAME_NS = 40_000_000n;
const artifacts = join(import.meta.dirname, '..', 'test-results');
const dir = tempDir('camstream-remux-e2e-');

/** The access units core's parser cuts from an Annex B stream. */
function parseAnnexB(path: string, codec: 'h264' | 'h265'): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec, copy: 'always' });
  return [...splitter.push(new Uint8Array(readFileSync(path))), ...splitter.end()];
}

/** NAL units other than parameter sets and AUDs: remux may place those differently. */
function payloadNals(sample: Uint8Array, codec: 'h264' | 'h265'): string[] {
  const skip = codec === 'h264' ? [7, 8, 9] : [32, 33, 34, 35];
  return splitAnnexB(sample)
    .filter((nal) => !skip.includes(codec === 'h264' ? nal.data[0]! & 0x1f : (nal.data[0]! >>> 1) & 0x3f))
    .map((nal) => Buffer.from(nal.data).toString('base64'));
}

/** stderr lines other than progress (a slow machine may show some before the error). */
function messageLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((line) => !/: \d+% \(\d+ frames\)$/.test(line));
}

const CLIPS: { name: string; container: 'mp4' | 'mkv'; spec: ClipSpec }[] = [
  {
    name: 'h264-baseline',
    container: 'mp4',
    spec: { codec: 'h264', profile: 'baseline', frames: 40, gop: 15, fps: FPS },
  },
  {
    name: 'h264-baseline',
    container: 'mkv',
    spec: { codec: 'h264', profile: 'baseline', frames: 40, gop: 15, fps: FPS },
  },
  {
    name: 'h264-high',
    container: 'mp4',
    spec: { codec: 'h264', profile: 'high', frames: 40, gop: 12, fps: FPS },
  },
  {
    name: 'h264-high',
    container: 'mkv',
    spec: { codec: 'h264', profile: 'high', frames: 40, gop: 12, fps: FPS },
  },
  { name: 'h265-main', container: 'mp4', spec: { codec: 'h265', frames: 30, gop: 10, fps: FPS } },
  { name: 'h265-main', container: 'mkv', spec: { codec: 'h265', frames: 30, gop: 10, fps: FPS } },
];

describe('camstream remux (built binary) on files made by Debian ffmpeg', () => {
  for (const { name, container, spec } of CLIPS) {
    it(`${name} in ${container}: the same samples as core's parser reads from the Annex B equivalent`, () => {
      const mp4 = encodeMp4(dir, `${name}-${container}`, spec);
      const input = container === 'mp4' ? mp4 : rewrap(mp4, join(dir, `${name}.mkv`));
      const annexB = rewrap(mp4, join(dir, `${name}-${container}.${spec.codec}`));
      const output = join(dir, `${name}-${container}.rrd`);

      const run = runCli([
        'remux',
        input,
        output,
        '--app-id',
        'e2e',
        '--recording-id',
        `${name}-${container}`,
      ]);
      expect(run.stderr).toContain(`wrote ${output}: ${spec.frames} frames`);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');

      const rrd = readVideoSamples(output);
      const expected = parseAnnexB(annexB, spec.codec);
      expect(rrd.codec).toBe(spec.codec === 'h264' ? VideoCodec.H264 : VideoCodec.H265);
      expect(rrd.samples).toHaveLength(expected.length);
      expect(rrd.samples).toHaveLength(spec.frames);
      // Timestamps: the container's, as ffprobe reads them, and frame i at i/25 s.
      expect(rrd.times).toEqual(probePackets(input).map((p) => p.pts));
      expect(rrd.times).toEqual(expected.map((_, i) => BigInt(i) * FRAME_NS));
      const splitter = new AccessUnitSplitter({ codec: spec.codec });
      rrd.samples.forEach((sample, i) => {
        const units = [...splitter.push(sample), ...splitter.endAccessUnit()];
        expect(units).toHaveLength(1);
        expect(units[0]!.isKeyframe).toBe(expected[i]!.isKeyframe);
        expect(payloadNals(sample, spec.codec)).toEqual(payloadNals(expected[i]!.data, spec.codec));
      });
      const keyframes = expected.filter((u) => u.isKeyframe).map((u) => u.index);
      expect(keyframes).toEqual(
        Array.from({ length: Math.ceil(spec.frames / spec.gop) }, (_, k) => k * spec.gop),
      );
    });
  }

  it('an Annex B .h264 input gets frame-rate timestamps and the same samples', () => {
    const mp4 = encodeMp4(dir, 'annexb-src', { codec: 'h264', frames: 20, gop: 10, fps: FPS });
    const annexB = rewrap(mp4, join(dir, 'annexb-src.h264'));
    const output = join(dir, 'annexb.rrd');
    const run = runCli([
      'remux',
      annexB,
      output,
      '--fps',
      '50',
      '--entity',
      'cam/front',
      '--timeline',
      'pts',
    ]);
    expect(run.status).toBe(0);
    const rrd = readVideoSamples(output, '/cam/front', 'pts');
    expect(rrd.times).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i) * 20_000_000n));
    expect(rrd.samples.map((s) => Buffer.from(s).toString('base64'))).toEqual(
      parseAnnexB(annexB, 'h264').map((u) => Buffer.from(u.data).toString('base64')),
    );
  });

  it('refuses a file with B-frames (libx264 default) with exit 1 and the re-encode command', () => {
    const input = encodeMp4(dir, 'bframes', { codec: 'h264', frames: 30, gop: 30, fps: FPS, bFrames: true });
    const output = join(dir, 'bframes.rrd');
    const run = runCli(['remux', input, output]);
    expect(run.status).toBe(1);
    const lines = messageLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^camstream: .*cannot remux .*bframes\.mp4 .*B-frames/);
    expect(lines[0]).toContain(`camstream capture --input ${input}`);
    expect(existsSync(output)).toBe(false);
  });
});

describe('camstream remux: bad input gets one clear line and exit 1', () => {
  const expectOneLine = (args: string[], message: RegExp, status = 1): void => {
    const run = runCli(args);
    expect(run.status).toBe(status);
    const lines = messageLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it('a missing file', () => {
    expectOneLine(['remux', join(dir, 'nope.mp4'), join(dir, 'nope.rrd')], /nope\.mp4 does not exist/);
  });

  it('an unreadable file', () => {
    const locked = join(dir, 'locked.mp4');
    writeFileSync(locked, 'not readable');
    chmodSync(locked, 0o000);
    // Root reads anything: run the binary as nobody then (65534), from a folder it may enter.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(dir, 0o755);
    const run = runCli(['remux', locked, join(tmpdir(), 'locked.rrd')], asRoot ? { uid: 65534 } : {});
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^camstream: .*cannot read .*locked\.mp4: permission denied$/);
  });

  it('a truncated mp4 (moov at the end, cut off)', () => {
    const whole = readFileSync(encodeMp4(dir, 'whole', { codec: 'h264', frames: 30, gop: 10, fps: FPS }));
    const cut = join(dir, 'truncated.mp4');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    expectOneLine(
      ['remux', cut, join(dir, 'cut.rrd')],
      /truncated\.mp4 has no video track .*truncated or damaged/,
    );
  });

  it('a truncated mp4 (moov first, media cut off)', () => {
    const src = encodeMp4(dir, 'fast', { codec: 'h264', frames: 30, gop: 10, fps: FPS });
    const faststart = join(dir, 'faststart.mp4');
    ffmpeg(['-i', src, '-c', 'copy', '-movflags', '+faststart', faststart]);
    const whole = readFileSync(faststart);
    const cut = join(dir, 'cut-media.mp4');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expectOneLine(
      ['remux', cut, join(dir, 'cut-media.rrd')],
      /cut-media\.mp4 is truncated: its index lists frames up to 1\.16 s, but the data ends after \d+ frames/,
    );
  });

  it('a garbled mp4 (media bytes overwritten)', () => {
    const whole = readFileSync(encodeMp4(dir, 'garble', { codec: 'h264', frames: 30, gop: 10, fps: FPS }));
    const mdat = whole.indexOf('mdat');
    for (let i = mdat + 8; i < mdat + 4000; i++) whole[i] = (i * 7919) & 0xff;
    const garbled = join(dir, 'garbled.mp4');
    writeFileSync(garbled, whole);
    expectOneLine(['remux', garbled, join(dir, 'garbled.rrd')], /garbled\.mp4 is damaged/);
  });

  it('an unsupported codec (VP9 in WebM)', () => {
    const webm = join(dir, 'vp9.webm');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=25',
      '-frames:v',
      '5',
      '-c:v',
      'libvpx-vp9',
      webm,
    ]);
    expectOneLine(
      ['remux', webm, join(dir, 'vp9.rrd')],
      /vp9\.webm: video codec vp9 is not supported.*H\.264 or H\.265/,
    );
  });

  it('an output that is not .rrd is a usage error (exit 2)', () => {
    const input = encodeMp4(dir, 'usage', { codec: 'h264', frames: 5, gop: 5, fps: FPS });
    expectOneLine(['remux', input, join(dir, 'out.mp4')], /out\.mp4 does not end in \.rrd/, 2);
  });
});

describe('a remuxed recording in the real web viewer (@rerun-io/web-viewer 0.33.0)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of cleanup.reverse()) await close();
  });

  it('loads by URL and shows the test pattern', async () => {
    const input = encodeMp4(dir, 'viewer', { codec: 'h264', frames: 50, gop: 25, fps: FPS });
    const output = join(dir, 'viewer.rrd');
    expect(runCli(['remux', input, output, '--recording-id', 'e2e-remux']).status).toBe(0);
    const server = await startHarnessServer();
    cleanup.push(() => server.close());
    const browser = await launchBrowser();
    cleanup.push(() => browser.close());
    const viewer = await openViewer(browser, server.url, server.serveFile('viewer.rrd', output));
    await poll('recording to open', async () =>
      (await viewer.page.evaluate(() =>
        (globalThis as unknown as HarnessWindow).harness.activeRecording(),
      )) === 'e2e-remux'
        ? true
        : undefined,
    );
    const range = await poll('time range', async () => {
      const r = await viewer.page.evaluate(() =>
        (globalThis as unknown as HarnessWindow).harness.timeRange('time'),
      );
      return r !== null && r.max === Number(49n * FRAME_NS) ? r : undefined;
    });
    expect(range.min).toBe(0);
    const png = await poll('the test pattern on screen', async () => {
      const shot = await viewer.page.screenshot();
      return showsColourBars(shot).ok ? shot : undefined;
    });
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'remux-viewer.png'), png);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
