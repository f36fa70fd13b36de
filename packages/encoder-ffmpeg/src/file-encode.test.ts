import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EncodedSample,
  frameTime,
  type RawFrame,
  resolveH264Options,
  videoCodecArgs,
  Y4M_FRAME_LINE,
  y4mHeaderBytes,
} from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { encodeY4mByHand } from '@camstream/test-helpers/ffmpeg';
import { probe } from '@camstream/test-helpers/oracle';
import { waitForExit } from '@camstream/test-helpers/processes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { FfmpegEncoderError } from './errors.js';
import { FfmpegEncoder } from './ffmpeg-encoder.js';
import { FfmpegFileEncode, type FfmpegFileEncodeOptions, type FfmpegFileInput } from './file-encode.js';
import { movingFrame, parentOfFfmpeg } from './test-frames.test-util.js';

const SIZE = { width: 160, height: 120, fpsNum: 30 } as const;
const dir = tempDir('camstream-file-encode-');

const frames = Array.from({ length: 40 }, (_, i) => movingFrame(i));
const raw = join(dir, 'in.yuv');
writeFileSync(raw, concatBytes(frames.map((f) => f.data)));
const y4m = join(dir, 'in.y4m');
const y4mOf = (count: number) =>
  concatBytes([
    y4mHeaderBytes(160, 120, 30),
    ...Array.from({ length: count }, (_, i) => [Y4M_FRAME_LINE, frames[i % 40]!.data]).flat(),
  ]);
writeFileSync(y4m, y4mOf(40));
// Ten seconds at 30 fps, for runs held to real time.
const long = join(dir, 'long.y4m');
writeFileSync(long, y4mOf(300));

async function encodeFile(
  input: FfmpegFileInput,
  options: Partial<FfmpegFileEncodeOptions> = {},
): Promise<EncodedSample[]> {
  const encode = await FfmpegFileEncode.start(input, { ...SIZE, ...options });
  const out: EncodedSample[] = [];
  for await (const sample of encode.samples()) out.push(sample);
  return out;
}

/** What the pipe-fed encoder makes of the same frames in batch mode. */
async function throughThePipe(all: readonly RawFrame[], gop: number): Promise<Uint8Array> {
  const encoder = await FfmpegEncoder.open({ ...SIZE, gop, mode: 'batch', whenFull: 'wait' });
  const out = (async () => {
    const samples: Uint8Array[] = [];
    for await (const sample of encoder.samples()) samples.push(sample.data);
    return concatBytes(samples);
  })();
  for (const frame of all) await encoder.encode(frame);
  await encoder.close();
  return out;
}

async function failureOf(run: () => Promise<unknown>): Promise<FfmpegEncoderError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof FfmpegEncoderError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('FfmpegFileEncode', () => {
  it('encodes a raw file byte for byte as the pipe-fed encoder does, each sample with its frame’s PTS', async () => {
    const samples = await encodeFile({ path: raw, container: 'raw', frames: 40 }, { gop: 15 });
    expect(samples.map((s) => s.pts)).toEqual(frames.map((_, i) => frameTime(i, 30, 1)));
    expect(samples.map((s) => s.index)).toEqual(frames.map((_, i) => i));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 15, 30]);
    const stream = concatBytes(samples.map((s) => s.data));
    expect(Buffer.from(stream).equals(Buffer.from(await throughThePipe(frames, 15)))).toBe(true);
    expect(probe(stream)).toMatchObject({
      codec: 'h264',
      frames: 40,
      hasBFrames: 0,
      width: 160,
      height: 120,
    });
  });

  it('encodes a Y4M file byte for byte as ffmpeg run by hand with core’s arguments on it', async () => {
    const samples = await encodeFile({ path: y4m, container: 'y4m', frames: 40 }, { gop: 10 });
    const out = join(dir, 'by-hand.h264');
    const args = videoCodecArgs(resolveH264Options({ ...SIZE, gop: 10 }));
    encodeY4mByHand(y4m, args, out);
    const stream = concatBytes(samples.map((s) => s.data));
    expect(Buffer.from(stream).equals(readFileSync(out))).toBe(true);
    expect(samples.map((s) => s.pts)).toEqual(frames.map((_, i) => frameTime(i, 30, 1)));
    expect(samples.flatMap((s, i) => (s.isKeyframe ? [i] : []))).toEqual([0, 10, 20, 30]);
  });

  it('encodes only the frames asked for', async () => {
    const samples = await encodeFile({ path: y4m, container: 'y4m', frames: 12 });
    expect(samples).toHaveLength(12);
    expect(probe(concatBytes(samples.map((s) => s.data))).frames).toBe(12);
  });

  it('a file with fewer frames than asked for is an encoder-failed error after the samples it had', async () => {
    const encode = await FfmpegFileEncode.start({ path: raw, container: 'raw', frames: 50 }, SIZE);
    const got: EncodedSample[] = [];
    const error = await failureOf(async () => {
      for await (const sample of encode.samples()) got.push(sample);
    });
    expect(error.code).toBe('encoder-failed');
    expect(error.message).toBe("ffmpeg encoded 40 of the file's 50 frames");
    expect(got).toHaveLength(40);
  });

  it('a missing file is encoder-failed with ffmpeg’s own words', async () => {
    const missing = join(dir, 'missing.y4m');
    const error = await failureOf(() => encodeFile({ path: missing, container: 'y4m', frames: 1 }));
    expect(error.code).toBe('encoder-failed');
    expect(error.exitCode).not.toBe(0);
    expect(error.logTail.join('\n')).toContain('No such file or directory');
  });

  it('refuses a Y4M file of other than I420 frames, nonsense frame counts and another encoder in encoderArgs, before starting ffmpeg', async () => {
    await expect(
      FfmpegFileEncode.start({ path: y4m, container: 'y4m', frames: 1 }, { ...SIZE, pixelFormat: 'RGBA' }),
    ).rejects.toMatchObject({ code: 'unsupported-format' });
    await expect(
      FfmpegFileEncode.start({ path: y4m, container: 'y4m', frames: 0 }, SIZE),
    ).rejects.toMatchObject({ code: 'invalid-options' });
    await expect(
      FfmpegFileEncode.start(
        { path: y4m, container: 'y4m', frames: 1 },
        { ...SIZE, encoderArgs: ['-c:v', 'libx265'] },
      ),
    ).rejects.toMatchObject({
      code: 'invalid-options',
      message: expect.stringContaining('may not give -c:v'),
    });
  });

  // ffmpeg's realtime filter holds each frame until its time: the 300 frames take 10 s, so stop() and abort()
  // come mid-file.
  const slow = { encoderArgs: ['-vf', 'realtime'] } as const;

  it('stop() ends the run early and still delivers what was encoded, a whole stream', async () => {
    const encode = await FfmpegFileEncode.start(
      { path: long, container: 'y4m', frames: 300 },
      { ...SIZE, ...slow },
    );
    const got: EncodedSample[] = [];
    for await (const sample of encode.samples()) {
      got.push(sample);
      if (got.length === 3) encode.stop();
    }
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(got.length).toBeLessThan(300);
    expect(probe(concatBytes(got.map((s) => s.data))).frames).toBe(got.length);
  });

  it('abort() kills ffmpeg and throws aborted after the samples already out', async () => {
    const encode = await FfmpegFileEncode.start(
      { path: long, container: 'y4m', frames: 300 },
      { ...SIZE, ...slow },
    );
    const pid = encode.pid as number;
    let got = 0;
    const error = await failureOf(async () => {
      for await (const _ of encode.samples()) if (++got === 2) encode.abort();
    });
    expect(error.code).toBe('aborted');
    // The samples already read from ffmpeg's output still come out, then the failure.
    expect(got).toBeGreaterThanOrEqual(2);
    expect(got).toBeLessThan(300);
    await waitForExit(pid, 5_000);
  });

  it('no ffmpeg outlives a parent killed with SIGKILL', async () => {
    const { parent, pid } = await parentOfFfmpeg({ y4m: long });
    process.kill(pid, 0); // ffmpeg runs, with seconds of the file to go
    parent.kill('SIGKILL');
    // Its next write to the closed stdout ends it, long before the file would.
    await waitForExit(pid, 5_000);
  }, 20_000);
});
