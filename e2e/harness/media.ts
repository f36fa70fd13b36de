import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options for an H.264 test clip made by Debian's ffmpeg. */
export interface ClipOptions {
  width: number;
  height: number;
  fps: number;
  frames: number;
  profile: 'baseline' | 'high';
  gop: number;
}

/**
 * Encodes `testsrc2` with Debian's libx264 (`-bf 0`, AUDs on) to a raw Annex B stream, as the issue's
 * reference clips: real encoder output, made in the test run.
 */
export function makeH264Clip(options: ClipOptions): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'camstream-e2e-'));
  const out = join(dir, `clip-${options.profile}.h264`);
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${options.width}x${options.height}:rate=${options.fps}`,
      '-frames:v',
      String(options.frames),
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
  return new Uint8Array(readFileSync(out));
}

/**
 * Cuts an Annex B stream with AUDs (`aud=1`) into access units at each AUD (NAL type 9). A stand-in for the
 * core's bitstream parser, which replaces it once it lands.
 */
export function splitAtAud(stream: Uint8Array): { data: Uint8Array; isKeyframe: boolean }[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1 && (stream[i + 3]! & 0x1f) === 9) {
      starts.push(i > 0 && stream[i - 1] === 0 ? i - 1 : i);
    }
  }
  return starts.map((start, k) => {
    const data = stream.subarray(start, starts[k + 1] ?? stream.length);
    let isKeyframe = false;
    for (let i = 0; i + 3 < data.length; i++) {
      if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1 && (data[i + 3]! & 0x1f) === 5)
        isKeyframe = true;
    }
    return { data, isKeyframe };
  });
}
