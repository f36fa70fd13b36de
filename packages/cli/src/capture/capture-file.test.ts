import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRrd, frameTime, testPattern, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { resolveH264Options, videoCodecArgs } from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { encodeY4mByHand } from '@camstream/test-helpers/ffmpeg';
import { probe } from '@camstream/test-helpers/oracle';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { capture } from './capture.js';
import type { CaptureOptions, CaptureStartInfo } from './options.js';

// Files encoded by the system ffmpeg reading them itself, against ffmpeg run by hand and the frames sent through
// camstream.
const dir = tempDir('camstream-capture-file-');

const pattern = { width: 160, height: 96, fpsNum: 30, frames: 90 };
const frames = [...testPattern(pattern)].map((f) => f.data.slice());
const header = y4mHeaderBytes(160, 96, 30);
const y4m = join(dir, 'clip.y4m');
writeFileSync(y4m, concatBytes([header, ...frames.flatMap((f) => [Y4M_FRAME_LINE, f])]));
const raw = join(dir, 'clip.yuv');
writeFileSync(raw, concatBytes(frames));

/** The video samples of a saved recording and their `time`s. */
function samplesOf(path: string): { data: Uint8Array[]; times: bigint[] } {
  const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
  expect(errors).toEqual([]);
  const video = messages.flatMap((m) =>
    m.kind === 'arrow_msg' && !m.chunk.isStatic && m.chunk.entityPath === '/video_stream' ? [m.chunk] : [],
  );
  return {
    data: video.flatMap((c) =>
      (c.components.find((x) => x.component === 'VideoStream:sample')?.rows ?? []).map((row) =>
        Uint8Array.from(row?.[0] as Iterable<number>),
      ),
    ),
    times: video.flatMap((c) => c.timelines.find((t) => t.name === 'time')?.values ?? []),
  };
}

async function run(
  name: string,
  options: CaptureOptions,
): Promise<{ info: CaptureStartInfo; save: string; frames: number; stopped: boolean }> {
  const save = join(dir, `${name}.rrd`);
  let info: CaptureStartInfo | undefined;
  const summary = await capture({
    preset: 'ultrafast',
    gop: 15,
    encoder: 'ffmpeg',
    save,
    onStart: (i) => {
      info = i;
    },
    ...options,
  });
  return { info: info!, save, frames: summary.frames, stopped: summary.stopped };
}

describe('capture() of a file through the system ffmpeg', { timeout: 60_000 }, () => {
  it('ffmpeg reads a Y4M file itself: byte for byte what ffmpeg makes of it by hand, the file’s timestamps', async () => {
    const { info, save, frames: count } = await run('y4m', { input: y4m });
    expect(info).toMatchObject({ mode: 'batch', ffmpegReadsFile: true, totalFrames: 90 });
    expect(count).toBe(90);
    const saved = samplesOf(save);
    expect(saved.times).toEqual(Array.from({ length: 90 }, (_, i) => frameTime(i, 30, 1)));
    const byHand = join(dir, 'by-hand.h264');
    const args = videoCodecArgs(
      resolveH264Options({
        width: 160,
        height: 96,
        fpsNum: 30,
        preset: 'ultrafast',
        gop: 15,
        tune: 'zerolatency',
      }),
    );
    encodeY4mByHand(y4m, args, byHand);
    expect(Buffer.from(concatBytes(saved.data)).equals(readFileSync(byHand))).toBe(true);
  });

  it('a raw file too; the same frames sent through camstream (a FRAME line with a parameter) make the same samples', async () => {
    const direct = await run('raw', { input: raw, width: 160, height: 96 });
    expect(direct.info.ffmpegReadsFile).toBe(true);
    // A parameter on one FRAME line: only a full read can say what it means, so camstream reads the frames.
    const withParameter = join(dir, 'parameter.y4m');
    const lines = frames.map((_, i) => (i === 45 ? new TextEncoder().encode('FRAME Ip\n') : Y4M_FRAME_LINE));
    writeFileSync(withParameter, concatBytes([header, ...frames.flatMap((f, i) => [lines[i]!, f])]));
    const streamed = await run('streamed', { input: withParameter });
    expect(streamed.info).toMatchObject({ mode: 'batch', ffmpegReadsFile: false });
    const a = samplesOf(direct.save);
    const b = samplesOf(streamed.save);
    expect(a.data).toHaveLength(90);
    expect(a.times).toEqual(b.times);
    expect(Buffer.from(concatBytes(a.data)).equals(Buffer.from(concatBytes(b.data)))).toBe(true);
  });

  it('--frames and --duration limit what ffmpeg reads', async () => {
    const limited = await run('frames', { input: y4m, frames: 10 });
    expect(limited.info).toMatchObject({ ffmpegReadsFile: true, totalFrames: 10 });
    expect(samplesOf(limited.save).data).toHaveLength(10);
    // The frames before 0.5 s: 0 … 14.
    const timed = await run('duration', { input: y4m, durationSeconds: 0.5 });
    expect(samplesOf(timed.save).times).toEqual(Array.from({ length: 15 }, (_, i) => frameTime(i, 30, 1)));
  });

  it('ffmpeg.wasm and a truncated file keep reading through camstream', async () => {
    expect((await run('wasm', { input: y4m, encoder: 'wasm', frames: 5 })).info.ffmpegReadsFile).toBe(false);
    const truncated = join(dir, 'truncated.y4m');
    writeFileSync(
      truncated,
      readFileSync(y4m).subarray(0, header.length + 3 * (6 + frames[0]!.length) + 100),
    );
    await expect(run('truncated', { input: truncated })).rejects.toThrow(
      /: frame 3 is truncated: got 94 of 23040 bytes/,
    );
  });

  it('stopped by its signal mid-file: what ffmpeg read is encoded and saved whole', async () => {
    const stop = new AbortController();
    // ffmpeg's realtime filter holds each frame until its time: the 90 frames take 3 s.
    const {
      save,
      frames: count,
      stopped,
    } = await run('stopped', {
      input: y4m,
      encoderArgs: ['-vf', 'realtime'],
      signal: stop.signal,
      onProgress: (p) => {
        if (p.frames === 5) stop.abort();
      },
    });
    expect(stopped).toBe(true);
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThan(90);
    const saved = samplesOf(save);
    expect(saved.data).toHaveLength(count);
    expect(probe(concatBytes(saved.data))).toMatchObject({ frames: count, hasBFrames: 0 });
  });
});
