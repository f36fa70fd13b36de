import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EncodedSample,
  type PixelFormat,
  type RawFrame,
  resolveH264Options,
  x264EncodeArgs,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe, psnr } from '@camstream/test-helpers/oracle';
import { hangingFfmpeg, waitForExit } from '@camstream/test-helpers/processes';
import { until } from '@camstream/test-helpers/until';
import { describe, expect, it } from 'vitest';
import { FfmpegEncoderError } from './errors.js';
import {
  FFMPEG_BATCH_DEPTH,
  FFMPEG_STARTUP_QUEUE,
  FfmpegEncoder,
  type FfmpegEncoderOptions,
} from './ffmpeg-encoder.js';
import { movingFrame, parentOfFfmpeg } from './test-frames.test-util.js';

const SIZE = { width: 160, height: 120, fpsNum: 30 } as const;

/** Encodes `frames` with `wait` (nothing dropped) and collects every sample. */
async function encodeAll(
  frames: readonly RawFrame[],
  options: Partial<FfmpegEncoderOptions> = {},
  beforeFrame?: (encoder: FfmpegEncoder, index: number) => void,
): Promise<{ samples: EncodedSample[]; encoder: FfmpegEncoder }> {
  const encoder = await FfmpegEncoder.open({ ...SIZE, whenFull: 'wait', ...options });
  const collected = (async () => {
    const out: EncodedSample[] = [];
    for await (const sample of encoder.samples()) out.push(sample);
    return out;
  })();
  // A failure also surfaces from encode() or close(), which this rejects with.
  collected.catch(() => {});
  for (const [i, frame] of frames.entries()) {
    beforeFrame?.(encoder, i);
    await encoder.encode(frame);
  }
  await encoder.close();
  return { samples: await collected, encoder };
}

/** The system ffmpeg run by hand with core's arguments on the same frames, from a file to a file. */
function ffmpegByHand(frames: readonly RawFrame[], options: FfmpegEncoderOptions): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'camstream-encoder-ffmpeg-'));
  try {
    writeFileSync(join(dir, 'in.raw'), concatBytes(frames.map((f) => f.data)));
    const args = x264EncodeArgs(resolveH264Options(options), join(dir, 'in.raw'), join(dir, 'out.h264'));
    // -threads is an output option: it goes before the output's format.
    if (options.threads !== undefined) args.splice(args.length - 3, 0, '-threads', String(options.threads));
    execFileSync('ffmpeg', ['-y', ...args]);
    return execFileSync('cat', [join(dir, 'out.h264')], { maxBuffer: 64 << 20 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('FfmpegEncoder', () => {
  it('makes one sample per frame, I/P only, an IDR every gop, no B-frames, each with its frame’s PTS', async () => {
    const frames = Array.from({ length: 45 }, (_, i) => movingFrame(i));
    const { samples, encoder } = await encodeAll(frames, { gop: 15 });
    expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    expect(samples.map((s) => s.index)).toEqual(frames.map((_, i) => i));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 15, 30]);
    expect(samples[0]?.codecString).toMatch(/^avc1\.[0-9A-F]{6}$/);
    const report = probe(concatBytes(samples.map((s) => s.data)));
    expect(report.frames).toBe(45);
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
    expect(report.keyframes).toEqual([0, 15, 30]);
    expect(report.hasBFrames).toBe(0);
    expect(encoder.stats()).toMatchObject({
      framesIn: 45,
      framesWritten: 45,
      samplesOut: 45,
      framesDropped: 0,
    });
  });

  for (const format of ['I420', 'NV12', 'RGBA'] as PixelFormat[]) {
    it(`writes the bytes ffmpeg writes by hand with the same arguments (${format})`, async () => {
      const frames = Array.from({ length: 12 }, (_, i) => movingFrame(i, 160, 120, format));
      const options = { ...SIZE, pixelFormat: format, gop: 5, crf: 28 };
      const { samples } = await encodeAll(frames, options);
      expect(Buffer.from(concatBytes(samples.map((s) => s.data))).equals(ffmpegByHand(frames, options))).toBe(
        true,
      );
    });
  }

  it('batch mode (2 threads) writes the bytes ffmpeg writes by hand with -threads 2, cut into one sample per frame', async () => {
    const frames = Array.from({ length: 40 }, (_, i) => movingFrame(i, 320, 240));
    const options = { ...SIZE, width: 320, height: 240, gop: 10, threads: 2, mode: 'batch' as const };
    const { samples, encoder } = await encodeAll(frames, options);
    expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 10, 20, 30]);
    expect(Buffer.from(concatBytes(samples.map((s) => s.data))).equals(ffmpegByHand(frames, options))).toBe(
      true,
    );
    expect(encoder.stats().framesDropped).toBe(0);
  });

  it('a tune with lookahead (psnr) holds frames back, and every sample still comes out in order', async () => {
    const frames = Array.from({ length: 30 }, (_, i) => movingFrame(i));
    const { samples } = await encodeAll(frames, { tune: 'psnr', gop: 15 });
    expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 15]);
  });

  it('encoderArgs that bring a lookahead back (-tune film) still give every frame, in live and batch mode', async () => {
    const frames = Array.from({ length: 20 }, (_, i) => movingFrame(i));
    for (const mode of ['live', 'batch'] as const) {
      const { samples } = await encodeAll(frames, { mode, encoderArgs: ['-tune', 'film'] });
      expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    }
  });

  it('with wait, an encoder that holds more frames than framesInFlight still gets them, at its pipe’s pace', async () => {
    // x264 with a lookahead holds several frames before its first sample; one frame in flight would wait for a
    // sample that never comes.
    const frames = Array.from({ length: 40 }, (_, i) => movingFrame(i));
    for (const mode of ['live', 'batch'] as const) {
      const { samples } = await encodeAll(frames, { mode, tune: 'psnr', framesInFlight: 1 });
      expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    }
  });

  it('with wait, encoderArgs keep the usual frames in flight: the pipe paces them, a stop flushes few', async () => {
    // The source outruns x264 at veryslow: what is in flight is what the bound lets through.
    const frames = Array.from({ length: 60 }, (_, i) => movingFrame(i, 320, 240));
    let most = 0;
    const { samples } = await encodeAll(
      frames,
      { width: 320, height: 240, mode: 'batch', preset: 'veryslow', encoderArgs: ['-rc-lookahead', '0'] },
      (encoder) => {
        const { framesWritten, samplesOut } = encoder.stats();
        most = Math.max(most, framesWritten - samplesOut);
      },
    );
    expect(samples).toHaveLength(60);
    expect(most).toBeLessThanOrEqual(FFMPEG_BATCH_DEPTH + 4);
  });

  it('with drop-oldest, encoderArgs that bring a lookahead back still give every frame of a paced source', async () => {
    const encoder = await FfmpegEncoder.open({ ...SIZE, encoderArgs: ['-tune', 'film'] });
    const collected = (async () => {
      const out: EncodedSample[] = [];
      for await (const s of encoder.samples()) out.push(s);
      return out;
    })();
    const frames = Array.from({ length: 40 }, (_, i) => movingFrame(i));
    for (const frame of frames) {
      encoder.encode(frame);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await encoder.close();
    expect((await collected).map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    expect(encoder.stats().framesDropped).toBe(0);
  });

  it('close() writes the frames still waiting even when the encoder holds more than framesInFlight', async () => {
    // x264 with a lookahead holds several frames before its first sample: with one frame in flight nothing comes
    // out, and the frames after it wait in the queue until close().
    const encoder = await FfmpegEncoder.open({ ...SIZE, tune: 'psnr', framesInFlight: 1, whenFull: 'wait' });
    const collected = (async () => {
      const out: EncodedSample[] = [];
      for await (const s of encoder.samples()) out.push(s);
      return out;
    })();
    const frames = Array.from({ length: 12 }, (_, i) => movingFrame(i));
    const waits = frames.map((frame) => encoder.encode(frame));
    await encoder.close();
    await Promise.all(waits);
    expect((await collected).map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
  });

  it('refuses an encoder whose codec is not the codec asked for', async () => {
    const error = await failureOf(() => FfmpegEncoder.open({ ...SIZE, encoder: 'hevc_nvenc' }));
    expect(error).toMatchObject({ code: 'invalid-options' });
    expect((error as Error).message).toMatch(/hevc_nvenc makes H\.265; set codec: 'h265'/);
  });

  // Lowest PSNR accepted per preset, at x264's default crf 23, for 30 frames of the moving gradient at 320x240:
  // measured with Debian's ffmpeg 5.1 (x264 164) at 51.2 (ultrafast), 47.9 (veryfast), 49.7 dB (medium), live
  // and with 2 threads alike; the floors leave 3 dB for other x264 builds.
  const PSNR_FLOOR_DB = { ultrafast: 48, veryfast: 45, medium: 46 } as const;
  for (const [preset, floor] of Object.entries(PSNR_FLOOR_DB)) {
    for (const batch of [false, true]) {
      it(`${preset}${batch ? ', batch mode, 2 threads' : ''}: ffprobe sees every frame as I/P, PSNR above ${floor} dB`, async () => {
        const frames = Array.from({ length: 30 }, (_, i) => movingFrame(i, 320, 240));
        const { samples } = await encodeAll(frames, {
          ...SIZE,
          width: 320,
          height: 240,
          preset: preset as keyof typeof PSNR_FLOOR_DB,
          gop: 10,
          ...(batch && { threads: 2, mode: 'batch' as const }),
        });
        const stream = concatBytes(samples.map((s) => s.data));
        const report = probe(stream);
        expect(report).toMatchObject({ frames: 30, keyframes: [0, 10, 20], hasBFrames: 0 });
        expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
        expect(psnr(stream, frames)).toBeGreaterThan(floor);
      });
    }
  }

  it('batch mode: requestKeyframe() starts a new run whose first frame is an IDR; every frame comes out', async () => {
    const frames = Array.from({ length: 20 }, (_, i) => movingFrame(i));
    const { samples, encoder } = await encodeAll(frames, { gop: 100, mode: 'batch' }, (e, i) => {
      if (i === 9) e.requestKeyframe();
    });
    expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 9]);
    expect(encoder.stats().keyframeRestarts).toBe(1);
    expect(probe(concatBytes(samples.map((s) => s.data)))).toMatchObject({ frames: 20, keyframes: [0, 9] });
  });

  it('close() before any frame: samples() ends empty and ffmpeg exits', async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const pid = encoder.pid as number;
    const samples: EncodedSample[] = [];
    const collecting = (async () => {
      for await (const sample of encoder.samples()) samples.push(sample);
    })();
    await encoder.close();
    await collecting;
    expect(samples).toEqual([]);
    await waitForExit(pid);
  });

  it('encoderArgs reach ffmpeg after camstream’s own (here they override the profile)', async () => {
    const frames = Array.from({ length: 3 }, (_, i) => movingFrame(i));
    const high = await encodeAll(frames, { profile: 'high' });
    const overridden = await encodeAll(frames, { profile: 'high', encoderArgs: ['-profile:v', 'baseline'] });
    expect(high.samples[0]?.codecString).toMatch(/^avc1\.64/);
    expect(overridden.samples[0]?.codecString).toMatch(/^avc1\.42/);
  });

  it("delivers each frame's sample before the next frame is given (no frame of delay)", async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const samples = encoder.samples()[Symbol.asyncIterator]();
    for (let i = 0; i < 8; i++) {
      encoder.encode(movingFrame(i));
      const next = await samples.next();
      expect(next.done).toBe(false);
      expect((next.value as EncodedSample).pts).toBe(movingFrame(i).pts);
    }
    await encoder.close();
    expect((await samples.next()).done).toBe(true);
  });

  it('requestKeyframe() makes the next frame an IDR with SPS and PPS, through a new ffmpeg', async () => {
    const frames = Array.from({ length: 12 }, (_, i) => movingFrame(i));
    let firstPid: number | undefined;
    const { samples, encoder } = await encodeAll(frames, { gop: 100 }, (e, i) => {
      if (i === 0) firstPid = e.pid;
      if (i === 7) e.requestKeyframe();
    });
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 7]);
    expect(encoder.stats().keyframeRestarts).toBe(1);
    const report = probe(concatBytes(samples.map((s) => s.data)));
    expect(report.frames).toBe(12);
    expect(report.keyframes).toEqual([0, 7]);
    // The restart left no ffmpeg behind.
    await waitForExit(firstPid as number);
  });

  it('drops the oldest waiting frame when the queue is full (drop-oldest)', async () => {
    const dropped: number[] = [];
    const encoder = await FfmpegEncoder.open({
      ...SIZE,
      maxQueuedFrames: 1,
      onDrop: (f) => dropped.push(f.index),
    });
    const collected = (async () => {
      const out: EncodedSample[] = [];
      for await (const s of encoder.samples()) out.push(s);
      return out;
    })();
    // Once ffmpeg runs (its first sample is out), a burst: 2 go to ffmpeg, 1 waits, the rest push the oldest
    // waiting one out.
    encoder.encode(movingFrame(0));
    await until('the first sample', () => encoder.stats().samplesOut === 1);
    for (let i = 1; i < 10; i++) encoder.encode(movingFrame(i));
    await encoder.close();
    const samples = await collected;
    expect(dropped.length).toBeGreaterThan(0);
    expect(encoder.stats()).toMatchObject({ framesIn: 10, framesDropped: dropped.length });
    expect(samples.length + dropped.length).toBe(10);
    expect(samples.map((s) => s.pts)).toEqual(
      Array.from({ length: 10 }, (_, i) => i)
        .filter((i) => !dropped.includes(i))
        .map((i) => movingFrame(i).pts),
    );
  });

  it('drops nothing while ffmpeg starts: frames before its first sample wait (up to FFMPEG_STARTUP_QUEUE)', async () => {
    const encoder = await FfmpegEncoder.open({ ...SIZE, maxQueuedFrames: 1 });
    const collected = (async () => {
      const out: EncodedSample[] = [];
      for await (const s of encoder.samples()) out.push(s);
      return out;
    })();
    // Given at once, before ffmpeg can have encoded any: beyond 2 in flight + 1 queued, yet none dropped.
    for (let i = 0; i < FFMPEG_STARTUP_QUEUE; i++) encoder.encode(movingFrame(i));
    await encoder.close();
    expect((await collected).length).toBe(FFMPEG_STARTUP_QUEUE);
    expect(encoder.stats().framesDropped).toBe(0);
  });

  it('frames that queued while ffmpeg started drain without a drop, even after the first sample is out', async () => {
    const encoder = await FfmpegEncoder.open({ ...SIZE, maxQueuedFrames: 1 });
    let next = 0;
    for (; next < 20; next++) encoder.encode(movingFrame(next));
    const out: EncodedSample[] = [];
    for await (const s of encoder.samples()) {
      out.push(s);
      // Given as soon as a sample comes out, while most of the start's frames still wait.
      if (next < 30) {
        encoder.encode(movingFrame(next++));
        if (next === 30) void encoder.close();
      }
    }
    expect(encoder.stats().framesDropped).toBe(0);
    expect(out.map((s) => s.pts)).toEqual(Array.from({ length: 30 }, (_, i) => movingFrame(i).pts));
  });

  // Frames bigger than a pipe's buffer: a write holds on to its frame until ffmpeg has read all of it.
  const BIG = { width: 640, height: 480, fpsNum: 30 } as const;
  const bigFrames = Array.from({ length: 40 }, (_, i) => movingFrame(i, BIG.width, BIG.height));
  const batch = { ...BIG, mode: 'batch', threads: 2, preset: 'ultrafast' } as const;
  // A digest: a failed comparison of megabytes would spend minutes printing their difference.
  const digest = (samples: readonly EncodedSample[]): string =>
    createHash('sha256')
      .update(concatBytes(samples.map((s) => s.data)))
      .digest('hex');

  it('copies each frame in encode(): a source may render every frame into one buffer', async () => {
    const fresh = digest((await encodeAll(bigFrames, batch)).samples);
    const shared = new Uint8Array(bigFrames[0]?.data.length ?? 0);
    const reused = bigFrames.map((f) => ({ ...f, data: shared }));
    const fromOne = await encodeAll(reused, batch, (_, i) => shared.set((bigFrames[i] as RawFrame).data));
    expect(digest(fromOne.samples)).toBe(fresh);
  }, 60_000);

  it('with releaseFrame, frames are not copied and each is given back once, after ffmpeg took it', async () => {
    const fresh = digest((await encodeAll(bigFrames, batch)).samples);
    const spare: Uint8Array[] = [];
    const released: RawFrame[] = [];
    let allocated = 0;
    const frames = bigFrames.map((f) => ({ ...f }));
    const fromPool = await encodeAll(
      frames,
      {
        ...batch,
        releaseFrame: (frame) => {
          released.push(frame);
          spare.push(frame.data);
        },
      },
      (_, i) => {
        // The buffer a source would fill next: one given back, else a new one.
        let data = spare.pop();
        if (data === undefined) {
          allocated++;
          data = new Uint8Array((bigFrames[i] as RawFrame).data.length);
        }
        data.set((bigFrames[i] as RawFrame).data);
        (frames[i] as { data: Uint8Array }).data = data;
      },
    );
    expect(digest(fromPool.samples)).toBe(fresh);
    expect(released).toHaveLength(frames.length);
    expect(new Set(released).size).toBe(frames.length);
    expect(released.every((frame, i) => frame === frames[i])).toBe(true);
    // With `wait`, ffmpeg starting is no reason to run ahead: the source holds about the frames in flight and
    // the queue (15 measured), not a start's allowance on top (39 measured).
    expect(allocated).toBeLessThan(FFMPEG_STARTUP_QUEUE);
  }, 60_000);

  it('refuses a frame of the wrong size with invalid-frame, and encode() after close() with encoder-closed', async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const wrong = movingFrame(0, 320, 240);
    const error = await failureOf(() => encoder.encode(wrong));
    expect(error).toBeInstanceOf(FfmpegEncoderError);
    expect((error as FfmpegEncoderError).code).toBe('invalid-frame');
    await encoder.close();
    expect(((await failureOf(() => encoder.encode(movingFrame(0)))) as FfmpegEncoderError).code).toBe(
      'encoder-closed',
    );
  });

  it('runs ffmpeg in a process group of its own, so a terminal’s Ctrl-C is the caller’s to handle', async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const group = (pid: number | string) =>
      readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2];
    expect(group(encoder.pid as number)).toBe(String(encoder.pid));
    expect(group('self')).not.toBe(String(encoder.pid));
    await encoder.close();
  });

  it('abort() kills ffmpeg: samples() throws aborted, the process is gone', async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const pid = encoder.pid as number;
    encoder.encode(movingFrame(0));
    encoder.abort('stop');
    const error = await failureOf(async () => {
      for await (const _ of encoder.samples());
    });
    expect((error as FfmpegEncoderError).code).toBe('aborted');
    expect(((await failureOf(() => encoder.close())) as FfmpegEncoderError).code).toBe('aborted');
    await waitForExit(pid);
  });

  it('ffmpeg killed mid-stream: the samples so far come out, then encoder-failed with its exit code', async () => {
    const encoder = await FfmpegEncoder.open(SIZE);
    const samples = encoder.samples()[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i++) {
      encoder.encode(movingFrame(i));
      expect((await samples.next()).done).toBe(false);
    }
    process.kill(encoder.pid as number, 'SIGKILL');
    const error = (await failureOf(() => samples.next())) as FfmpegEncoderError;
    expect(error.code).toBe('encoder-failed');
    expect(error.exitCode).toBe(137);
    expect(error.message).toContain('SIGKILL');
    expect(encoder.stats().samplesOut).toBe(5);
  });

  it('an encoder ffmpeg does not have: encoder-failed with ffmpeg’s exit code and its log', async () => {
    const encoder = await FfmpegEncoder.open({ ...SIZE, encoder: 'no-such-encoder' });
    const error = (await failureOf(() => encoder.close())) as FfmpegEncoderError;
    expect(error.code).toBe('encoder-failed');
    expect(error.exitCode).not.toBe(0);
    expect(error.logTail.join('\n')).toMatch(/no-such-encoder/);
    // One line: how it ended, and the line of its log that names the cause.
    expect(error.message).toMatch(/^ffmpeg exited with code \d+: .*no-such-encoder[^\n]*$/);
  });

  it('encoderArgs that turn B-frames on: encoder-failed saying so, in product words', async () => {
    const frames = Array.from({ length: 30 }, (_, i) => movingFrame(i));
    const error = await failureOf(() => encodeAll(frames, { encoderArgs: ['-tune', 'film', '-bf', '2'] }));
    expect(error).toMatchObject({
      code: 'encoder-failed',
      message: expect.stringMatching(
        /^ffmpeg wrote B-frames, which Rerun’s VideoStream cannot play .*-bf 0\)$/,
      ),
    });
  });

  it('an encoder of another codec (mpeg4): encoder-failed that says it may not write H.264', async () => {
    const error = await failureOf(() => encodeAll([movingFrame(0), movingFrame(1)], { encoder: 'mpeg4' }));
    expect(error).toMatchObject({
      code: 'encoder-failed',
      message: expect.stringContaining('mpeg4 may not write H.264'),
    });
  });

  it('ffmpegPath pointing nowhere: open() rejects with ffmpeg-not-found', async () => {
    const error = await failureOf(() => FfmpegEncoder.open({ ...SIZE, ffmpegPath: '/nonexistent/ffmpeg' }));
    expect((error as FfmpegEncoderError).code).toBe('ffmpeg-not-found');
  });

  it('invalid options are refused with invalid-options before ffmpeg starts', async () => {
    for (const bad of [
      { framesInFlight: 0 },
      { threads: 1.5 },
      { maxQueuedFrames: -1 },
      { encoderArgs: ['-crf', '20', '-c:v', 'libx265'] },
      { encoderArgs: ['-f', 'null'] },
      { encoderArgs: ['-c:0', 'libx265'] },
      { encoderArgs: ['-crf', '20', 'second-output.h264'] },
      { finishTimeoutMs: 0 },
      { ffmpegPath: '' },
      { encoder: '' },
      { encoder: 'lib x264' },
      { encoderArgs: '-crf 20' as unknown as string[] },
      { threads: 129 },
    ]) {
      const error = await failureOf(() => FfmpegEncoder.open({ ...SIZE, ...bad }));
      expect(error).toMatchObject({ code: 'invalid-options' });
    }
    const error = await failureOf(() => FfmpegEncoder.open({ ...SIZE, width: 161 }));
    expect(error).toBeInstanceOf(FfmpegEncoderError);
    expect((error as FfmpegEncoderError).code).toBe('invalid-options');
  });

  it('an ffmpeg that stalls while finishing (a wrapper whose child never reads) is killed: close() rejects', async () => {
    const hanging = hangingFfmpeg();
    const encoder = await FfmpegEncoder.open({ ...SIZE, ffmpegPath: hanging.path, finishTimeoutMs: 300 });
    for (let i = 0; i < 3; i++) encoder.encode(movingFrame(i));
    const child = await hanging.childPid();
    const error = (await failureOf(() => encoder.close())) as FfmpegEncoderError;
    expect(error.code).toBe('encoder-failed');
    expect(error.message).toBe('ffmpeg was killed (SIGKILL): it wrote nothing for 300 ms while finishing');
    await waitForExit(child);
  });

  it('no ffmpeg outlives a parent that exits (process.exit) while ffmpeg stalls', async () => {
    const hanging = hangingFfmpeg();
    const { parent } = await parentOfFfmpeg({ exitWith: hanging.path });
    const child = await hanging.childPid();
    parent.stdin?.write('exit\n');
    await new Promise((resolve) => parent.once('exit', resolve));
    await waitForExit(child);
  }, 20_000);

  it('no ffmpeg outlives a parent killed with SIGKILL', async () => {
    const { parent, pid } = await parentOfFfmpeg();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 0); // ffmpeg runs
    parent.kill('SIGKILL');
    await waitForExit(pid);
  }, 20_000);
});
