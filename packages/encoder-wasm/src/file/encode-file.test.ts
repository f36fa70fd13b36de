import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedSample, RawFrame } from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { ffmpeg } from '@camstream/test-helpers/ffmpeg';
import { probe, psnr } from '@camstream/test-helpers/oracle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderPool } from '../batch/encoder-pool.js';
import { EncoderError } from '../errors.js';
import { decodeFile } from './decode-file.js';
import { type EncodeFileProgress, encodeFile } from './encode-file.js';
import { collect, isFlooredNanos, makeTestsrc, probeFrames, tempDir } from './test-media.js';

/** PSNR floor against the source (x264 `veryfast`, default CRF 23, on testsrc2 at 160x120 gives ~40 dB). */
const PSNR_FLOOR = 35;

let tmp: ReturnType<typeof tempDir>;
let pool: EncoderPool;
let vfr: string;
beforeAll(async () => {
  tmp = tempDir();
  pool = await EncoderPool.open({ threads: 2 });
  // 45 frames, variable rate (15 at 30 fps, 15 at 10 fps, 15 at 60 fps), with B-frames in the source.
  vfr = makeTestsrc(join(tmp.dir, 'vfr.mp4'), {
    size: '160x120',
    rate: 60,
    frames: 45,
    filter: "setpts='if(lt(N,15),2*N,if(lt(N,30),30+6*(N-15),120+(N-30)))'",
    codecArgs: ['-fps_mode', 'vfr', '-c:v', 'libx264', '-bf', '2', '-video_track_timescale', '600'],
  });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  tmp?.remove();
});

/** The source's frames as Debian's ffmpeg decodes them (the PSNR reference). */
function nativeFrames(path: string, width: number, height: number): RawFrame[] {
  const out = join(tmp.dir, 'ref.yuv');
  ffmpeg(['-i', path, '-fps_mode', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', out]);
  const bytes = new Uint8Array(readFileSync(out));
  const size = (width * height * 3) / 2;
  return Array.from({ length: bytes.length / size }, (_, index) => ({
    format: 'I420' as const,
    width,
    height,
    data: bytes.subarray(index * size, (index + 1) * size),
    pts: 0n,
    index,
  }));
}

async function failureOf(promise: Promise<unknown>): Promise<EncoderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof EncoderError) return error;
  throw new Error(`expected an EncoderError, got ${String(error)}`);
}

describe('encodeFile', () => {
  it('encodes a variable-rate mp4: every frame, I/P only, IDR exactly every gop, source PTS, PSNR above the floor', async () => {
    const samples = await collect(encodeFile(vfr, { pool, gop: 10, preset: 'veryfast' }));
    const probed = probeFrames(vfr);
    expect(samples).toHaveLength(45);
    // Samples keep the source's own (variable) timestamps.
    const wrong = samples.filter((s, i) => !isFlooredNanos(s.pts, probed[i] as (typeof probed)[number]));
    expect(wrong.map((s) => [s.index, s.pts])).toEqual([]);
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 10, 20, 30, 40]);
    const stream = concatBytes(samples.map((s) => s.data));
    const report = probe(stream);
    expect(report.frames).toBe(45);
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
    expect(report.keyframes).toEqual([0, 10, 20, 30, 40]);
    expect(report.hasBFrames).toBe(0);
    expect(psnr(stream, nativeFrames(vfr, 160, 120))).toBeGreaterThan(PSNR_FLOOR);
  }, 120_000);

  it('reports progress per segment against the total the container states', async () => {
    const path = makeTestsrc(join(tmp.dir, 'cfr.mkv'), {
      size: '160x120',
      rate: 25,
      frames: 50,
      codecArgs: ['-c:v', 'libx264', '-bf', '0'],
    });
    const progress: EncodeFileProgress[] = [];
    const samples = await collect(
      encodeFile(path, { pool, gop: 25, preset: 'ultrafast', onProgress: (p) => progress.push(p) }),
    );
    expect(samples).toHaveLength(50);
    expect(progress).toEqual([
      { framesDone: 25, framesTotal: 50, segmentsDone: 1 },
      { framesDone: 50, framesTotal: 50, segmentsDone: 2 },
    ]);
  }, 120_000);

  it('scales to width × height (needed for an odd-sized source, which it names otherwise)', async () => {
    const odd = makeTestsrc(join(tmp.dir, 'odd.y4m'), {
      size: '100x76',
      rate: 30,
      frames: 6,
      filter: 'scale=99:75', // testsrc2 itself rounds sizes to even
      codecArgs: ['-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'],
    });
    const error = await failureOf(collect(encodeFile(odd, { pool })));
    expect(error.code).toBe('invalid-options');
    expect(error.message).toMatch(/99x75.*even size.*width and height/);
    const samples = await collect(
      encodeFile(odd, { pool, width: 96, height: 72, gop: 3, preset: 'ultrafast' }),
    );
    expect(samples).toHaveLength(6);
    expect(probe(concatBytes(samples.map((s) => s.data))).keyframes).toEqual([0, 3]);
  }, 120_000);

  it('passes decode errors through: a missing file is file-not-found', async () => {
    expect((await failureOf(collect(encodeFile(join(tmp.dir, 'nope.mkv'), { pool })))).code).toBe(
      'file-not-found',
    );
  });

  it('abort mid-encode: throws aborted; the decode worker and the pool it opened are gone', async () => {
    // One full run first so the process's own helper threads exist before counting.
    await collect(encodeFile(vfr, { threads: 1, gop: 15, preset: 'ultrafast' }));
    const before = readdirSync('/proc/self/task').length;
    const controller = new AbortController();
    const got: EncodedSample[] = [];
    const error = await failureOf(
      (async () => {
        for await (const s of encodeFile(vfr, {
          threads: 1,
          gop: 5,
          preset: 'ultrafast',
          signal: controller.signal,
        })) {
          got.push(s);
          if (got.length === 5) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('aborted');
    expect(got.length).toBeLessThan(45);
    expect(readdirSync('/proc/self/task').length).toBe(before);
  }, 120_000);

  it('samples match decodeFile’s frames one for one (same count, same PTS)', async () => {
    const frames = await collect(decodeFile(vfr));
    const samples = await collect(encodeFile(vfr, { pool, gop: 45, preset: 'ultrafast' }));
    expect(samples.map((s) => s.pts)).toEqual(frames.map((f) => f.pts));
  }, 120_000);
});
