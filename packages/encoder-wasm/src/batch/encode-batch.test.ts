import {
  type EncodedSample,
  type RawFrame,
  readY4m,
  testPattern,
  Y4M_FRAME_LINE,
  y4mHeaderBytes,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe, psnr } from '@camstream/test-helpers/oracle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { encodeArgs, resolveOptions } from '../options.js';
import { BATCH_INPUT, BATCH_OUTPUT } from '../worker/protocol.js';
import { type BatchProgress, encodeBatch } from './encode-batch.js';
import { EncoderPool } from './encoder-pool.js';

const SMALL = { width: 160, height: 120, fpsNum: 30 } as const;

let pool: EncoderPool;
beforeAll(async () => {
  pool = await EncoderPool.open({ threads: 2, warmup: { ...SMALL, preset: 'ultrafast' } });
}, 60_000);
afterAll(async () => {
  await pool?.close();
});

async function collect(source: AsyncIterable<EncodedSample>): Promise<EncodedSample[]> {
  const out: EncodedSample[] = [];
  for await (const s of source) out.push(s);
  return out;
}

describe('encodeBatch', () => {
  it('encodes GOP-aligned segments in parallel and joins them in order into one valid stream', async () => {
    const input = [...testPattern({ ...SMALL, frames: 100 })];
    const progress: BatchProgress[] = [];
    // An async source, as a file or a socket would be.
    async function* source(): AsyncGenerator<RawFrame> {
      yield* input;
    }
    const samples = await collect(
      encodeBatch(source(), {
        ...SMALL,
        preset: 'ultrafast',
        gop: 15,
        pool,
        onProgress: (p) => progress.push(p),
      }),
    );
    expect(samples.map((s) => s.pts)).toEqual(input.map((f) => f.pts));
    expect(samples.map((s) => s.index)).toEqual(input.map((_, i) => i));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 15, 30, 45, 60, 75, 90]);
    const stream = concatBytes(samples.map((s) => s.data));
    const report = probe(stream);
    expect(report.frames).toBe(100);
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
    expect(report.keyframes).toEqual([0, 15, 30, 45, 60, 75, 90]);
    expect(report.hasBFrames).toBe(0);
    expect(psnr(stream, input)).toBeGreaterThan(50);
    // One progress event per segment (7 segments: 6 of 15 frames and one of 10), monotone counters.
    expect(progress.map((p) => p.segmentsDone)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(progress.at(-1)).toMatchObject({ framesIn: 100, samplesOut: 100 });
  }, 60_000);

  it('takes a source that hands out every frame in one reused buffer (each frame is copied before the next)', async () => {
    const input = [...testPattern({ ...SMALL, frames: 40 })];
    const options = { ...SMALL, preset: 'ultrafast', gop: 10, pool } as const;
    function* reused(): Generator<RawFrame> {
      const data = new Uint8Array(input[0]?.data.length ?? 0);
      for (const frame of input) {
        data.set(frame.data);
        yield { ...frame, data };
      }
    }
    const fresh = concatBytes((await collect(encodeBatch(input, options))).map((s) => s.data));
    const shared = concatBytes((await collect(encodeBatch(reused(), options))).map((s) => s.data));
    expect(Buffer.from(shared).equals(Buffer.from(fresh))).toBe(true);
    expect(probe(shared).frames).toBe(40);
  }, 60_000);

  it('refuses a segment length that is not a multiple of the GOP', async () => {
    const run = collect(encodeBatch([], { ...SMALL, gop: 10, segmentFrames: 15, pool }));
    await expect(run).rejects.toMatchObject({ code: 'invalid-options' });
  });

  it('stops with a clear error on a corrupt (truncated) Y4M input', async () => {
    const frames = [...testPattern({ ...SMALL, frames: 3 })];
    const bytes = concatBytes([
      y4mHeaderBytes(160, 120, 30),
      ...frames.flatMap((f) => [Y4M_FRAME_LINE, f.data]),
    ]);
    const run = collect(
      encodeBatch(readY4m([bytes.subarray(0, bytes.length - 100)], { name: 'cut.y4m' }), { ...SMALL, pool }),
    );
    await expect(run).rejects.toThrow(/cut\.y4m: frame 2 is truncated/);
  }, 60_000);

  it('rejects frames of the wrong size', async () => {
    const frames = testPattern({ width: 320, height: 240, fpsNum: 30, frames: 2 });
    await expect(collect(encodeBatch(frames, { ...SMALL, pool }))).rejects.toMatchObject({
      code: 'invalid-frame',
    });
  });

  it('carries ffmpeg failures with the exit code and log tail', async () => {
    const frames = testPattern({ ...SMALL, frames: 2 });
    const error = await collect(encodeBatch(frames, { ...SMALL, crf: 0, profile: 'baseline', pool })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EncoderError);
    expect((error as EncoderError).exitCode).not.toBe(0);
    expect((error as EncoderError).logTail.length).toBeGreaterThan(0);
  }, 60_000);

  it('aborts on its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = collect(
      encodeBatch(testPattern({ ...SMALL, frames: 2 }), { ...SMALL, pool, signal: controller.signal }),
    );
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('EncoderPool', () => {
  it('moves a transferred segment back unchanged with reuse, and encodes it the same as a copied one', async () => {
    const o = resolveOptions({ ...SMALL, preset: 'ultrafast' });
    const args = encodeArgs(o, BATCH_INPUT, BATCH_OUTPUT);
    const frames = concatBytes([...testPattern({ ...SMALL, frames: 4 })].map((f) => f.data));
    const copied = await pool.run(args, frames);
    expect(copied.frames).toBeUndefined();
    const sent = frames.slice();
    const moved = await pool.run(args, sent, { transfer: true, reuse: true });
    expect(sent.byteLength).toBe(0); // detached: it went to the worker
    expect(moved.frames).toEqual(frames);
    expect(moved.bytes).toEqual(copied.bytes);
    // Without reuse the buffer stays with the worker.
    expect((await pool.run(args, frames.slice(), { transfer: true })).frames).toBeUndefined();
  });

  // The stack-pointer fix: without it an instance dies with "memory access out of bounds" after ~165 runs.
  // 1000 runs of a 16x16 frame take ~8 s here (CAMSTREAM_EXEC_RUNS overrides the count).
  it('runs many short encodes in one worker without running out of stack', async () => {
    const single = await EncoderPool.open({ threads: 1 });
    try {
      const o = resolveOptions({ width: 16, height: 16, fpsNum: 30, preset: 'ultrafast' });
      const args = encodeArgs(o, BATCH_INPUT, BATCH_OUTPUT);
      const frame = new Uint8Array(o.frameBytes).fill(128);
      const runs = Number(process.env.CAMSTREAM_EXEC_RUNS ?? 1000);
      for (let i = 0; i < runs; i++) {
        const { bytes } = await single.run(args, frame);
        expect(bytes.length).toBeGreaterThan(0);
      }
    } finally {
      await single.close();
    }
  }, 300_000);
});
