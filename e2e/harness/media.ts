import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { type AccessUnit, AccessUnitSplitter } from '@camstream/core';

/**
 * Debian ffmpeg's arguments up to the output options: quiet, overwriting (unless `overwrite: false`), input
 * `testsrc2` at `width`x`height` and `fps`, and `frames` frames if given.
 */
export function testsrcArgs(options: {
  width: number;
  height: number;
  fps: number;
  frames?: number;
  overwrite?: boolean;
}): string[] {
  const { width, height, fps, frames, overwrite = true } = options;
  return [
    ...['-hide_banner', '-loglevel', 'error', ...(overwrite ? ['-y'] : [])],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`],
    ...(frames === undefined ? [] : ['-frames:v', String(frames)]),
  ];
}

/** `testsrcArgs`' `width` and `height` from a `WxH` size string. */
export function sizeOf(size: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (match === null) throw new Error(`not a WxH size: ${size}`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Options for an H.264 test clip made by Debian's ffmpeg. */
export interface ClipOptions {
  width: number;
  height: number;
  fps: number;
  frames: number;
  profile: 'baseline' | 'high';
  gop: number;
  /** Access unit delimiters (`-x264-params aud=1`). */
  aud?: boolean;
}

/**
 * Test media made by Debian's ffmpeg once per machine: `<temp dir>/camstream-<name>`, where `name` says every
 * parameter of the media. `make` writes it to the path it is given, which is renamed into place whole, so test
 * files running at once share one copy and repeated runs leave one file, not one per run.
 */
export function cachedMedia(name: string, make: (path: string) => void): string {
  const path = join(tmpdir(), `camstream-${name}`);
  if (existsSync(path)) return path;
  // The partial file keeps the extension: ffmpeg picks its muxer from it.
  const partial = join(tmpdir(), `camstream-partial-${process.pid}-${threadId}-${name}`);
  make(partial);
  renameSync(partial, path);
  return path;
}

/**
 * Encodes `testsrc2` with Debian's libx264 (`-bf 0`) to a raw Annex B stream: reference clips of real
 * encoder output, made in the test run (once per machine, {@link cachedMedia}).
 */
export function makeH264Clip(options: ClipOptions): { path: string; bytes: Uint8Array } {
  const { width, height, fps, frames, profile, gop } = options;
  const name = `clip-${width}x${height}-${fps}fps-${frames}f-${profile}-g${gop}.h264`;
  const path = cachedMedia(name, (out) => encodeClip(options, out));
  return { path, bytes: new Uint8Array(readFileSync(path)) };
}

function encodeClip(options: ClipOptions, out: string): void {
  execFileSync(
    'ffmpeg',
    [
      ...testsrcArgs(options),
      '-c:v',
      'libx264',
      '-profile:v',
      options.profile,
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-bf',
      '0',
      '-g',
      String(options.gop),
      '-x264-params',
      'aud=1',
      '-f',
      'h264',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Splits an Annex B stream into access units (one frame each) with the core's bitstream parser. */
export function splitAccessUnits(stream: Uint8Array, codec: 'h264' | 'h265' = 'h264'): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec, copy: 'always' });
  return [...splitter.push(stream), ...splitter.end()];
}

/** ffprobe's view of a file's frames: `key_frame` and `pict_type` in presentation order. */
export function probeFrames(path: string): { keyFrame: boolean; pictType: string }[] {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_frames',
      '-show_entries',
      'frame=key_frame,pict_type',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  const frames = (JSON.parse(out) as { frames: { key_frame: number; pict_type: string }[] }).frames;
  return frames.map((f) => ({ keyFrame: f.key_frame === 1, pictType: f.pict_type }));
}
