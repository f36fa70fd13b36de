// Native ffprobe/ffmpeg from Debian judge what camstream's encoders produced.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes } from './bytes.js';

/** ffmpeg's name of a raw Annex B format: H.264 or H.265. */
export type AnnexBFormat = 'h264' | 'hevc';

/** What ffprobe saw in an Annex B H.264 (or H.265) stream. */
export interface ProbeReport {
  /** ffprobe's codec name: `h264`, `hevc`. */
  readonly codec: string;
  readonly frames: number;
  readonly pictTypes: string[];
  readonly keyframes: number[];
  readonly hasBFrames: number;
  readonly profile: string;
  /** The picture size ffprobe read from the stream's SPS. */
  readonly width: number;
  readonly height: number;
}

/** An I420 source frame (core's `RawFrame` fits): the reference {@link psnr} compares against. */
export interface I420Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function withTemp<T>(files: Record<string, Uint8Array>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'camstream-oracle-'));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `ffprobe -show_frames -show_streams` on an Annex B stream (`format`: `h264`, the default, or `hevc`). */
export function probe(h264: Uint8Array, format: AnnexBFormat = 'h264'): ProbeReport {
  return withTemp({ 'v.h264': h264 }, (dir) => {
    const json = execFileSync(
      'ffprobe',
      ['-v', 'error', '-f', format, '-show_frames', '-show_streams', '-of', 'json', join(dir, 'v.h264')],
      { maxBuffer: 64 << 20 },
    ).toString();
    const parsed = JSON.parse(json) as {
      frames: { pict_type: string; key_frame: number }[];
      streams: { codec_name: string; has_b_frames: number; profile: string; width: number; height: number }[];
    };
    const pictTypes = parsed.frames.map((f) => f.pict_type);
    const keyframes = parsed.frames.flatMap((f, i) => (f.key_frame === 1 ? [i] : []));
    const stream = parsed.streams[0];
    return {
      codec: stream?.codec_name ?? '',
      frames: parsed.frames.length,
      pictTypes,
      keyframes,
      hasBFrames: stream?.has_b_frames ?? -1,
      profile: stream?.profile ?? '',
      width: stream?.width ?? 0,
      height: stream?.height ?? 0,
    };
  });
}

/**
 * Average PSNR (dB, over Y/U/V) of the decoded stream (`format`: `h264`, the default, or `hevc`) against the
 * I420 source frames (ffmpeg's `psnr` filter).
 */
export function psnr(h264: Uint8Array, source: readonly I420Frame[], format: AnnexBFormat = 'h264'): number {
  const first = source[0];
  if (!first) throw new Error('no source frames');
  return withTemp({ 'v.h264': h264, 'src.yuv': concatBytes(source.map((f) => f.data)) }, (dir) => {
    // Decode first: fed straight from a raw .h264, ffmpeg invents timestamps and the psnr filter pairs the wrong
    // frames. Raw against raw pairs them by position.
    const size = `${first.width}x${first.height}`;
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      format,
      '-i',
      join(dir, 'v.h264'),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      join(dir, 'dec.yuv'),
    ]);
    // ffmpeg prints the PSNR summary on stderr; spawnSync keeps it.
    const run = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostats',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-s',
        size,
        '-i',
        join(dir, 'dec.yuv'),
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-s',
        size,
        '-i',
        join(dir, 'src.yuv'),
        '-lavfi',
        '[0:v][1:v]psnr',
        '-f',
        'null',
        '-',
      ],
      { encoding: 'utf8' },
    );
    const match = /PSNR y:[\d.]+ u:[\d.]+ v:[\d.]+ average:([\d.]+|inf)/.exec(run.stderr);
    if (!match?.[1]) throw new Error(`no PSNR in ffmpeg's output: ${run.stderr.slice(-500)}`);
    return match[1] === 'inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
  });
}
