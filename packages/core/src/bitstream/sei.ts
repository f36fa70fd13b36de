import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import { removeEmulationPrevention } from './emulation-prevention.js';

/** SEI payloadType of the recovery point message (H.264 D.1.8, H.265 D.2.8). */
export const SEI_RECOVERY_POINT = 6;

/**
 * Walks the SEI messages of an SEI NAL unit (header included) and returns recovery_frame_cnt of its
 * recovery point message, or undefined if it has none. A recovery point on a non-IDR I-frame is how
 * x264 marks open-GOP random access points: decoders can start there, Rerun 0.33 cannot.
 */
export function findRecoveryPoint(nal: Uint8Array, headerLength: 1 | 2): number | undefined {
  const rbsp = removeEmulationPrevention(nal.subarray(headerLength));
  let pos = 0;
  // Each message: payloadType and payloadSize coded as runs of 0xFF plus a last byte (7.3.2.3.1).
  while (pos < rbsp.length && !(rbsp[pos] === 0x80 && pos === rbsp.length - 1)) {
    let type = 0;
    while (rbsp[pos] === 0xff) {
      type += 255;
      pos++;
    }
    type += rbsp[pos++] ?? 0;
    let size = 0;
    while (rbsp[pos] === 0xff) {
      size += 255;
      pos++;
    }
    size += rbsp[pos++] ?? 0;
    if (pos + size > rbsp.length) {
      throw new BitstreamError('bitstream-truncated', `SEI message of ${size} bytes overruns its NAL unit`);
    }
    if (type === SEI_RECOVERY_POINT) return new BitReader(rbsp, pos, pos + size).readUE();
    pos += size;
  }
  return undefined;
}
