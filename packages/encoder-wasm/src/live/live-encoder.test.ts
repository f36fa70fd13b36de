import {
  type EncodedSample,
  type RawFrame,
  renderTestPattern,
  splitAnnexB,
  testPattern,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe, psnr } from '@camstream/test-helpers/oracle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderPool } from '../batch/encoder-pool.js';
import { EncoderError } from '../errors.js';
import { encodeArgs, type H264EncoderOptions, resolveOptions } from '../options.js';
import { BATCH_INPUT, BATCH_OUTPUT } from '../worker/protocol.js';
import { LiveEncoder, type LiveEncoderOptions } from './live-encoder.js';

const SMALL = { width: 160, height: 120, fpsNum: 30 } as const;

/** NAL unit types of one Annex B sample, in order. */
function nalTypes(sample: Uint8Array): number[] {
  return splitAnnexB(sample).map((nal) => (nal.data[0] ?? 0) & 0x1f);
}

function frames(n: number, o: { width: number; height: number; fpsNum: number } = SMALL): RawFrame[] {
  return [...testPattern({ ...o, frames: n })];
}

/** Encodes `input` live (nothing dropped) and returns the samples. */
async function encodeLive(input: readonly RawFrame[], options: LiveEncoderOptions): Promise<EncodedSample[]> {
  const encoder = await LiveEncoder.open({ whenFull: 'wait', ...options });
  const out: EncodedSample[] = [];
  const reading = (async () => {
    for await (const s of encoder.samples()) out.push(s);
  })();
  for (const f of input) await encoder.encode(f);
  await encoder.close();
  await reading;
  return out;
}

async function failureOf(promise: Promise<unknown>): Promise<EncoderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EncoderError) return error;
    throw error;
  }
  throw new Error('expected an EncoderError');
}

let pool: EncoderPool;
beforeAll(async () => {
  pool = await EncoderPool.open({ threads: 1 });
}, 60_000);
afterAll(async () => {
  await pool?.close();
});

/** The offline encode of the same frames with the same options, in one ffmpeg run (the reference). */
async function offline(input: readonly RawFrame[], options: H264EncoderOptions): Promise<Uint8Array> {
  const o = resolveOptions(options);
  return (await pool.run(encodeArgs(o, BATCH_INPUT, BATCH_OUTPUT), concatBytes(input.map((f) => f.data))))
    .bytes;
}

describe('LiveEncoder', () => {
  it('emits one valid sample per frame: I/P only, IDR exactly every gop with SPS+PPS, PTS paired', async () => {
    const input = frames(60);
    const samples = await encodeLive(input, { ...SMALL, preset: 'ultrafast', gop: 15 });
    expect(samples.map((s) => s.pts)).toEqual(input.map((f) => f.pts));
    expect(samples.map((s) => s.index)).toEqual(input.map((_, i) => i));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 15, 30, 45]);
    for (const s of samples) {
      const types = nalTypes(s.data);
      expect(types.filter((t) => t === 1 || t === 5)).toHaveLength(1);
      if (s.isKeyframe) {
        expect(types.indexOf(7)).toBeGreaterThanOrEqual(0);
        expect(types.indexOf(7)).toBeLessThan(types.indexOf(5));
        expect(types.indexOf(8)).toBeLessThan(types.indexOf(5));
      }
    }
    expect(samples[0]?.codecString).toMatch(/^avc1\.42/);
    const report = probe(concatBytes(samples.map((s) => s.data)));
    expect(report.frames).toBe(60);
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
    expect(report.keyframes).toEqual([0, 15, 30, 45]);
    expect(report.hasBFrames).toBe(0);
  }, 60_000);

  it('is byte-identical to an offline encode of the same frames with the same options', async () => {
    const input = frames(40);
    const options = { ...SMALL, preset: 'veryfast', gop: 20, crf: 26 } as const;
    const live = concatBytes((await encodeLive(input, options)).map((s) => s.data));
    expect(Buffer.from(live).equals(Buffer.from(await offline(input, options)))).toBe(true);
  }, 60_000);

  // Floors for the test pattern at 320x240, default crf 23: measured 56.0 dB (ultrafast) and 52.5 dB (veryfast),
  // floors set ~5 dB below so a change of x264 build does not flake, while a broken stream (misaligned or lost
  // frames give ~20 dB) fails.
  it.each([
    ['ultrafast', 50],
    ['veryfast', 47],
  ] as const)(
    'keeps PSNR above the %s floor (%d dB)',
    async (preset, floor) => {
      const o = { width: 320, height: 240, fpsNum: 30 };
      const input = frames(20, o);
      const samples = await encodeLive(input, { ...o, preset, gop: 10 });
      const db = psnr(concatBytes(samples.map((s) => s.data)), input);
      expect(db).toBeGreaterThan(floor);
    },
    60_000,
  );

  it('encodes NV12 and RGBA input', async () => {
    for (const format of ['NV12', 'RGBA'] as const) {
      const bytes = format === 'RGBA' ? 160 * 120 * 4 : 160 * 120 * 1.5;
      const input: RawFrame[] = Array.from({ length: 5 }, (_, i) => ({
        format,
        width: 160,
        height: 120,
        data: new Uint8Array(bytes).fill(40 + i * 20),
        pts: BigInt(i) * 33_333_333n,
        index: i,
      }));
      const samples = await encodeLive(input, { ...SMALL, pixelFormat: format, preset: 'ultrafast' });
      expect(samples).toHaveLength(5);
      expect(probe(concatBytes(samples.map((s) => s.data))).frames).toBe(5);
    }
  }, 60_000);

  it('moves frame buffers to the worker with transferFrames (same output as copying)', async () => {
    const input = frames(10);
    const copies = input.map((f) => ({ ...f, data: f.data.slice() }));
    const moved = await encodeLive(copies, { ...SMALL, preset: 'ultrafast', transferFrames: true });
    expect(copies.every((f) => f.data.byteLength === 0)).toBe(true);
    const copied = await encodeLive(input, { ...SMALL, preset: 'ultrafast' });
    expect(input.every((f) => f.data.byteLength > 0)).toBe(true);
    expect(concatBytes(moved.map((s) => s.data))).toEqual(concatBytes(copied.map((s) => s.data)));
  }, 60_000);

  it('starts a new IDR on requestKeyframe() and keeps every frame', async () => {
    const encoder = await LiveEncoder.open({ ...SMALL, preset: 'ultrafast', gop: 100, whenFull: 'wait' });
    const out: EncodedSample[] = [];
    const reading = (async () => {
      for await (const s of encoder.samples()) out.push(s);
    })();
    const input = frames(30);
    for (const f of input) {
      if (f.index === 12) encoder.requestKeyframe();
      await encoder.encode(f);
    }
    await encoder.close();
    await reading;
    expect(out.map((s) => s.pts)).toEqual(input.map((f) => f.pts));
    expect(out.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 12]);
    expect(encoder.stats().keyframeRestarts).toBe(1);
    expect(probe(concatBytes(out.map((s) => s.data))).frames).toBe(30);
  }, 60_000);

  it('drops the oldest queued frames when the encoder falls behind, and counts them', async () => {
    const o = { width: 320, height: 240, fpsNum: 30 };
    const dropped: number[] = [];
    const encoder = await LiveEncoder.open({
      ...o,
      preset: 'veryfast',
      maxQueuedFrames: 2,
      onDrop: (f) => dropped.push(f.index),
    });
    const out: EncodedSample[] = [];
    const reading = (async () => {
      for await (const s of encoder.samples()) out.push(s);
    })();
    const input = frames(40, o);
    for (const f of input) encoder.encode(f); // unpaced: far faster than the encoder
    await encoder.close();
    await reading;
    const stats = encoder.stats();
    expect(stats.framesIn).toBe(40);
    expect(stats.framesDropped).toBeGreaterThan(0);
    expect(stats.framesDropped).toBe(dropped.length);
    expect(stats.samplesOut + stats.framesDropped).toBe(40);
    // The kept frames are encoded in order with their own PTS; the last frame is never dropped.
    const kept = input.filter((f) => !dropped.includes(f.index)).map((f) => f.pts);
    expect(out.map((s) => s.pts)).toEqual(kept);
    expect(out.at(-1)?.pts).toBe(input.at(-1)?.pts);
  }, 60_000);

  it('rejects a frame of the wrong size and an unsupported pixel format', async () => {
    const encoder = await LiveEncoder.open({ ...SMALL, preset: 'ultrafast', warmup: false });
    const wrong = renderTestPattern({ width: 320, height: 240, fpsNum: 30 }, 0);
    expect(() => encoder.encode(wrong)).toThrow(expect.objectContaining({ code: 'invalid-frame' }));
    const odd = { ...renderTestPattern(SMALL, 0), format: 'YUY2' } as unknown as RawFrame;
    expect(() => encoder.encode(odd)).toThrow(expect.objectContaining({ code: 'unsupported-format' }));
    const short = { ...renderTestPattern(SMALL, 0), data: new Uint8Array(10) };
    expect(() => encoder.encode(short)).toThrow(/holds 10 bytes/);
    await encoder.close();
    await expect(LiveEncoder.open({ ...SMALL, pixelFormat: 'P010' as never })).rejects.toMatchObject({
      code: 'unsupported-format',
    });
    await expect(LiveEncoder.open({ ...SMALL, width: 161 })).rejects.toMatchObject({
      code: 'invalid-options',
    });
  }, 60_000);

  it("reports ffmpeg's failure with its exit code and log tail", async () => {
    // x264 refuses lossless (crf 0) in the baseline profile.
    const encoder = await LiveEncoder.open({ ...SMALL, crf: 0, profile: 'baseline', warmup: false });
    const reading = (async () => {
      for await (const _ of encoder.samples());
    })();
    encoder.encode(renderTestPattern(SMALL, 0));
    const error = await failureOf(reading);
    expect(error.code).toBe('encoder-failed');
    expect(error.exitCode).not.toBe(0);
    expect(error.logTail.join('\n')).toMatch(/lossless|profile/i);
    await expect(encoder.close()).rejects.toBe(error);
  }, 60_000);

  it('reports a worker killed mid-stream, and a new encoder takes over', async () => {
    const encoder = await LiveEncoder.open({ ...SMALL, preset: 'ultrafast', warmup: false });
    const reading = (async () => {
      let n = 0;
      for await (const _ of encoder.samples()) n++;
      return n;
    })();
    for (const f of frames(5)) encoder.encode(f);
    await new Promise((r) => setTimeout(r, 200));
    // Kill the thread as a crash would (the worker is private to the Node link on purpose).
    const { link } = encoder as unknown as { link: { worker: { terminate(): Promise<number> } } };
    await link.worker.terminate();
    const error = await failureOf(reading);
    expect(error.code).toBe('worker-crashed');
    expect(() => encoder.encode(renderTestPattern(SMALL, 5))).toThrow(error);
    const next = await encodeLive(frames(3), { ...SMALL, preset: 'ultrafast', warmup: false });
    expect(next).toHaveLength(3);
  }, 60_000);

  it('aborts without leaks: samples() throws aborted, encode() refuses', async () => {
    const controller = new AbortController();
    const encoder = await LiveEncoder.open({
      ...SMALL,
      preset: 'ultrafast',
      warmup: false,
      signal: controller.signal,
    });
    const reading = (async () => {
      for await (const _ of encoder.samples());
    })();
    for (const f of frames(3)) encoder.encode(f);
    controller.abort();
    expect((await failureOf(reading)).code).toBe('aborted');
    expect(() => encoder.encode(renderTestPattern(SMALL, 3))).toThrow(/aborted/);
    expect(encoder.stats().framesIn).toBe(3);
    // Aborted while opening (during the warm-up): open() rejects, nothing keeps running.
    const early = new AbortController();
    const opening = LiveEncoder.open({ ...SMALL, preset: 'veryfast', signal: early.signal });
    setTimeout(() => early.abort(), 5);
    await expect(opening).rejects.toMatchObject({ code: 'aborted' });
  }, 60_000);

  // The stack-pointer failure through the live worker: every keyframe request ends one ffmpeg run and starts
  // another in the same worker and core, so 1000 one-frame runs are 1000 execs in one instance. Without the
  // stack-pointer restore in CoreRunner.exec the core dies with "memory access out of bounds" after ~165.
  // Tiny frames keep it short (CAMSTREAM_EXEC_RUNS overrides the count).
  it('survives 1000 short encodes in a row in one worker (a keyframe request before every frame)', async () => {
    const runs = Number(process.env.CAMSTREAM_EXEC_RUNS ?? 1000);
    const o = { width: 16, height: 16, fpsNum: 30 } as const;
    const encoder = await LiveEncoder.open({
      ...o,
      preset: 'ultrafast',
      gop: 1000,
      whenFull: 'wait',
      warmup: false,
    });
    const out: EncodedSample[] = [];
    const reading = (async () => {
      for await (const s of encoder.samples()) out.push(s);
    })();
    const input = frames(runs, o);
    for (const f of input) {
      if (f.index > 0) encoder.requestKeyframe();
      await encoder.encode(f);
    }
    await encoder.close();
    await reading;
    expect(encoder.stats().keyframeRestarts).toBe(runs - 1);
    expect(out.map((s) => s.pts)).toEqual(input.map((f) => f.pts));
    expect(out.every((s) => s.isKeyframe)).toBe(true);
    const report = probe(concatBytes(out.map((s) => s.data)));
    expect(report.frames).toBe(runs);
    expect(report.keyframes).toHaveLength(runs);
  }, 300_000);
});
