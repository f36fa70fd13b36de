// Annex B test streams made in the run by Debian's ffmpeg (libx264, libx265), for the bitstream tests.
import { execFileSync } from 'node:child_process';

/** Whether ffmpeg with libx264 and libx265 is installed; tests that need encoder output skip without it. */
export const HAS_X264_AND_X265: boolean = (() => {
  try {
    const encoders = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
    return encoders.includes('libx264') && encoders.includes('libx265');
  } catch {
    return false;
  }
})();

/** Codec options for {@link encodeTestStream}: x264 veryfast, or x265 ultrafast with these `-x265-params`. */
export const x264 = (...args: string[]): string[] => ['-c:v', 'libx264', '-preset', 'veryfast', ...args];
export const x265 = (params: string, ...args: string[]): string[] => [
  '-c:v',
  'libx265',
  '-preset',
  'ultrafast',
  ...args,
  '-x265-params',
  `${params}:log-level=error`,
];

/**
 * `frames` frames of ffmpeg's testsrc2 at `size` (e.g. `'176x144'`), 10 fps, yuv420p, encoded with
 * `codecArgs` on one thread, as a raw Annex B stream (`-f h264` / `-f hevc` from the codec).
 */
export function encodeTestStream(size: string, frames: number, codecArgs: readonly string[]): Uint8Array {
  const format = codecArgs.includes('libx265') ? 'hevc' : 'h264';
  const out = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10`],
      ...[
        '-frames:v',
        String(frames),
        '-pix_fmt',
        'yuv420p',
        ...codecArgs,
        '-threads',
        '1',
        '-f',
        format,
        '-',
      ],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
