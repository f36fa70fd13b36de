/** The video codecs camstream streams. */
export type EncoderCodec = 'h264' | 'h265';

/**
 * How ffmpeg drives an encoder: `software` (libx264, libx265), the hardware families `nvenc` (NVIDIA), `vaapi`
 * (Intel/AMD on Linux) and `qsv` (Intel Quick Sync), and `other` (any other name: only the generic options).
 */
export type EncoderFamily = 'software' | 'nvenc' | 'vaapi' | 'qsv' | 'other';

/** What camstream knows about one ffmpeg encoder name. */
export interface EncoderKind {
  /** ffmpeg's encoder name (`-c:v`). */
  readonly name: string;
  /** The codec it writes, from its name. */
  readonly codec: EncoderCodec;
  /** How its options are built. */
  readonly family: EncoderFamily;
  /** Whether it runs on a GPU or a media engine: the hardware families, and `other` names not starting with `lib`. */
  readonly hardware: boolean;
}

/** The encoders `probeEncoders` tries when ffmpeg lists them: software first, then each hardware family. */
export const KNOWN_ENCODERS = [
  'libx264',
  'libx265',
  'h264_nvenc',
  'hevc_nvenc',
  'h264_vaapi',
  'hevc_vaapi',
  'h264_qsv',
  'hevc_qsv',
] as const;

const FAMILY_SUFFIXES: readonly (readonly [string, EncoderFamily])[] = [
  ['_nvenc', 'nvenc'],
  ['_vaapi', 'vaapi'],
  ['_qsv', 'qsv'],
];

/**
 * The family and codec of an ffmpeg encoder name: `libx264`/`libx265` are software, `*_nvenc`, `*_vaapi`,
 * `*_qsv` their hardware family, anything else `other`. The codec is H.265 when the name says `hevc` or `265`,
 * else H.264 (`h264_v4l2m2m` → h264, `hevc_v4l2m2m` → h265).
 */
export function describeEncoder(name: string): EncoderKind {
  const codec: EncoderCodec = /hevc|265/i.test(name) ? 'h265' : 'h264';
  if (name === 'libx264' || name === 'libx265') return { name, codec, family: 'software', hardware: false };
  const family = FAMILY_SUFFIXES.find(([suffix]) => name.endsWith(suffix))?.[1] ?? 'other';
  // ffmpeg's software encoders are wrappers of libraries (libopenh264, libkvazaar); the rest drive devices.
  return { name, codec, family, hardware: family !== 'other' || !name.startsWith('lib') };
}
