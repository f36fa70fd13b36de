import { BitstreamError } from './bitstream-error.js';
import { H265NalType, type VideoCodecName } from './nal.js';

/** H.265 non-VCL types that may begin a stream: VPS, SPS, PPS, AUD, prefix SEI. */
const H265_STREAM_START_TYPES: readonly number[] = [
  H265NalType.Vps,
  H265NalType.Sps,
  H265NalType.Pps,
  H265NalType.Aud,
  H265NalType.PrefixSei,
];

/**
 * Guesses the codec of an Annex B stream from its first NAL unit header. H.265 headers have
 * nuh_temporal_id_plus1 ≥ 1 in the second byte and, at a stream start, a VPS/SPS/PPS/AUD/SEI/IRAP type;
 * anything else is taken as H.264. Throws `bitstream-no-start-code` if there is no start code.
 */
export function detectCodec(data: Uint8Array): VideoCodecName {
  let i = 0;
  while (i < data.length && data[i] === 0) i++;
  if (i < 2 || data[i] !== 1 || i + 1 >= data.length) {
    throw new BitstreamError(
      'bitstream-no-start-code',
      'cannot detect the codec: the data does not begin with a start code',
    );
  }
  const b0 = data[i + 1] ?? 0;
  const b1 = data[i + 2] ?? 0;
  const h265Type = (b0 >>> 1) & 0x3f;
  // forbidden_zero_bit and nuh_layer_id 0, nuh_temporal_id_plus1 1; then a stream-start type or BLA, IDR, CRA.
  const h265Like =
    (b0 & 0x81) === 0 &&
    b1 === 1 &&
    (H265_STREAM_START_TYPES.includes(h265Type) ||
      (h265Type >= H265NalType.BlaWLp && h265Type <= H265NalType.Cra));
  return h265Like ? 'h265' : 'h264';
}
