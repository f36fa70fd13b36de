import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  H265NalType,
  isH265Irap,
  isH265Vcl,
  nalUnitType,
  splitAnnexB,
  VideoCodec,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe } from '@camstream/test-helpers/oracle';
import { waitForExit } from '@camstream/test-helpers/processes';
import { readRrdVideo } from '@camstream/test-helpers/rrd-reader';
import { until } from '@camstream/test-helpers/until';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, watchPage } from '../harness/browser.js';
import {
  assertCliBuilt,
  type CliProcess,
  realtimeCaptureArgs,
  runCli,
  type StartCliOptions,
  startCli,
} from '../harness/cli-process.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import { readSaved } from './capture-media.js';

// `camstream capture --encoder …` as the built binary: the system ffmpeg (Debian's) live into the hosted
// viewer, and every way the encoder choice can go wrong, each a single line and the right exit code.
const artifacts = join(import.meta.dirname, '..', 'test-results');
let dir: string;
let browser: Browser;
/** An ffmpeg built without libx264: Debian's, with libx264 hidden from its list and refused as an encoder. */
let noX264: string;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-capture-encoders-'));
  mkdirSync(artifacts, { recursive: true });
  const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
  noX264 = join(dir, 'ffmpeg-without-x264');
  writeFileSync(
    noX264,
    `#!/bin/sh
case "$*" in
  *-encoders*) "${real}" "$@" | grep -v libx264; exit 0 ;;
  *libx264*) echo "Unknown encoder 'libx264'" >&2; exit 1 ;;
esac
exec "${real}" "$@"
`,
  );
  chmodSync(noX264, 0o755);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The lines a run printed on stderr. */
const lines = (stderr: string): string[] => stderr.trimEnd().split('\n');

/** A real-time capture of the test pattern through the system ffmpeg, once a second of it is on disk. */
async function ffmpegCaptureUnderway(
  save: string,
  recordingId: string,
  options: StartCliOptions = {},
): Promise<CliProcess> {
  const cli = startCli(realtimeCaptureArgs(save, recordingId, ['--log-format', 'json'], 'ffmpeg'), options);
  await cli.waitFor(/"event":"start"/, 'stderr');
  await poll('a second of frames on disk', async () => {
    try {
      return readSaved(save).samples >= 30 ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return cli;
}

describe('camstream capture --encoder ffmpeg (the system ffmpeg)', () => {
  it('--serve: the hosted viewer plays it live; Ctrl-C ends with a complete file', async () => {
    const save = join(dir, 'served-ffmpeg.rrd');
    const cli = startCli([
      'capture',
      '--encoder',
      'ffmpeg',
      '--serve',
      '127.0.0.1:0',
      '--save',
      save,
      '--size',
      '320x180',
      '--preset',
      'ultrafast',
      '--recording-id',
      'e2e-serve-ffmpeg',
    ]);
    const [url] = await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'stdout');
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const watch = watchPage(page);
    try {
      await page.goto(url as string);
      const png = await poll('the live pattern on the hosted page', async () => {
        const shot = await page.screenshot();
        return showsTestPattern(shot).ok ? shot : undefined;
      });
      writeFileSync(join(artifacts, 'capture-serve-ffmpeg.png'), png);
      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /\(live encoding with system ffmpeg \S+ libx264; drops the oldest frame when behind\)/,
      );
      const done = /stopped: (\d+) frames \(\d+ keyframes, \d+ dropped(?:, \d+ late)?\)/.exec(result.stderr);
      expect(done, result.stderr).not.toBeNull();
      expect(readSaved(save)).toMatchObject({ recordingId: 'e2e-serve-ffmpeg', samples: Number(done![1]) });
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('ffmpeg killed mid-stream: exit 1 with one line, and the frames before it are in the file', async () => {
    const save = join(dir, 'killed.rrd');
    const cli = await ffmpegCaptureUnderway(save, 'e2e-ffmpeg-killed');
    const pid = Number(execFileSync('pgrep', ['-P', String(cli.child.pid), 'ffmpeg'], { encoding: 'utf8' }));
    process.kill(pid, 'SIGKILL');
    const result = await cli.done;
    expect(result.code).toBe(1);
    const last = JSON.parse(lines(result.stderr).at(-1) as string) as { event: string; message: string };
    expect(last.event).toBe('runtime');
    const failed =
      /^the encoder failed after (\d+) frames: ffmpeg was killed \(SIGKILL\)[^;]*; the \d+ frames before it are in (.+)$/.exec(
        last.message,
      );
    expect(failed, last.message).not.toBeNull();
    expect(failed![2]).toBe(save);
    const saved = readSaved(save);
    expect(saved.recordingId).toBe('e2e-ffmpeg-killed');
    expect(saved.samples).toBe(Number(failed![1]));
    expect(saved.samples).toBeGreaterThanOrEqual(30);
  });

  it('Ctrl-C at a terminal (SIGINT to its whole process group): exit 0, and every frame read is in the file', async () => {
    const save = join(dir, 'ctrl-c.rrd');
    const cli = await ffmpegCaptureUnderway(save, 'e2e-ffmpeg-ctrl-c', { processGroup: true });
    // The terminal's signal reaches every process of the group: an ffmpeg among them would stop mid-stream.
    cli.ctrlC();
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    const events = lines(result.stderr).map(
      (line) => JSON.parse(line) as { event: string; frames?: number; stopped?: boolean },
    );
    const done = events.find((e) => e.event === 'done');
    expect(done?.stopped).toBe(true);
    expect(readSaved(save).samples).toBe(done?.frames);
  });

  it('an ffmpeg that stalls: the second Ctrl-C quits at once (exit 130), and no ffmpeg is left running', async () => {
    const save = join(dir, 'stalled.rrd');
    // ffmpeg's realtime filter at 1/1000 speed: it reads a frame every 33 s, so the stop's flush stalls.
    const cli = startCli([
      '--log-format',
      'json',
      'capture',
      '--encoder',
      'ffmpeg',
      '--encoder-args',
      '-vf realtime=speed=0.001:limit=1000',
      '--size',
      '160x96',
      '--save',
      save,
    ]);
    await cli.waitFor(/"event":"start"/, 'stderr');
    const ffmpeg = Number(
      execFileSync('pgrep', ['-P', String(cli.child.pid), '-f', 'realtime=speed'], { encoding: 'utf8' }),
    );
    expect(ffmpeg).toBeGreaterThan(0);
    // Stalled once it has read a few frames (160x96 I420: 23 040 bytes each) and sleeps on the next.
    const readBytes = (): number =>
      Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${ffmpeg}/io`, 'utf8'))?.[1]);
    await until('ffmpeg to read three frames', () => readBytes() >= 3 * 23_040);
    cli.child.kill('SIGINT');
    await cli.waitFor(/"event":"stopping"/, 'stderr');
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(130);
    await waitForExit(ffmpeg, 5000);
  });

  it('--encoder-args that make x264 hold more frames than are in flight (a 200-frame lookahead): every frame comes out', async () => {
    const save = join(dir, 'long-lookahead.rrd');
    const run = await runCli(
      [
        '--quiet',
        'capture',
        '--encoder',
        'ffmpeg',
        '--frames',
        '150',
        '--size',
        '160x96',
        '--gop',
        '300',
        '--encoder-args',
        '-tune film -rc-lookahead 200',
        '--save',
        save,
      ],
      { timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readSaved(save).samples).toBe(150);
  });
});

describe('camstream capture: choosing the encoder', () => {
  const bounded = ['--frames', '10', '--size', '160x96', '--preset', 'ultrafast'];
  /** A short capture with `flags` that is not expected to write its file. */
  const boundedRun = (...flags: string[]) =>
    runCli(['--quiet', 'capture', ...bounded, ...flags, '--save', join(dir, 'never.rrd')]);

  it('auto without a system ffmpeg: ffmpeg.wasm, and the run says why', async () => {
    const save = join(dir, 'auto-no-ffmpeg.rrd');
    const run = await runCli([
      'capture',
      ...bounded,
      '--ffmpeg',
      join(dir, 'no-such-ffmpeg'),
      '--save',
      save,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/encoding with ffmpeg\.wasm libx264: no system ffmpeg: /);
    expect(run.stderr).toMatch(/\(batch encoding with ffmpeg\.wasm libx264\)/);
    expect(readSaved(save).samples).toBe(10);
  });

  it('auto with an ffmpeg that has no libx264: ffmpeg.wasm, and the run says why', async () => {
    const save = join(dir, 'auto-no-x264.rrd');
    const run = await runCli(['capture', ...bounded, '--ffmpeg', noX264, '--save', save]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /encoding with ffmpeg\.wasm libx264: the system ffmpeg's libx264 does not work: /,
    );
    expect(readSaved(save).samples).toBe(10);
  });

  it('auto with Debian’s ffmpeg: the system ffmpeg', async () => {
    const save = join(dir, 'auto.rrd');
    const run = await runCli(['capture', ...bounded, '--save', save]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\(batch encoding with system ffmpeg \S+ libx264\)/);
    expect(readSaved(save).samples).toBe(10);
  });

  it('--encoder ffmpeg without a system ffmpeg: exit 1, one line saying what to install', async () => {
    const save = join(dir, 'never.rrd');
    const run = await runCli([
      '--quiet',
      'capture',
      ...bounded,
      '--encoder',
      'ffmpeg',
      '--ffmpeg',
      join(dir, 'no-such-ffmpeg'),
      '--save',
      save,
    ]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /--encoder ffmpeg needs the system's ffmpeg, .*install ffmpeg.*--encoder wasm/,
    );
  });

  it('--encoder ffmpeg with an ffmpeg that has no libx264, and an encoder no ffmpeg has: exit 2 with what works', async () => {
    const save = join(dir, 'never.rrd');
    const noLib = await runCli([
      '--quiet',
      'capture',
      ...bounded,
      '--encoder',
      'ffmpeg',
      '--ffmpeg',
      noX264,
      '--save',
      save,
    ]);
    expect(noLib.code).toBe(2);
    expect(lines(noLib.stderr)).toHaveLength(1);
    expect(noLib.stderr).toMatch(
      /this ffmpeg has no encoder "libx264"; encoders that work here: wasm, .*ffmpeg:libx265/,
    );
    expect(noLib.stderr).not.toMatch(/ffmpeg:libx264/);
    const unknown = await runCli([
      '--quiet',
      'capture',
      ...bounded,
      '--encoder',
      'ffmpeg:no_such_enc',
      '--save',
      save,
    ]);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toHaveLength(1);
    expect(unknown.stderr).toMatch(/encoders that work here: wasm, ffmpeg:libx264\b/);
    const bogus = await runCli(['--quiet', 'capture', ...bounded, '--encoder', 'x264', '--save', save]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/--encoder "x264": expected auto, wasm, ffmpeg or ffmpeg:<encoder>/);
  });

  it('--encoder-args that set what camstream sets itself (-c:v): exit 2, one line naming the flag for it', async () => {
    const run = await boundedRun('--encoder', 'ffmpeg', '--encoder-args', '-c:v libx265');
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/--encoder-args may not give -c:v: .*\(--encoder ffmpeg:NAME\)/);
  });

  it('--encoder ffmpeg:h264_nvenc on a machine without an NVIDIA GPU: exit 1 with ffmpeg’s reason', async () => {
    const run = await boundedRun('--encoder', 'ffmpeg:h264_nvenc');
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/h264_nvenc does not work on this machine \(.+\); see camstream encoders/);
  });
});

describe('camstream capture --codec h265 (libx265 through the system ffmpeg)', () => {
  it('an .rrd whose H.265 core’s parser, an independent reader and ffprobe all accept', async () => {
    const save = join(dir, 'h265.rrd');
    const run = await runCli([
      'capture',
      '--codec',
      'h265',
      '--encoder',
      'ffmpeg',
      '--frames',
      '60',
      '--gop',
      '30',
      '--size',
      '320x240',
      '--preset',
      'ultrafast',
      '--save',
      save,
      '--recording-id',
      'e2e-h265',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\(batch encoding with system ffmpeg \S+ libx265\)/);
    expect(run.stderr).toMatch(/60 frames \(2 keyframes, 0 dropped\) .* bytes of H\.265 by system ffmpeg/);

    // Read without core: the VideoStream says hev1, one sample per frame on the time timeline.
    const video = readRrdVideo(new Uint8Array(readFileSync(save)));
    expect(video.recordingId).toBe('e2e-h265');
    expect(video.codec).toBe(VideoCodec.H265);
    expect(video.samples).toHaveLength(60);
    expect(video.times).toEqual(Array.from({ length: 60 }, (_, i) => (BigInt(i) * 1_000_000_000n) / 30n));

    // Core's parser: VPS, SPS and PPS ahead of an IDR in each keyframe sample (0 and 30), no other IRAP.
    const irapAt = video.samples.flatMap((sample, i) => {
      const types = splitAnnexB(sample).map((nal) => nalUnitType('h265', nal.data[0] as number));
      const irap = types.filter((t) => isH265Irap(t));
      if (irap.length === 0) return [];
      expect(
        irap.every((t) => t === H265NalType.IdrWRadl || t === H265NalType.IdrNLp),
        `sample ${i}`,
      ).toBe(true);
      const before = types.slice(
        0,
        types.findIndex((t) => isH265Vcl(t)),
      );
      expect(before, `sample ${i}`).toEqual(
        expect.arrayContaining([H265NalType.Vps, H265NalType.Sps, H265NalType.Pps]),
      );
      return [i];
    });
    expect(irapAt).toEqual([0, 30]);

    // ffprobe: HEVC Main, every frame, I and P only, no B-frames.
    const report = probe(concatBytes(video.samples), 'hevc');
    expect(report).toMatchObject({
      codec: 'hevc',
      frames: 60,
      keyframes: [0, 30],
      hasBFrames: 0,
      profile: 'Main',
    });
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));

    // camstream inspect reads it as H.265 too.
    const inspect = await runCli(['inspect', save, '--json']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/H265|hev1/);
  });

  it('--serve with H.265 warns that browsers without an HEVC decoder show nothing; ffmpeg.wasm refuses it', async () => {
    const cli = startCli([
      'capture',
      '--codec',
      'h265',
      '--serve',
      '127.0.0.1:0',
      '--size',
      '160x96',
      '--preset',
      'ultrafast',
    ]);
    await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'stdout');
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warning: serving H\.265: browsers without an HEVC decoder .* show no video/,
    );
    const wasm = await runCli([
      '--quiet',
      'capture',
      '--codec',
      'h265',
      '--encoder',
      'wasm',
      '--frames',
      '2',
      '--save',
      join(dir, 'never.rrd'),
    ]);
    expect(wasm.code).toBe(2);
    expect(wasm.stderr).toMatch(/ffmpeg\.wasm cannot encode H\.265; use --encoder ffmpeg/);
  });
});
