import { CliError, type CliErrorCode } from '../errors.js';

// What the encoder and the viewer can take. H.264's highest level (6.2, Table A-1 of the spec) bounds the
// frame: x264 encodes larger frames, but they take gigabytes in ffmpeg.wasm and no decoder has to play them.

/** Largest frame H.264 level 6.2 allows, in 16x16 macroblocks (MaxFS): 8192x4320 fits, 8192x8192 does not. */
export const MAX_FRAME_MACROBLOCKS = 139_264;

/**
 * Longest side: 16384 pixels, what the encoders' options and the Y4M reader take. (H.264 level 6.2 itself
 * allows sqrt(8 · MaxFS) = 1055 macroblocks, 16880 pixels, A.3.1.)
 */
export const MAX_FRAME_SIDE = 16_384;

/** Longest GOP the encoders' options take (frames). */
export const MAX_GOP = 100_000;

/** Most encoder threads: x264 runs at most 128 (X264_THREAD_MAX); more only hold memory. */
export const MAX_THREADS = 128;

/** Lowest and highest frame rate accepted (frames per second); see {@link frameRateProblem}. */
export const MIN_FPS = 0.001;
export const MAX_FPS = 1000;

/**
 * Why the encoder cannot take `width`x`height` frames (4:2:0 needs even sides; H.264 level 6.2 bounds the
 * size), phrased to follow the size (`1281x720 has an odd side; …`), or `undefined` when it can.
 */
export function frameSizeProblem(width: number, height: number): string | undefined {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 2 || height < 2) {
    return 'is not a frame size (width and height are whole numbers of at least 2)';
  }
  if (width % 2 !== 0 || height % 2 !== 0) {
    return 'has an odd side; width and height must be even (4:2:0 video)';
  }
  if (width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE) {
    return `is larger than the encoders take (each side at most ${MAX_FRAME_SIDE} pixels)`;
  }
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
  if (macroblocks > MAX_FRAME_MACROBLOCKS) {
    return `is larger than H.264 allows (level 6.2: at most ${MAX_FRAME_MACROBLOCKS} macroblocks of 16x16 such as 8192x4320; this is ${macroblocks})`;
  }
  return undefined;
}

/**
 * Why `num/den` frames per second is refused, or `undefined`. 1000 fps is the fastest high-speed cameras a
 * recorder meets and far beyond what a live encode keeps up with; 0.001 (one frame per 1000 s) is the
 * slowest time-lapse that still plays as video.
 */
export function frameRateProblem(num: number, den: number): string | undefined {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    return `frame rate ${num}/${den} is not a fraction of whole numbers; expected e.g. 30/1 or 30000/1001`;
  }
  const fps = num / den;
  if (!(fps >= MIN_FPS && fps <= MAX_FPS)) {
    return `frame rate ${num}/${den} is out of range; expected between ${MIN_FPS} and ${MAX_FPS} frames per second`;
  }
  return undefined;
}

/** Throws a {@link CliError} with `code` when the frames of `what` are too large or odd for the encoder. */
export function checkFrameSize(width: number, height: number, what: string, code: CliErrorCode): void {
  const problem = frameSizeProblem(width, height);
  if (problem !== undefined) throw new CliError(code, `${what}: ${width}x${height} ${problem}`);
}
