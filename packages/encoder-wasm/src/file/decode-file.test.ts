import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameTime, type RawFrame } from '@camstream/core/media';
import { ffmpeg } from '@camstream/test-helpers/ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { decodeFile } from './decode-file.js';
import type { DecodeFileOptions, FileInfo } from './decode-options.js';
import {
  collect,
  isFlooredNanos,
  makeTestsrc,
  nativeDecode,
  pack,
  probeFrames,
  tempDir,
} from './test-media.js';

// Small pictures and few frames: every case starts its own worker and decodes in wasm on a shared 2-core box.
const SIZE = '160x120';
const FRAMES = 24;

let tmp: ReturnType<typeof tempDir>;
/** Files the tests outside the format matrix share (made here, so each test also runs alone). */
let mp4: string;
let mkv: string;
beforeAll(() => {
  tmp = tempDir();
  const o = { size: SIZE, rate: 30, frames: FRAMES };
  mp4 = makeTestsrc(join(tmp.dir, 'shared.mp4'), {
    ...o,
    codecArgs: ['-c:v', 'libx264', '-bf', '2', '-g', '10'],
  });
  mkv = makeTestsrc(join(tmp.dir, 'shared.mkv'), { ...o, codecArgs: ['-c:v', 'libx264', '-bf', '0'] });
});
afterAll(() => tmp?.remove());

async function failureOf(promise: Promise<unknown>): Promise<EncoderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof EncoderError) return error;
  throw new Error(`expected an EncoderError, got ${String(error)}`);
}

/** OS threads of this process (a worker thread is one; it is gone once the worker has exited). */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

interface Case {
  readonly name: string;
  readonly file: string;
  readonly codecArgs: readonly string[];
  readonly options?: DecodeFileOptions;
  /** Input options native ffmpeg/ffprobe need for the same file. */
  readonly inputArgs?: readonly string[];
  /** For inputs without timestamps: the rate frames are timed at (ffprobe has no times for them). */
  readonly cfr?: number;
}

const CASES: readonly Case[] = [
  {
    name: 'mp4 (H.264 with B-frames)',
    file: 'v.mp4',
    codecArgs: ['-c:v', 'libx264', '-bf', '2', '-g', '10'],
  },
  { name: 'mkv (H.264)', file: 'v.mkv', codecArgs: ['-c:v', 'libx264', '-bf', '0'] },
  {
    name: 'webm (VP9)',
    file: 'v.webm',
    codecArgs: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k'],
  },
  { name: 'y4m', file: 'v.y4m', codecArgs: ['-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'] },
  {
    name: 'raw .yuv (yuv420p)',
    file: 'v.yuv',
    codecArgs: ['-pix_fmt', 'yuv420p', '-f', 'rawvideo'],
    options: { size: { width: 160, height: 120 }, pixFmt: 'yuv420p', framerate: 30 },
    inputArgs: ['-f', 'rawvideo', '-pixel_format', 'yuv420p', '-video_size', SIZE, '-framerate', '30'],
  },
  {
    name: 'raw .yuv (nv12, converted to I420)',
    file: 'nv12.yuv',
    codecArgs: ['-pix_fmt', 'nv12', '-f', 'rawvideo'],
    options: { size: { width: 160, height: 120 }, pixFmt: 'nv12', framerate: { num: 30000, den: 1001 } },
    inputArgs: ['-f', 'rawvideo', '-pixel_format', 'nv12', '-video_size', SIZE, '-framerate', '30000/1001'],
  },
  {
    name: 'Annex B .h264 (with B-frames)',
    file: 'v.h264',
    codecArgs: ['-c:v', 'libx264', '-bf', '3', '-f', 'h264'],
    options: { framerate: 30 },
    cfr: 30,
  },
  {
    name: 'Annex B .h265',
    file: 'v.h265',
    codecArgs: ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-f', 'hevc'],
    cfr: 25,
  },
];

describe('decodeFile', () => {
  it.each(CASES)(
    '$name: every frame, the source timestamps, pixels identical to native ffmpeg',
    async (c) => {
      const path = makeTestsrc(join(tmp.dir, c.file), {
        size: SIZE,
        rate: 30,
        frames: FRAMES,
        codecArgs: c.codecArgs,
      });
      const infos: FileInfo[] = [];
      const frames = await collect(decodeFile(path, { ...c.options, onInfo: (i) => infos.push(i) }));
      expect(frames).toHaveLength(FRAMES);
      expect(frames.map((f) => f.index)).toEqual([...Array(FRAMES).keys()]);
      for (const f of frames) expect(f).toMatchObject({ format: 'I420', width: 160, height: 120 });
      if (c.cfr === undefined) {
        const probed = probeFrames(path, c.inputArgs);
        expect(probed).toHaveLength(FRAMES);
        const wrong = frames.filter((f, i) => !isFlooredNanos(f.pts, probed[i] as (typeof probed)[number]));
        expect(wrong.map((f) => [f.index, f.pts])).toEqual([]);
      } else {
        // ffprobe has no times for a bare bitstream: frames are timed at the given (or ffmpeg's default 25) rate.
        expect(frames.map((f) => f.pts)).toEqual(frames.map((_, i) => frameTime(i, c.cfr as number)));
      }
      expect(pack(frames)).toEqual(nativeDecode(path, tmp.dir, c.inputArgs));
      expect(infos).toHaveLength(1);
      expect(infos[0]).toMatchObject({ sourceWidth: 160, sourceHeight: 120 });
    },
    60_000,
  );

  it.each([
    ['mkv', 'vfr.mkv', []],
    ['mp4', 'vfr.mp4', ['-video_track_timescale', '90000']],
  ] as const)(
    'keeps a variable frame rate (%s): PTS equal ffprobe’s for every frame',
    async (_, file, muxArgs) => {
      // 10 frames at 30 fps, then 10 at 10 fps, then 10 at 60 fps: three frame durations in one file (all
      // multiples of the 1/60 s the source is made at, so no muxer rounding blurs them).
      const path = makeTestsrc(join(tmp.dir, file), {
        size: SIZE,
        rate: 60,
        frames: 30,
        // In ticks of the source's 1/60 s time base: integers, no floating-point rounding.
        filter: "setpts='if(lt(N,10),2*N,if(lt(N,20),20+6*(N-10),80+(N-20)))'",
        codecArgs: ['-fps_mode', 'vfr', '-c:v', 'libx264', '-bf', '0', ...muxArgs],
      });
      const probed = probeFrames(path);
      // ffprobe confirms the file really is variable-rate: steps of 2, 6 and 1 sixtieths of a second.
      const steps = probed.slice(1).map((p, i) => Math.round((p.seconds - (probed[i]?.seconds ?? 0)) * 60));
      expect(new Set(steps)).toEqual(new Set([1, 2, 6]));
      const frames = await collect(decodeFile(path));
      expect(frames).toHaveLength(30);
      const wrong = frames.filter((f, i) => !isFlooredNanos(f.pts, probed[i] as (typeof probed)[number]));
      expect(wrong.map((f) => [f.index, f.pts])).toEqual([]);
    },
    60_000,
  );

  it('scales to width × height when asked, keeping every frame and its time', async () => {
    const path = mkv;
    const frames = await collect(decodeFile(path, { width: 96, height: 64 }));
    expect(frames).toHaveLength(FRAMES);
    for (const f of frames) expect(f).toMatchObject({ width: 96, height: 64 });
    expect(frames.every((f) => f.data.length === 96 * 64 * 1.5)).toBe(true);
    const probed = probeFrames(path);
    expect(frames.every((f, i) => isFlooredNanos(f.pts, probed[i] as (typeof probed)[number]))).toBe(true);
  }, 60_000);

  it('reports what the container says before the first frame', async () => {
    const path = mp4;
    const seen: string[] = [];
    let info: FileInfo | undefined;
    for await (const frame of decodeFile(path, {
      onInfo: (i) => {
        info = i;
        seen.push('info');
      },
    })) {
      seen.push(`frame ${frame.index}`);
    }
    expect(seen[0]).toBe('info');
    expect(info).toEqual({
      codec: 'h264',
      sourceWidth: 160,
      sourceHeight: 120,
      fps: { num: 30, den: 1 },
      durationNs: 800_000_000n,
      framesEstimate: FRAMES,
    });
  }, 60_000);
});

describe('decodeFile errors', () => {
  it('a missing file: file-not-found; a folder: file-unreadable (no worker started)', async () => {
    const missing = await failureOf(collect(decodeFile(join(tmp.dir, 'nope.mp4'))));
    expect(missing.code).toBe('file-not-found');
    expect(missing.message).toContain('nope.mp4');
    expect((await failureOf(collect(decodeFile(tmp.dir)))).code).toBe('file-unreadable');
  });

  it('raw video: size and pixFmt required, unknown formats named, a file size that is not whole frames refused', async () => {
    const path = join(tmp.dir, 'odd.yuv');
    writeFileSync(path, new Uint8Array(160 * 120 * 1.5 * 2 + 7));
    expect((await failureOf(collect(decodeFile(path)))).message).toMatch(/size.*pixFmt/);
    const unknown = await failureOf(
      collect(decodeFile(path, { size: { width: 160, height: 120 }, pixFmt: 'yuv9000' })),
    );
    expect(unknown.code).toBe('unsupported-format');
    const wrong = await failureOf(
      collect(decodeFile(path, { size: { width: 160, height: 120 }, pixFmt: 'yuv420p' })),
    );
    expect(wrong.code).toBe('invalid-raw-size');
    expect(wrong.message).toMatch(
      /57607 bytes, not a whole number of 28800-byte frames \(2 frames and 7 bytes over\)/,
    );
  });

  it('a file that is not video at all: corrupt-input with ffmpeg’s exit code and log tail', async () => {
    const path = join(tmp.dir, 'junk.mp4');
    writeFileSync(
      path,
      new Uint8Array(4096).map((_, i) => (i * 131) & 0xff),
    );
    const error = await failureOf(collect(decodeFile(path)));
    expect(error.code).toBe('corrupt-input');
    expect(error.exitCode).not.toBe(0);
    expect(error.logTail.join('\n')).toMatch(/Invalid data found when processing input/);
    // The user's path, not the worker's mount point.
    expect(error.message).toContain(path);
  }, 60_000);

  it('an mp4 cut before its index (moov): corrupt-input, no frame', async () => {
    const whole = readFileSync(mp4);
    const path = join(tmp.dir, 'cut.mp4');
    writeFileSync(path, whole.subarray(0, whole.length >> 1));
    const frames: RawFrame[] = [];
    const error = await failureOf(
      (async () => {
        for await (const f of decodeFile(path)) frames.push(f);
      })(),
    );
    expect(error.code).toBe('corrupt-input');
    expect(error.logTail.join('\n')).toMatch(/moov atom not found/);
    expect(frames).toEqual([]);
  }, 60_000);

  it('a truncated mkv: the frames before the cut, then corrupt-input (strict); strict: false accepts them', async () => {
    const whole = readFileSync(mkv);
    const path = join(tmp.dir, 'cut.mkv');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const frames: RawFrame[] = [];
    const error = await failureOf(
      (async () => {
        for await (const f of decodeFile(path)) frames.push(f);
      })(),
    );
    expect(error.code).toBe('corrupt-input');
    expect(error.message).toMatch(/damaged/);
    expect(error.logTail.join('\n')).toMatch(/File ended prematurely/);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(FRAMES);
    const lenient = await collect(decodeFile(path, { strict: false }));
    expect(lenient).toHaveLength(frames.length);
  }, 60_000);

  it('a file with no video stream: no-video-stream', async () => {
    const path = join(tmp.dir, 'audio.m4a');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.5', path]);
    const error = await failureOf(collect(decodeFile(path)));
    expect(error.code).toBe('no-video-stream');
    expect(error.message).toContain('audio.m4a has no video stream');
  }, 60_000);
});

describe('decodeFile stopping', () => {
  it('abort mid-file: the iteration throws aborted and no worker thread is left', async () => {
    const path = mkv;
    await collect(decodeFile(path)); // the process's own helper threads exist after a first run
    const before = threadCount();
    const controller = new AbortController();
    const frames: RawFrame[] = [];
    const error = await failureOf(
      (async () => {
        for await (const f of decodeFile(path, { signal: controller.signal, maxFramesAhead: 1 })) {
          frames.push(f);
          if (frames.length === 3) {
            // The worker is alive now, blocked until this frame is taken or decoding the next.
            expect(threadCount()).toBeGreaterThan(before);
            controller.abort();
          }
        }
      })(),
    );
    expect(error.code).toBe('aborted');
    expect(frames).toHaveLength(3);
    expect(threadCount()).toBe(before);
  }, 60_000);

  it('breaking out of the loop stops the worker too', async () => {
    const path = mkv;
    const before = threadCount();
    for await (const f of decodeFile(path, { maxFramesAhead: 1 })) if (f.index === 1) break;
    expect(threadCount()).toBe(before);
  }, 60_000);

  it('an already aborted signal throws at once', async () => {
    const error = await failureOf(collect(decodeFile(mkv, { signal: AbortSignal.abort() })));
    expect(error.code).toBe('aborted');
  });
});
