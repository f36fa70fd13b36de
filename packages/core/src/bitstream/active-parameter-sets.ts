import { BitstreamError } from './bitstream-error.js';

/**
 * The PPS a slice names and the SPS that PPS names: the lookup every slice header starts with, in both
 * codecs. A missing one is a typed error naming the id.
 */
export function activeParameterSets<P extends { readonly spsId: number }, S>(
  codec: 'H.264' | 'H.265',
  ppsId: number,
  ppsById: ReadonlyMap<number, P>,
  spsById: ReadonlyMap<number, S>,
): { pps: P; sps: S } {
  const pps = ppsById.get(ppsId);
  if (!pps)
    throw new BitstreamError(
      'bitstream-invalid-slice-header',
      `${codec} slice refers to unknown PPS ${ppsId}`,
    );
  const sps = spsById.get(pps.spsId);
  if (!sps) {
    throw new BitstreamError(
      'bitstream-invalid-slice-header',
      `${codec} PPS ${ppsId} refers to unknown SPS ${pps.spsId}`,
    );
  }
  return { pps, sps };
}
