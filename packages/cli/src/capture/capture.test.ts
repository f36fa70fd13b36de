import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeRrd, testPattern, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { capture } from './capture.js';
import type { CaptureProgress } from './options.js';

// The Node API against the real x264 (ffmpeg.wasm workers) and real files, at small sizes.
const dir = mkdtempSync(join(tmpdir(), 'camstream-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The video samples and stats rows of a saved recording. */
async function readRecording(path: string): Promise<{ samples: number; times: bigint[]; stats: string[] }> {
  const { messages, errors } = decodeRrd(new Uint8Array(await readFile(path)));
  expect(errors).toEqual([]);
  const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk] : []));
  const video = chunks.filter((c) => c.entityPath === '/video_stream');
  return {
    samples: video.reduce((n, c) => n + c.numRows, 0),
    times: video.flatMap((c) => c.timelines.find((t) => t.name === 'time')?.values ?? []),
    stats: [
      ...new Set(chunks.filter((c) => c.entityPath.startsWith('/stats/')).map((c) => c.entityPath)),
    ].sort(),
  };
}

describe('capture()', () => {
  it('encodes a bounded test pattern in batch mode to a file, with stats', async () => {
    const save = join(dir, 'batch.rrd');
    const progress: CaptureProgress[] = [];
    const summary = await capture({
      width: 160,
      height: 96,
      frames: 45,
      gop: 15,
      preset: 'ultrafast',
      save,
      stats: true,
      threads: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ frames: 45, keyframes: 3, dropped: 0, mode: 'batch', stopped: false });
    expect(summary.saved?.path).toBe(save);
    expect(progress.map((p) => p.frames)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(progress.at(-1)?.totalFrames).toBe(45);
    const recording = await readRecording(save);
    expect(recording.samples).toBe(45);
    expect(recording.times).toEqual(Array.from({ length: 45 }, (_, i) => (BigInt(i) * 1_000_000_000n) / 30n));
    expect(recording.stats).toEqual([
      '/stats/bitrate_kbps',
      '/stats/dropped_frames',
      '/stats/encode_latency_ms',
      '/stats/fps',
      '/stats/frame_bytes',
    ]);
    expect(summary.bytes).toBeGreaterThan(0);
    expect(summary.saved?.bytes).toBe((await readFile(save)).byteLength);
  });

  it('reads Y4M from a stream (live mode) and keeps the header’s size and rate', async () => {
    const pattern = { width: 128, height: 72, fpsNum: 25, frames: 20 };
    const pieces: Uint8Array[] = [y4mHeaderBytes(128, 72, 25)];
    for (const frame of testPattern(pattern)) pieces.push(Y4M_FRAME_LINE, frame.data);
    const save = join(dir, 'stdin.rrd');
    const summary = await capture({ input: '-', stdin: Readable.from(pieces), save, preset: 'ultrafast' });
    expect(summary.mode).toBe('live');
    expect(summary).toMatchObject({ frames: 20, dropped: 0 }); // stdin waits: a piped file loses nothing
    const recording = await readRecording(save);
    expect(recording.samples).toBe(summary.frames);
    expect(recording.times.at(-1)! % 40_000_000n).toBe(0n);
  });

  it('ends cleanly when its signal aborts: a paced run stops, the file is complete', async () => {
    const save = join(dir, 'aborted.rrd');
    const stop = new AbortController();
    const summary = await capture({
      width: 160,
      height: 96,
      realtime: true,
      preset: 'ultrafast',
      save,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.frames === 10) stop.abort();
      },
    });
    expect(summary.stopped).toBe(true);
    expect(summary.mode).toBe('live');
    expect(summary.frames).toBeGreaterThanOrEqual(10);
    expect((await readRecording(save)).samples).toBe(summary.frames);
  });

  it('refuses contradictory options with a usage error before opening anything', async () => {
    await expect(capture({ crf: 20, bitrate: 1e6, save: join(dir, 'x.rrd') })).rejects.toThrow(
      new CliError('usage', '--crf and --bitrate both set the quality; give one of them'),
    );
    await expect(capture({ input: 'a.y4m', device: '/dev/video0' })).rejects.toMatchObject({ code: 'usage' });
    await expect(capture({ width: 640, save: join(dir, 'x.rrd') })).rejects.toMatchObject({ code: 'usage' });
    await expect(capture({ entity: 'cameras//front', save: join(dir, 'x.rrd') })).rejects.toThrow(
      /^--entity "cameras\/\/front": /,
    );
    await expect(capture({ timeline: 'my time', save: join(dir, 'x.rrd') })).rejects.toMatchObject({
      code: 'usage',
    });
  });
});
