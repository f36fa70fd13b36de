/**
 * WebCodecs / RFC 6381 codec strings, which Rerun uses to configure the browser's decoder.
 */

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** `avc1.PPCCLL`: profile_idc, the constraint-flags byte and level_idc, in hex. */
export function avcCodecString(profileIdc: number, constraintFlags: number, levelIdc: number): string {
  return `avc1.${hex2(profileIdc)}${hex2(constraintFlags)}${hex2(levelIdc)}`;
}

/** The general profile/tier/level fields an `hev1.…` codec string is built from. */
export interface HevcProfileTierLevel {
  /** general_profile_space (0–3). */
  readonly profileSpace: number;
  /** general_tier_flag: 0 Main tier, 1 High tier. */
  readonly tierFlag: number;
  /** general_profile_idc (1 Main, 2 Main 10, 3 Main Still Picture, 4 RExt, …). */
  readonly profileIdc: number;
  /** general_profile_compatibility_flag[0..31], flag j at bit 31 − j. */
  readonly compatibilityFlags: number;
  /** The 48 constraint-indicator bits, as 6 bytes. */
  readonly constraintIndicatorFlags: readonly number[];
  /** general_level_idc (30 × the level number). */
  readonly levelIdc: number;
}

/**
 * `hev1.P.C.TL.B…` (ISO/IEC 14496-15 annex E): profile space letter and profile_idc, the compatibility
 * flags bit-reversed in hex, tier letter and level_idc, then the constraint bytes without trailing zero
 * bytes. `hev1` because the parameter sets travel in-band, as Rerun expects.
 */
export function hevcCodecString(ptl: HevcProfileTierLevel, fourcc: 'hev1' | 'hvc1' = 'hev1'): string {
  const space = ['', 'A', 'B', 'C'][ptl.profileSpace] ?? '';
  let reversed = 0;
  for (let j = 0; j < 32; j++) if ((ptl.compatibilityFlags >>> (31 - j)) & 1) reversed |= 1 << j;
  const tier = ptl.tierFlag ? 'H' : 'L';
  const bytes = [...ptl.constraintIndicatorFlags];
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  const constraints = bytes.map((b) => `.${b.toString(16).toUpperCase()}`).join('');
  return `${fourcc}.${space}${ptl.profileIdc}.${(reversed >>> 0).toString(16).toUpperCase()}.${tier}${ptl.levelIdc}${constraints}`;
}

const H264_PROFILES: Readonly<Record<number, string>> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4 Predictive',
  44: 'CAVLC 4:4:4 Intra',
  83: 'Scalable Baseline',
  86: 'Scalable High',
  118: 'Multiview High',
  128: 'Stereo High',
  134: 'MFC High',
  135: 'MFC Depth High',
  138: 'Multiview Depth High',
  139: 'Enhanced Multiview Depth High',
};

/**
 * H.264 profile name as ffprobe prints it, refined by the constraint flags (Constrained Baseline,
 * High 10 Intra, …).
 */
export function h264ProfileName(profileIdc: number, constraintFlags: number): string {
  const set1 = (constraintFlags & 0x40) !== 0;
  const set3 = (constraintFlags & 0x10) !== 0;
  if (profileIdc === 66 && set1) return 'Constrained Baseline';
  if (set3 && (profileIdc === 110 || profileIdc === 122 || profileIdc === 244)) {
    return `${H264_PROFILES[profileIdc]} Intra`;
  }
  return H264_PROFILES[profileIdc] ?? `profile ${profileIdc}`;
}

/** H.264 level number (e.g. 3.1) from level_idc; level 1b (Baseline/Main/Extended, level_idc 11 + set3) is 1.1 here. */
export function h264LevelNumber(levelIdc: number): number {
  return levelIdc / 10;
}

const H265_PROFILES: Readonly<Record<number, string>> = {
  1: 'Main',
  2: 'Main 10',
  3: 'Main Still Picture',
  4: 'Rext',
  5: 'High Throughput',
  6: 'Multiview Main',
  7: 'Scalable Main',
  8: '3D Main',
  9: 'Screen Content Coding',
  10: 'Scalable Rext',
  11: 'High Throughput Screen Content Coding',
};

/** H.265 profile name as ffprobe prints it. */
export function h265ProfileName(profileIdc: number): string {
  return H265_PROFILES[profileIdc] ?? `profile ${profileIdc}`;
}

/** H.265 level number (e.g. 3.1) from general_level_idc (30 × level). */
export function h265LevelNumber(levelIdc: number): number {
  return levelIdc / 30;
}
