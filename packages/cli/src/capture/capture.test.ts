import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeRrd, testPattern, VideoCodec, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { resolveH264Options, x264EncodeArgs } from '@camstream/core/media';
import { startServer } from '@camstream/server';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe } from '@camstream/test-helpers/oracle';
import { hangingFfmpeg, waitForExit } from '@camstream/test-helpers/processes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { capture } from './capture.js';
import type { CaptureProgress, CaptureSinkFailure } from './options.js';

// The Node API against the real x264 (ffmpeg.wasm workers and the system ffmpeg) and real files, at small sizes.
const dir = tempDir('camstream-capture-');

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

/** The video samples of a saved recording, in order. */
async function samplesOf(path: string): Promise<Uint8Array[]> {
  const { messages } = decodeRrd(new Uint8Array(await readFile(path)));
  return messages.flatMap((m) =>
    m.kind === 'arrow_msg' && !m.chunk.isStatic && m.chunk.entityPath === '/video_stream'
      ? (m.chunk.components.find((c) => c.component === 'VideoStream:sample')?.rows ?? []).map((row) =>
          Uint8Array.from(row?.[0] as Iterable<number>),
        )
      : [],
  );
}

/** The rows of a static `TextDocument:text` on `entity`. */
async function staticText(path: string, entity: string): Promise<unknown[]> {
  const { messages } = decodeRrd(new Uint8Array(await readFile(path)));
  return messages.flatMap((m) =>
    m.kind === 'arrow_msg' && m.chunk.isStatic && m.chunk.entityPath === entity
      ? (m.chunk.components.find((c) => c.component === 'TextDocument:text')?.rows ?? []).map((row) =>
          row === null ? null : Array.from(row as Iterable<unknown>)[0],
        )
      : [],
  );
}

// Each case starts real encoder threads (their warm-up included): seconds on a busy 2-core machine, not the
// default 5 s guard.
describe('capture()', { timeout: 60_000 }, () => {
  it('the system ffmpeg takes the pattern’s frames without a copy, in buffers it gives back: the bytes ffmpeg makes of them by hand', async () => {
    const save = join(dir, 'recycled.rrd');
    const options = { width: 160, height: 96, fpsNum: 30, preset: 'ultrafast', gop: 15 } as const;
    await capture({ ...options, frames: 60, threads: 2, encoder: 'ffmpeg', save });
    const raw = join(dir, 'pattern.yuv');
    writeFileSync(raw, concatBytes([...testPattern({ ...options, frames: 60 })].map((f) => f.data.slice())));
    const out = join(dir, 'pattern.h264');
    const args = x264EncodeArgs(resolveH264Options({ ...options, tune: 'zerolatency' }), raw, out);
    // -threads is an output option: before the output's format.
    args.splice(args.length - 3, 0, '-threads', '2');
    execFileSync('ffmpeg', ['-y', ...args]);
    // A buffer given back before ffmpeg's pipe had taken it would carry a later frame's pixels.
    expect(Buffer.from(concatBytes(await samplesOf(save))).equals(readFileSync(out))).toBe(true);
  });

  for (const encoder of ['wasm', 'ffmpeg'] as const) {
    it(`encodes a bounded test pattern in batch mode to a file, with stats (${encoder})`, async () => {
      const save = join(dir, `batch-${encoder}.rrd`);
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
        encoder,
        onProgress: (p) => progress.push(p),
      });
      expect(summary).toMatchObject({ frames: 45, keyframes: 3, dropped: 0, mode: 'batch', stopped: false });
      expect(summary.encoder).toMatch(
        encoder === 'wasm' ? /^ffmpeg\.wasm libx264$/ : /^system ffmpeg \S+ libx264$/,
      );
      expect(summary.saved?.path).toBe(save);
      expect(progress.map((p) => p.frames)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      expect(progress.at(-1)?.totalFrames).toBe(45);
      const recording = await readRecording(save);
      expect(recording.samples).toBe(45);
      expect(recording.times).toEqual(
        Array.from({ length: 45 }, (_, i) => (BigInt(i) * 1_000_000_000n) / 30n),
      );
      expect(recording.stats).toEqual([
        '/stats/bitrate_kbps',
        '/stats/dropped_frames',
        '/stats/encode_latency_ms',
        '/stats/fps',
        '/stats/frame_bytes',
      ]);
      expect(summary.bytes).toBeGreaterThan(0);
      expect(summary.saved?.bytes).toBe((await readFile(save)).byteLength);
      // The encoder is named beside the plots, as a static text document.
      expect(await staticText(save, '/stats/encoder')).toEqual([summary.encoder]);
    });

    it(`reads Y4M from a stream (live mode) and keeps the header’s size and rate (${encoder})`, async () => {
      const pattern = { width: 128, height: 72, fpsNum: 25, frames: 20 };
      const pieces: Uint8Array[] = [y4mHeaderBytes(128, 72, 25)];
      for (const frame of testPattern(pattern)) pieces.push(Y4M_FRAME_LINE, frame.data);
      const save = join(dir, `stdin-${encoder}.rrd`);
      const summary = await capture({
        input: '-',
        stdin: Readable.from(pieces),
        save,
        preset: 'ultrafast',
        encoder,
      });
      expect(summary.mode).toBe('live');
      expect(summary).toMatchObject({ frames: 20, dropped: 0 }); // stdin waits: a piped file loses nothing
      const recording = await readRecording(save);
      expect(recording.samples).toBe(summary.frames);
      expect(recording.times.at(-1)! % 40_000_000n).toBe(0n);
    });

    it(`ends cleanly when its signal aborts: a paced run stops, the file is complete (${encoder})`, async () => {
      const save = join(dir, `aborted-${encoder}.rrd`);
      const stop = new AbortController();
      const summary = await capture({
        width: 160,
        height: 96,
        realtime: true,
        preset: 'ultrafast',
        encoder,
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
  }

  it('live stdin (--live) drops the oldest frames rather than queue them when the encoder falls behind', async () => {
    const pattern = { width: 128, height: 72, fpsNum: 25, frames: 60 };
    const pieces: Uint8Array[] = [y4mHeaderBytes(128, 72, 25)];
    for (const frame of testPattern(pattern)) pieces.push(Y4M_FRAME_LINE, frame.data);
    let whenBehind: string | undefined;
    const summary = await capture({
      input: '-',
      stdin: Readable.from(pieces),
      live: true,
      save: join(dir, 'stdin-live.rrd'),
      preset: 'ultrafast',
      encoder: 'wasm',
      onStart: (info) => {
        whenBehind = info.whenBehind;
      },
    });
    expect(whenBehind).toBe('drop');
    // All 60 frames arrive at once: far more than the encoder takes in that time.
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.frames + summary.dropped).toBe(60);
    await expect(capture({ input: 'x.y4m', live: true, save: join(dir, 'x.rrd') })).rejects.toMatchObject({
      code: 'usage',
    });
  });

  it('log_time is each frame’s capture time (when it was read), not when its sample was logged', async () => {
    const save = join(dir, 'log-time.rrd');
    // Per frame: the wall clock at its progress report minus its encode latency is when it was read.
    const readAt: number[] = [];
    const latencies: number[] = [];
    await capture({
      width: 160,
      height: 96,
      frames: 45,
      gop: 15,
      preset: 'ultrafast',
      encoder: 'wasm',
      save,
      onProgress: (p) => {
        readAt.push(Date.now() - p.latencyMs);
        latencies.push(p.latencyMs);
      },
    });
    const { messages } = decodeRrd(new Uint8Array(await readFile(save)));
    const logTimes = messages.flatMap((m) =>
      m.kind === 'arrow_msg' && !m.chunk.isStatic && m.chunk.entityPath === '/video_stream'
        ? (m.chunk.timelines.find((t) => t.name === 'log_time')?.values ?? [])
        : [],
    );
    expect(logTimes).toHaveLength(45);
    const offByMs = logTimes.map((t, i) => Math.abs(Number(t / 1_000_000n) - (readAt[i] as number)));
    // Batch encoding holds frames for tens of ms, so a log_time taken at logging would be off by that much.
    expect(Math.max(...latencies)).toBeGreaterThan(40);
    expect(Math.max(...offByMs)).toBeLessThanOrEqual(15);
  });

  it('encodes H.265 with the system ffmpeg’s libx265: an hev1 VideoStream ffprobe reads as I/P HEVC', async () => {
    const save = join(dir, 'h265.rrd');
    const summary = await capture({
      width: 160,
      height: 96,
      frames: 60,
      gop: 30,
      preset: 'ultrafast',
      codec: 'h265',
      encoder: 'ffmpeg',
      save,
    });
    expect(summary).toMatchObject({ frames: 60, keyframes: 2, codec: 'h265' });
    expect(summary.encoder).toMatch(/^system ffmpeg \S+ libx265$/);
    const { messages } = decodeRrd(new Uint8Array(await readFile(save)));
    const chunks = messages.flatMap((m) =>
      m.kind === 'arrow_msg' && m.chunk.entityPath === '/video_stream' ? [m.chunk] : [],
    );
    const codec = chunks.flatMap(
      (c) => c.components.find((x) => x.component === 'VideoStream:codec')?.rows ?? [],
    );
    expect(codec.map((row) => Array.from(row as Iterable<number>)[0])).toEqual([VideoCodec.H265]);
    const samples = chunks.flatMap((c) =>
      (c.components.find((x) => x.component === 'VideoStream:sample')?.rows ?? []).map((row) =>
        Uint8Array.from(Array.from(row as Iterable<Iterable<number>>)[0] as Iterable<number>),
      ),
    );
    const report = probe(concatBytes(samples), 'hevc');
    expect(report).toMatchObject({ frames: 60, keyframes: [0, 30], hasBFrames: 0 });
    expect(new Set(report.pictTypes)).toEqual(new Set(['I', 'P']));
  });

  it('refuses H.265 with ffmpeg.wasm and x264-only tunes for H.265 (usage)', async () => {
    const save = join(dir, 'never.rrd');
    await expect(capture({ codec: 'h265', encoder: 'wasm', frames: 2, save })).rejects.toThrow(
      new CliError(
        'usage',
        'ffmpeg.wasm cannot encode H.265; use --encoder ffmpeg (the system ffmpeg’s libx265)',
      ),
    );
    await expect(capture({ codec: 'h265', tune: 'film', frames: 2, save })).rejects.toMatchObject({
      code: 'usage',
    });
    expect(existsSync(save)).toBe(false);
  });

  it('a --connect server that refuses the recording stops that output alone; the file is complete', async () => {
    const server = await startServer({ port: 0, token: 'the-right-token-0123456789' });
    try {
      const save = join(dir, 'connect-refused.rrd');
      const seen: CaptureSinkFailure[] = [];
      const summary = await capture({
        width: 160,
        height: 96,
        frames: 30,
        preset: 'ultrafast',
        encoder: 'ffmpeg',
        save,
        connect: server.proxyUrl,
        onSinkError: (f) => seen.push(f),
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ output: 'connect', target: server.proxyUrl });
      expect(seen[0]!.message).toBe(
        `stopped streaming to ${server.proxyUrl}: refused by the server: HTTP 401 (Unauthenticated), check its token; saving to ${save} goes on`,
      );
      expect(summary.failedSinks).toEqual(seen);
      expect(summary.frames + summary.dropped).toBe(30);
      expect((await readRecording(save)).samples).toBe(summary.frames);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a stop before the sources open (a camera or an ffmpeg that never answers): rejects at once, nothing left running', async () => {
    // The camera's ffmpeg never sends a frame; then the encoder check (auto) never answers.
    for (const options of [{ device: '/dev/null', encoder: 'wasm' as const }, {}]) {
      const hanging = hangingFfmpeg();
      const stop = new AbortController();
      const capturing = capture({ ...options, ffmpegPath: hanging.path, frames: 5, signal: stop.signal });
      const child = await hanging.childPid();
      stop.abort();
      await expect(capturing).rejects.toMatchObject({
        code: 'runtime',
        message: 'stopped before the capture started; nothing was recorded',
      });
      await waitForExit(child);
    }
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
    await expect(capture({ applicationId: 'camstream.capture', save: join(dir, 'x.rrd') })).rejects.toThrow(
      new CliError(
        'usage',
        'app id "camstream.capture" contains "." (U+002E); allowed are ASCII letters, digits, "_", "-", space, "[", "]" and ":" (no dots); expected e.g. camstream or robot_arm:front',
      ),
    );
    expect(existsSync(join(dir, 'x.rrd'))).toBe(false);
  });
});

// A real full disk: a small tmpfs mounted for the test (needs root, as in CI).
describe.skipIf(process.getuid?.() !== 0)(
  'capture() when the disk fills (a 64 KiB tmpfs; needs root)',
  { timeout: 60_000 },
  () => {
    let mount: string;
    beforeAll(() => {
      mount = mkdtempSync(join(tmpdir(), 'camstream-capture-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
    });
    afterAll(() => {
      execFileSync('umount', ['-l', mount]); // lazy: a descriptor still open must not leave it mounted
      rmSync(mount, { recursive: true, force: true });
    });

    const options = (save: string) =>
      ({
        width: 320,
        height: 192,
        frames: 3000,
        preset: 'ultrafast',
        threads: 2,
        save,
        batching: { maxRows: 5 }, // small chunks: the disk fills after several of them
      }) as const;

    it('with onSinkError: the last output failed, so the capture ends early; the file loads', async () => {
      const save = join(mount, 'handled.rrd');
      const seen: CaptureSinkFailure[] = [];
      const summary = await capture({ ...options(save), onSinkError: (f) => seen.push(f) });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        output: 'save',
        target: save,
        reason: 'disk full',
        message: `stopped saving to ${save}: disk full; nothing is left to record to, so the capture ends`,
      });
      expect(summary.failedSinks).toEqual(seen);
      expect(summary.frames).toBeLessThan(3000);
      const { messages, errors } = decodeRrd(new Uint8Array(await readFile(save)));
      expect(errors).toEqual([]); // cut back to its last whole message
      expect(messages.length).toBeGreaterThan(2);
      expect(summary.saved?.bytes).toBe((await readFile(save)).byteLength);
      rmSync(save);
    });

    it('without onSinkError: capture() rejects with a runtime CliError naming the output', async () => {
      const save = join(mount, 'unhandled.rrd');
      await expect(capture(options(save))).rejects.toThrow(
        new CliError(
          'runtime',
          `stopped saving to ${save}: disk full; nothing is left to record to, so the capture ends`,
        ),
      );
      expect(decodeRrd(new Uint8Array(await readFile(save))).errors).toEqual([]);
      rmSync(save);
    });
  },
);
