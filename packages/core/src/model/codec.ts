import { CamstreamError } from '../errors.js';

/**
 * Rerun's `VideoCodec` component values (0.33): the big-endian FourCC of the WebCodecs codec string.
 */
export const VideoCodec = {
  H264: 0x61766331, // avc1
  H265: 0x68657631, // hev1
  AV1: 0x61763031, // av01
  VP8: 0x76703038, // vp08
  VP9: 0x76703039, // vp09
} as const;

/** One of Rerun's video codec values. */
export type VideoCodec = (typeof VideoCodec)[keyof typeof VideoCodec];

const KNOWN = new Set<number>(Object.values(VideoCodec));

/** Throws `unknown-codec` unless `value` is one of {@link VideoCodec}'s values. */
export function assertVideoCodec(value: number): VideoCodec {
  if (!KNOWN.has(value)) {
    const hex = `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
    throw new CamstreamError(
      'unknown-codec',
      `unknown video codec value ${hex}; expected one of H264 (avc1), H265 (hev1), AV1 (av01), VP8 (vp08), VP9 (vp09)`,
    );
  }
  return value as VideoCodec;
}

/** The codec's name as Rerun spells it (`H264`, …). */
export function videoCodecName(value: VideoCodec): keyof typeof VideoCodec {
  for (const [name, v] of Object.entries(VideoCodec)) if (v === value) return name as keyof typeof VideoCodec;
  throw new CamstreamError('unknown-codec', `unknown video codec value ${value}`);
}
