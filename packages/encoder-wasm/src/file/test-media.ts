// Test support (not exported): media files made by Debian's ffmpeg in the test run, and ffprobe's view of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawFrame } from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { ffmpeg } from '@camstream/test-helpers/ffmpeg';

/** A temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'camstream-file-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `frames` frames of `testsrc2` at `size` and `rate`, encoded with `codecArgs` into `path`. */
export function makeTestsrc(
  path: string,
  o: { size: string; rate: number; frames: number; codecArgs: readonly string[]; filter?: string },
): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${o.size}:rate=${o.rate}`,
    '-frames:v',
    String(o.frames),
    ...(o.filter === undefined ? [] : ['-vf', o.filter]),
    ...o.codecArgs,
    path,
  ]);
  return path;
}

/** One frame as ffprobe sees it: `best_effort_timestamp` in ticks of the stream's `time_base`. */
export interface ProbedFrame {
  readonly ticks: bigint;
  readonly timeBase: { readonly num: bigint; readonly den: bigint };
  /** `best_effort_timestamp_time`, seconds (µs precision). */
  readonly seconds: number;
}

/** ffprobe's frames of the first video stream (`inputArgs` for inputs without a header, e.g. raw video). */
export function probeFrames(path: string, inputArgs: readonly string[] = []): ProbedFrame[] {
  const json = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      ...inputArgs,
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=best_effort_timestamp,best_effort_timestamp_time:stream=time_base',
      '-of',
      'json',
      path,
    ],
    { maxBuffer: 256 << 20 },
  ).toString();
  const parsed = JSON.parse(json) as {
    frames: { best_effort_timestamp: number; best_effort_timestamp_time: string }[];
    streams: { time_base: string }[];
  };
  const [num, den] = (parsed.streams[0]?.time_base ?? '').split('/').map((s) => BigInt(s));
  if (num === undefined || den === undefined) throw new Error(`ffprobe gave no time base for ${path}`);
  return parsed.frames.map((f) => ({
    ticks: BigInt(f.best_effort_timestamp),
    timeBase: { num, den },
    seconds: Number(f.best_effort_timestamp_time),
  }));
}

/**
 * Whether `ns` is `frame`'s time in whole nanoseconds, rounded down: 0 ≤ ticks·num·10⁹/den − ns < 1, checked in
 * integers (0 ≤ ticks·num·10⁹ − ns·den < den).
 */
export function isFlooredNanos(ns: bigint, frame: ProbedFrame): boolean {
  const diff = frame.ticks * frame.timeBase.num * 1_000_000_000n - ns * frame.timeBase.den;
  return diff >= 0n && diff < frame.timeBase.den;
}

/** The file decoded by Debian's ffmpeg to packed I420 (the reference the wasm decoder must match). */
export function nativeDecode(path: string, dir: string, inputArgs: readonly string[] = []): Uint8Array {
  const out = join(dir, 'native.yuv');
  ffmpeg([
    ...inputArgs,
    '-i',
    path,
    '-map',
    '0:v:0',
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'rawvideo',
    out,
  ]);
  const bytes = readFileSync(out);
  rmSync(out);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Collects an async iterable. */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Packs frames' pixels one after the other. */
export function pack(frames: readonly RawFrame[]): Uint8Array {
  return concatBytes(frames.map((f) => f.data));
}
