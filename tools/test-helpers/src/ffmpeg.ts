// Media made by Debian's ffmpeg in the test run: testsrc2 clips encoded with libx264/libx265.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs Debian's ffmpeg quietly, overwriting its outputs; a failure throws with ffmpeg's stderr in the message. */
export function ffmpeg(args: readonly string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** A test clip made by Debian's ffmpeg from `testsrc2`: closed GOPs and no B-frames unless asked. */
export interface ClipSpec {
  readonly codec: 'h264' | 'h265';
  /** File extension: the container (`h264`/`h265` for Annex B). */
  readonly container: 'mp4' | 'mkv' | 'mov' | 'h264' | 'h265';
  /** Default 30. */
  readonly frames?: number;
  /** Default 25. */
  readonly fps?: number;
  /** Default 10. */
  readonly gop?: number;
  /** H.264 profile (default high). */
  readonly profile?: 'baseline' | 'high';
  /** Keep the encoder's default B-frames (default: none). */
  readonly bFrames?: boolean;
  /** H.265: keep x265's default open GOPs (CRA pictures); default closed GOPs. */
  readonly openGop?: boolean;
  /** `WxH`, default 160x120. */
  readonly size?: string;
}

/** Encodes a clip with libx264/libx265 in the run as `<dir>/<name>.<container>`; returns its path. */
export function makeClip(dir: string, name: string, spec: ClipSpec): string {
  const out = join(dir, `${name}.${spec.container}`);
  const codecArgs =
    spec.codec === 'h264'
      ? ['-c:v', 'libx264', '-profile:v', spec.profile ?? 'high', ...(spec.bFrames ? [] : ['-bf', '0'])]
      : [
          '-c:v',
          'libx265',
          '-x265-params',
          `log-level=error${spec.bFrames ? '' : ':bframes=0'}${spec.openGop ? '' : ':open-gop=0'}`,
        ];
  const format = spec.container === 'h264' || spec.container === 'h265' ? ['-f', spec.container] : [];
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.size ?? '160x120'}:rate=${spec.fps ?? 25}`],
    ...['-frames:v', String(spec.frames ?? 30), '-pix_fmt', 'yuv420p', '-preset', 'veryfast'],
    ...codecArgs,
    ...['-g', String(spec.gop ?? 10)],
    ...format,
    out,
  ]);
  return out;
}

/**
 * Debian's ffmpeg run by hand on a Y4M file with `codecArgs` (e.g. core's `videoCodecArgs()`), writing the
 * Annex B stream (`format`, default `h264`) to `output`: what an encoder that lets ffmpeg read the file must
 * match byte for byte.
 */
export function encodeY4mByHand(
  y4m: string,
  codecArgs: readonly string[],
  output: string,
  format: 'h264' | 'hevc' = 'h264',
): void {
  ffmpeg(['-f', 'yuv4mpegpipe', '-i', y4m, ...codecArgs, '-f', format, output]);
}
