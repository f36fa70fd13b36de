import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type DecodedChunk,
  decodeRrd,
  testPattern,
  VideoCodec,
  Y4M_FRAME_LINE,
  y4mHeaderBytes,
} from '@camstream/core';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { capture } from './capture.js';
import type { CaptureProgress, CaptureSourceEnd, CaptureStartInfo } from './options.js';

// Several sources in one capture (decision 0019) against the real encoders, at small sizes.
const dir = tempDir('camstream-several-');

/** A Y4M file of `frames` test-pattern frames, and half a frame more when `truncated`. */
function writeY4m(name: string, frames: number, truncated = false): string {
  const pattern = { width: 80, height: 48, fpsNum: 25, frames };
  const pieces: Uint8Array[] = [y4mHeaderBytes(80, 48, 25)];
  for (const frame of testPattern(pattern)) pieces.push(Y4M_FRAME_LINE, frame.data);
  if (truncated) pieces.push(Y4M_FRAME_LINE, new Uint8Array((80 * 48 * 3) / 4));
  const path = join(dir, name);
  writeFileSync(path, concatBytes(pieces));
  return path;
}

/** The non-static chunks of a saved recording, and its static ones. */
async function chunksOf(path: string): Promise<{ timed: DecodedChunk[]; statics: DecodedChunk[] }> {
  const { messages, errors } = decodeRrd(new Uint8Array(await readFile(path)));
  expect(errors).toEqual([]);
  const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' ? [m.chunk] : []));
  return { timed: chunks.filter((c) => !c.isStatic), statics: chunks.filter((c) => c.isStatic) };
}

/** The values of `timeline` on `entity`'s video samples, in order. */
function times(chunks: readonly DecodedChunk[], entity: string, timeline: string): bigint[] {
  return chunks
    .filter((c) => c.entityPath === entity && c.components.some((x) => x.component === 'VideoStream:sample'))
    .flatMap((c) => c.timelines.find((t) => t.name === timeline)?.values ?? []);
}

// Each case starts several encoders (ffmpeg.wasm workers, system ffmpeg processes): seconds on a busy 2-core
// machine, not the default 5 s guard.
describe('capture() with several sources', { timeout: 90_000 }, () => {
  it('logs four sources (patterns, a file, stdin) into one recording: each on its entity with its own encoder, one timeline', async () => {
    const save = join(dir, 'three.rrd');
    const replay = writeY4m('replay.y4m', 15);
    const progress: CaptureProgress[] = [];
    const ends: CaptureSourceEnd[] = [];
    let started: CaptureStartInfo | undefined;
    // A camera piped in on stdin that gives a frame every 100 ms, though its header says 25 fps: its `time`
    // is when each frame came, not its PTS.
    const piped = new Uint8Array((80 * 48 * 3) / 2);
    let sent = 0;
    const stdin = new Readable({
      read() {
        if (sent === 0) this.push(y4mHeaderBytes(80, 48, 25));
        if (sent++ === 12) this.push(null);
        else setTimeout(() => this.push(concatBytes([Y4M_FRAME_LINE, piped])), 100);
      },
    });
    const summary = await capture({
      sources: [
        { pattern: '96x64@30', entity: 'cams/a', frames: 30, encoder: 'wasm' },
        { pattern: '128x72@30', entity: 'cams/b', frames: 20, hue: 180, encoder: 'ffmpeg' },
        { input: replay, entity: 'replay' },
        { input: '-', entity: 'piped' },
      ],
      stdin,
      encoder: 'ffmpeg',
      preset: 'ultrafast',
      gop: 10,
      stats: true,
      save,
      onStart: (info) => {
        started = info;
      },
      onProgress: (p) => progress.push(p),
      onSourceEnd: (end) => ends.push(end),
    });
    expect(started?.sources.map((s) => [s.entity, s.width, s.height, s.mode])).toEqual([
      ['cams/a', 96, 64, 'live'],
      ['cams/b', 128, 72, 'live'],
      ['replay', 80, 48, 'live'],
      ['piped', 80, 48, 'live'],
    ]);
    expect(summary.sources.map((s) => [s.entity, s.outcome, s.frames + s.dropped])).toEqual([
      ['cams/a', 'ended', 30],
      ['cams/b', 'ended', 20],
      ['replay', 'ended', 15],
      ['piped', 'ended', 12],
    ]);
    expect(summary.sources[0]!.encoder).toBe('ffmpeg.wasm libx264');
    expect(summary.sources[1]!.encoder).toMatch(/^system ffmpeg \S+ libx264$/);
    expect(summary.frames).toBe(summary.sources.reduce((n, s) => n + s.frames, 0));
    expect(new Set(progress.map((p) => p.entity))).toEqual(new Set(['cams/a', 'cams/b', 'replay', 'piped']));
    expect(ends.map((e) => e.outcome)).toEqual(['ended', 'ended', 'ended', 'ended']);
    // The first to end says the others go on.
    expect(ends[0]!.message).toMatch(/^\S+ \(.+\) ended after \d+ frames; the other 3 sources go on$/);

    const { timed, statics } = await chunksOf(save);
    for (const source of summary.sources) {
      const entity = `/${source.entity}`;
      const time = times(timed, entity, 'time');
      expect(time, entity).toHaveLength(source.frames);
      // Non-decreasing, from the run's start: the paced sources are never ahead of their frame rate.
      expect(time.every((t, i) => i === 0 || t >= time[i - 1]!)).toBe(true);
      expect(time[0]!).toBeLessThan(10_000_000_000n);
      // One timeline: log_time minus time is the run's start (wall clock), the same for every frame of every
      // source, give or take the clocks' millisecond steps.
      const logTime = times(timed, entity, 'log_time');
      const starts = logTime.map((t, i) => Number(t - time[i]!) / 1e6);
      const runStart =
        Number(times(timed, '/cams/a', 'log_time')[0]! - times(timed, '/cams/a', 'time')[0]!) / 1e6;
      for (const start of starts) expect(Math.abs(start - runStart)).toBeLessThan(50);
      const codec = statics.find(
        (c) => c.entityPath === entity && c.components.some((x) => x.component === 'VideoStream:codec'),
      );
      expect(codec, entity).toBeDefined();
      const rows = codec!.components.find((x) => x.component === 'VideoStream:codec')!.rows;
      expect(Array.from(rows[0] as Iterable<number>)[0]).toBe(VideoCodec.H264);
      // --stats per source, under stats/<entity>/.
      expect(
        new Set(timed.filter((c) => c.entityPath.startsWith(`/stats${entity}/`)).map((c) => c.entityPath)),
      ).toEqual(
        new Set(
          ['bitrate_kbps', 'dropped_frames', 'encode_latency_ms', 'fps', 'frame_bytes'].map(
            (n) => `/stats${entity}/${n}`,
          ),
        ),
      );
      expect(statics.some((c) => c.entityPath === `/stats${entity}/encoder`)).toBe(true);
    }
    // A 30 fps pattern paced from the start: its 30th frame is due 29/30 s after it.
    expect(times(timed, '/cams/a', 'time').at(-1)!).toBeGreaterThanOrEqual(900_000_000n);
    // 12 piped frames 100 ms apart (a few read ahead while the source opened): far later than their PTS (440
    // ms for the last).
    expect(times(timed, '/piped', 'time').at(-1)!).toBeGreaterThanOrEqual(700_000_000n);
    expect(timed.some((c) => c.entityPath === '/video_stream')).toBe(false);
  });

  it('a source that fails mid-run (a truncated Y4M) is one line; the others go on to their end', async () => {
    const save = join(dir, 'truncated.rrd');
    const broken = writeY4m('broken.y4m', 8, true);
    const events: string[] = [];
    const ends: CaptureSourceEnd[] = [];
    const summary = await capture({
      sources: [
        { pattern: '96x64@30', entity: 'steady', frames: 45 },
        { input: broken, entity: 'broken' },
      ],
      encoder: 'wasm',
      preset: 'ultrafast',
      save,
      onProgress: (p) => events.push(p.entity),
      onSourceEnd: (end) => {
        ends.push(end);
        events.push(`end ${end.entity}`);
      },
    });
    expect(ends[0]).toMatchObject({ entity: 'broken', outcome: 'failed', frames: 8 });
    expect(ends[0]!.message).toMatch(
      /^broken \(.*broken\.y4m\) failed after 8 frames: .*truncated.*; the other source goes on$/,
    );
    // The steady pattern kept logging after the broken file failed, and ended on its own.
    const failedAt = events.indexOf('end broken');
    expect(events.slice(failedAt).filter((e) => e === 'steady').length).toBeGreaterThan(0);
    expect(summary.sources.map((s) => [s.entity, s.outcome])).toEqual([
      ['steady', 'ended'],
      ['broken', 'failed'],
    ]);
    expect(summary.sources[0]!.frames + summary.sources[0]!.dropped).toBe(45);
    const { timed } = await chunksOf(save);
    expect(times(timed, '/broken', 'time')).toHaveLength(8);
    expect(times(timed, '/steady', 'time')).toHaveLength(summary.sources[0]!.frames);
  });

  it('a source that cannot open is one line and the others start; none opening is an error', async () => {
    const save = join(dir, 'missing.rrd');
    const ends: CaptureSourceEnd[] = [];
    const summary = await capture({
      sources: [{ input: join(dir, 'missing.y4m') }, { pattern: '96x64@30', frames: 10 }],
      encoder: 'wasm',
      preset: 'ultrafast',
      save,
      onSourceEnd: (end) => ends.push(end),
    });
    expect(ends[0]).toMatchObject({ entity: 'video_stream/0', outcome: 'failed', frames: 0 });
    expect(ends[0]!.message).toMatch(
      /^video_stream\/0 \(.*missing\.y4m\) could not start: .*missing\.y4m.*; the other source goes on$/,
    );
    expect(summary.sources.map((s) => [s.entity, s.outcome, s.frames + s.dropped])).toEqual([
      ['video_stream/0', 'failed', 0],
      ['video_stream/1', 'ended', 10],
    ]);
    const { timed } = await chunksOf(save);
    expect(times(timed, '/video_stream/1', 'time').length).toBe(summary.sources[1]!.frames);

    await expect(
      capture({
        sources: [{ input: join(dir, 'missing-a.y4m') }, { input: join(dir, 'missing-b.y4m') }],
        encoder: 'wasm',
        save: join(dir, 'none.rrd'),
      }),
    ).rejects.toMatchObject({
      code: 'runtime',
      message: expect.stringMatching(/^none of the sources could start/),
    });
  });

  it('a mistake in the command (an encoder ffmpeg does not have) is one usage error, not a line per source', async () => {
    const ends: CaptureSourceEnd[] = [];
    await expect(
      capture({
        sources: [{ pattern: '96x64@30' }, { pattern: '96x64@30' }],
        encoder: 'ffmpeg:no_such_encoder',
        frames: 2,
        save: join(dir, 'usage.rrd'),
        onSourceEnd: (end) => ends.push(end),
      }),
    ).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringContaining('no encoder "no_such_encoder"'),
    });
    expect(ends).toEqual([]);
  });

  it('ends every source cleanly when its signal aborts', async () => {
    const save = join(dir, 'aborted.rrd');
    const stop = new AbortController();
    const seen = new Set<string>();
    const summary = await capture({
      sources: [{ pattern: '96x64@30' }, { pattern: '64x48@15', encoder: 'ffmpeg' }],
      encoder: 'wasm',
      preset: 'ultrafast',
      save,
      signal: stop.signal,
      onProgress: (p) => {
        seen.add(p.entity);
        if (seen.size === 2 && p.frames >= 5) stop.abort();
      },
    });
    expect(summary.stopped).toBe(true);
    expect(summary.sources.map((s) => s.outcome)).toEqual(['stopped', 'stopped']);
    const { timed } = await chunksOf(save);
    for (const source of summary.sources) {
      expect(times(timed, `/${source.entity}`, 'time')).toHaveLength(source.frames);
    }
  });

  it('spreads the frame clocks of test patterns over one frame interval, as free-running cameras', async () => {
    const save = join(dir, 'phases.rrd');
    const summary = await capture({
      sources: [0, 1, 2].map((i) => ({ pattern: '64x48@30', entity: `p/${i}`, frames: 15 })),
      encoder: 'ffmpeg',
      preset: 'ultrafast',
      save,
    });
    const { timed } = await chunksOf(save);
    const intervalMs = 1000 / 30;
    // A frame comes on its due time or later (late, or after a drop), never more than about a millisecond before
    // it: the earliest of a pattern's frames against its schedule is its phase.
    const phases = summary.sources.map((source) =>
      Math.min(...times(timed, `/${source.entity}`, 'time').map((t, i) => Number(t) / 1e6 - i * intervalMs)),
    );
    phases.forEach((phase, k) => {
      const due = (k * intervalMs) / 3;
      expect(phase, `pattern ${k}`).toBeGreaterThanOrEqual(due - 2.5);
      expect(phase, `pattern ${k}`).toBeLessThan(due + 8);
    });
  });

  it('one source in sources is the single-source form: the default entity, time is its PTS', async () => {
    const save = join(dir, 'one.rrd');
    const summary = await capture({
      sources: [{ pattern: '96x64@30', frames: 12, hue: 90 }],
      encoder: 'wasm',
      preset: 'ultrafast',
      save,
    });
    expect(summary).toMatchObject({ frames: 12, mode: 'batch' });
    expect(summary.sources).toEqual([expect.objectContaining({ entity: 'video_stream', outcome: 'ended' })]);
    const { timed } = await chunksOf(save);
    expect(times(timed, '/video_stream', 'time')).toEqual(
      Array.from({ length: 12 }, (_, i) => (BigInt(i) * 1_000_000_000n) / 30n),
    );
  });

  it('refuses two sources on one entity, and nested ones, before opening anything (usage)', async () => {
    const save = join(dir, 'never.rrd');
    await expect(
      capture({
        sources: [
          { pattern: '96x64@30', entity: 'cam' },
          { input: 'x.y4m', entity: 'cam' },
        ],
        save,
      }),
    ).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/pattern 96x64@30 and --input x\.y4m are on the same entity/),
    });
    await expect(
      capture({
        sources: [
          { pattern: '96x64@30', entity: 'cam' },
          { pattern: '96x64@30', entity: 'cam/x' },
        ],
        save,
      }),
    ).rejects.toThrow(/nested entities/);
    expect(existsSync(save)).toBe(false);
  });
});
