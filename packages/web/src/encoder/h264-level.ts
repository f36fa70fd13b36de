import { WebError } from '../errors.js';

/** One H.264 level's limits (ITU-T H.264 table A-1; bitrates for Baseline/Main/Extended). */
export interface H264Level {
  /** Level number as written, e.g. `3.1`. */
  readonly name: string;
  /** `level_idc` as it appears in the codec string (10 × the level, 9 for 1b). */
  readonly idc: number;
  /** Maximum macroblocks per frame. */
  readonly maxFrameMbs: number;
  /** Maximum macroblocks per second. */
  readonly maxMbsPerSecond: number;
  /** Maximum video bitrate, bit/s. */
  readonly maxBitrate: number;
}

/** H.264 levels from 1 to 5.2, in increasing order. */
export const H264_LEVELS: readonly H264Level[] = [
  { name: '1', idc: 10, maxFrameMbs: 99, maxMbsPerSecond: 1_485, maxBitrate: 64_000 },
  { name: '1.1', idc: 11, maxFrameMbs: 396, maxMbsPerSecond: 3_000, maxBitrate: 192_000 },
  { name: '1.2', idc: 12, maxFrameMbs: 396, maxMbsPerSecond: 6_000, maxBitrate: 384_000 },
  { name: '1.3', idc: 13, maxFrameMbs: 396, maxMbsPerSecond: 11_880, maxBitrate: 768_000 },
  { name: '2', idc: 20, maxFrameMbs: 396, maxMbsPerSecond: 11_880, maxBitrate: 2_000_000 },
  { name: '2.1', idc: 21, maxFrameMbs: 792, maxMbsPerSecond: 19_800, maxBitrate: 4_000_000 },
  { name: '2.2', idc: 22, maxFrameMbs: 1_620, maxMbsPerSecond: 20_250, maxBitrate: 4_000_000 },
  { name: '3', idc: 30, maxFrameMbs: 1_620, maxMbsPerSecond: 40_500, maxBitrate: 10_000_000 },
  { name: '3.1', idc: 31, maxFrameMbs: 3_600, maxMbsPerSecond: 108_000, maxBitrate: 14_000_000 },
  { name: '3.2', idc: 32, maxFrameMbs: 5_120, maxMbsPerSecond: 216_000, maxBitrate: 20_000_000 },
  { name: '4', idc: 40, maxFrameMbs: 8_192, maxMbsPerSecond: 245_760, maxBitrate: 20_000_000 },
  { name: '4.1', idc: 41, maxFrameMbs: 8_192, maxMbsPerSecond: 245_760, maxBitrate: 50_000_000 },
  { name: '4.2', idc: 42, maxFrameMbs: 8_704, maxMbsPerSecond: 522_240, maxBitrate: 50_000_000 },
  { name: '5', idc: 50, maxFrameMbs: 22_080, maxMbsPerSecond: 589_824, maxBitrate: 135_000_000 },
  { name: '5.1', idc: 51, maxFrameMbs: 36_864, maxMbsPerSecond: 983_040, maxBitrate: 240_000_000 },
  { name: '5.2', idc: 52, maxFrameMbs: 36_864, maxMbsPerSecond: 2_073_600, maxBitrate: 240_000_000 },
];

/** H.264 profiles the WebCodecs encoder wrapper offers, as `profile_idc` + constraint-flags byte. */
export const H264Profile = {
  /** Constrained Baseline (`42E0`): no B-frames, no CABAC; decodes everywhere. */
  ConstrainedBaseline: '42E0',
  /** Main (`4D40`). */
  Main: '4D40',
  /** High (`6400`). */
  High: '6400',
} as const;

/** One of {@link H264Profile}'s values. */
export type H264Profile = (typeof H264Profile)[keyof typeof H264Profile];

/** What a stream needs of its level: picture size, frame rate and bitrate. */
export interface H264LevelRequirements {
  readonly width: number;
  readonly height: number;
  /** Frames per second. */
  readonly framerate: number;
  /** Bit/s; ignored when absent. */
  readonly bitrate?: number;
}

/** The lowest H.264 level whose limits fit `req`; throws `unsupported` when even 5.2 is too small. */
export function h264LevelFor(req: H264LevelRequirements): H264Level {
  if (!(req.width > 0 && req.height > 0 && req.framerate > 0)) {
    throw new WebError(
      'invalid-argument',
      `H.264 level needs a positive size and frame rate, got ${req.width}x${req.height} at ${req.framerate} fps`,
    );
  }
  const frameMbs = Math.ceil(req.width / 16) * Math.ceil(req.height / 16);
  const mbsPerSecond = frameMbs * req.framerate;
  const level = H264_LEVELS.find(
    (l) =>
      frameMbs <= l.maxFrameMbs &&
      mbsPerSecond <= l.maxMbsPerSecond &&
      (req.bitrate === undefined || req.bitrate <= l.maxBitrate),
  );
  if (level === undefined) {
    throw new WebError(
      'unsupported',
      `${req.width}x${req.height} at ${req.framerate} fps needs more than H.264 level 5.2 allows`,
    );
  }
  return level;
}

/**
 * The WebCodecs codec string (`avc1.PPCCLL`) for `profile` at the lowest level that fits `req`, e.g.
 * `avc1.42E01E` for 640x480 at 30 fps in Constrained Baseline.
 */
export function h264CodecString(
  req: H264LevelRequirements,
  profile: H264Profile = H264Profile.ConstrainedBaseline,
): string {
  const level = h264LevelFor(req);
  return `avc1.${profile}${level.idc.toString(16).toUpperCase().padStart(2, '0')}`;
}
