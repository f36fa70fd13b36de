import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { decodeRrd, isKeyframeSample } from '@camstream/core';
import { expect } from 'vitest';
import { sizeOf, testsrcArgs } from '../harness/media.js';

/** Debian's ffmpeg, quiet. */
export const FFMPEG = '/usr/bin/ffmpeg';

/** Writes `frames` frames of ffmpeg's testsrc2 at `size`/`fps` to `path` in the format its extension or `format` says. */
export function makeTestsrc2(
  path: string,
  options: {
    size: string;
    fps: number;
    frames: number;
    pixFmt?: string;
    format?: string;
    /** Encode with this codec (e.g. `libx264`, no B-frames) instead of writing raw frames. */
    codec?: string;
    /** A video filter (e.g. a `select` that makes the frame rate variable); timestamps pass through. */
    filter?: string;
  },
): void {
  execFileSync(FFMPEG, [
    ...testsrcArgs({ ...sizeOf(options.size), fps: options.fps, frames: options.frames }),
    ...(options.filter === undefined ? [] : ['-vf', options.filter, '-fps_mode', 'passthrough']),
    ...(options.codec === undefined ? [] : ['-c:v', options.codec, '-bf', '0']),
    '-pix_fmt',
    options.pixFmt ?? 'yuv420p',
    ...(options.format === undefined ? [] : ['-f', options.format]),
    path,
  ]);
}

/** ffmpeg writing testsrc2 as Y4M to its stdout (what `… -f yuv4mpegpipe - | camstream capture --input -` does). */
export function testsrc2Y4mPipe(options: { size: string; fps: number; frames: number }): Readable {
  const child = spawn(
    FFMPEG,
    [
      ...testsrcArgs({ ...sizeOf(options.size), fps: options.fps, frames: options.frames, overwrite: false }),
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      '-',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return child.stdout;
}

/** What a saved recording holds: its recording id, the video's sample count and `time` values. */
export interface SavedRecording {
  readonly recordingId: string | undefined;
  readonly samples: number;
  readonly keyframeSamples: number;
  readonly times: bigint[];
  readonly entities: string[];
}

/**
 * The `time` values of `entity` in a `.rrd` still being written: what decodes so far (the last message may be
 * only partly on disk, so decoding errors are expected and ignored).
 */
export function savedTimesSoFar(path: string, entity: string): bigint[] {
  const { messages } = decodeRrd(new Uint8Array(readFileSync(path)));
  return messages.flatMap((m) =>
    m.kind === 'arrow_msg' && !m.chunk.isStatic && m.chunk.entityPath === entity
      ? (m.chunk.timelines.find((t) => t.name === 'time')?.values ?? [])
      : [],
  );
}

/** Decodes a `.rrd` with core's decoder; a file that does not decode cleanly fails the test. */
export function readSaved(path: string, entity = '/video_stream'): SavedRecording {
  const { messages, errors } = decodeRrd(new Uint8Array(readFileSync(path)));
  expect(errors).toEqual([]);
  const info = messages.find((m) => m.kind === 'set_store_info');
  const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk] : []));
  const video = chunks.filter((c) => c.entityPath === entity);
  const samples = video.flatMap(
    (c) => c.components.find((x) => x.component === 'VideoStream:sample')?.rows ?? [],
  );
  return {
    recordingId: info?.kind === 'set_store_info' ? info.storeId.recordingId : undefined,
    samples: samples.length,
    keyframeSamples: samples.filter(
      (row) => row !== null && isKeyframeSample(Uint8Array.from(row[0] as Iterable<number>), 'h264'),
    ).length,
    times: video.flatMap((c) => c.timelines.find((t) => t.name === 'time')?.values ?? []),
    entities: [...new Set(chunks.map((c) => c.entityPath))].sort(),
  };
}
