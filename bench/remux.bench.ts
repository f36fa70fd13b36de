/**
 * `camstream remux` throughput: a ~100 MB H.264 MP4 made once by Debian's ffmpeg (testsrc2 with
 * temporal noise, 1280x720, ultrafast, 42 Mb/s, no B-frames; cached in the OS temp dir) remuxed to an `.rrd` through the
 * Node API, in MB of input per second, against a streaming copy of the same file with 1 MiB buffers
 * (createReadStream → createWriteStream), the anchor. Rounds interleaved, medians of ROUNDS (≥ 5).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { remux } from '@camstream/cli';
import { fmt, interleave, type SummaryRow, writeResults } from './lib.js';

const ROUNDS = Math.max(5, Number(process.env.CAMSTREAM_BENCH_ROUNDS ?? 5));
const SECONDS = 20;
const FPS = 30;
const BITRATE = '42M';
const COPY_BUFFER = 1 << 20;

function inputPath(): string {
  const path = join(tmpdir(), `camstream-bench-remux-720p-noise-${SECONDS}s-${BITRATE}.mp4`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.partial.mp4`;
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      // Temporal noise keeps x264 at the target bitrate: testsrc2 alone compresses to half of it.
      ...['-i', `testsrc2=size=1280x720:rate=${FPS}`, '-t', String(SECONDS), '-vf', 'noise=alls=12:allf=t'],
      ...['-pix_fmt', 'yuv420p'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-g', String(FPS)],
      ...['-b:v', BITRATE, '-minrate', BITRATE, '-maxrate', BITRATE, '-bufsize', '8M', partial],
    ]);
    renameSync(partial, path);
  }
  return path;
}

const input = inputPath();
const bytes = statSync(input).size;
const megabytes = bytes / 1e6;
const outDir = tmpdir();
let frames = 0;

async function timed(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return megabytes / (Number(process.hrtime.bigint() - start) / 1e9);
}

const measurements = await interleave(
  ROUNDS,
  {
    remux: {
      unit: 'MB/s',
      run: () =>
        timed(async () => {
          const out = join(outDir, `camstream-bench-remux-${process.pid}.rrd`);
          const result = await remux(input, out);
          frames = result.frames;
          rmSync(out);
        }),
    },
    'streaming copy (1 MiB buffers)': {
      unit: 'MB/s',
      run: () =>
        timed(async () => {
          const out = join(outDir, `camstream-bench-copy-${process.pid}.mp4`);
          await pipeline(
            createReadStream(input, { highWaterMark: COPY_BUFFER }),
            createWriteStream(out, { highWaterMark: COPY_BUFFER }),
          );
          rmSync(out);
        }),
    },
  },
  1,
);

const remuxed = measurements.remux!;
const copy = measurements['streaming copy (1 MiB buffers)']!;
const ratio = remuxed.median / copy.median;
const summary: SummaryRow[] = [
  {
    metric: `remux ${fmt(megabytes, 1)} MB MP4 (${frames} frames 1280x720) → .rrd`,
    value: `${fmt(remuxed.median, 0)} MB/s`,
    anchor: `streaming copy ${fmt(copy.median, 0)} MB/s`,
    ratio: `${fmt(ratio)}×`,
    goal: `≥ 0.5× ${ratio >= 0.5 ? '✓' : '✗'}`,
  },
];
const notes = [
  `${ROUNDS} interleaved rounds after 1 warm-up round; medians. Input from the OS page cache in both cases.`,
  `peak RSS of the bench process: ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MB for a ${fmt(megabytes, 0)} MB input (remux and copy rounds together; mediabunny cache 32 MiB).`,
];

export const table = writeResults('remux', { summary, measurements, notes });
