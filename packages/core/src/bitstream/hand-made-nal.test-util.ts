// Hand-made minimal H.264 NAL units for the bitstream tests, written as hex and bit strings.

/** Lower-case hex of `bytes`. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Bytes from hex, spaces allowed. */
export const from = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

/** A NAL unit in hex: header byte(s), then the bit string padded with 1s to a byte, then `tail` bytes. */
export function nal(header: string, bitString: string, tail = 'ffee'): string {
  const b = bitString.replace(/\s/g, '');
  const padded = b + '1'.repeat((8 - (b.length % 8)) % 8);
  let out = header;
  for (let i = 0; i < padded.length; i += 8)
    out += parseInt(padded.slice(i, i + 8), 2)
      .toString(16)
      .padStart(2, '0');
  return out + tail;
}

// Baseline SPS, 16x16, log2_max_frame_num 4, POC type 2 (sps_id, log2-4, poc type, ref frames, gaps,
// width, height, frame_mbs_only, direct_8x8, cropping, vui, stop bit).
export const SPS = `${nal('6742c00a', '1 1 011 010 0 1 1 1 1 0 0 1', '')}`;
// The same with POC type 0 and a 4-bit pic_order_cnt_lsb (log2_max_pic_order_cnt_lsb_minus4 = 0).
export const SPS_POC_LSB = `${nal('6742c00a', '1 1 1 1 010 0 1 1 1 1 0 0 1', '')}`;
// PPS 0 → SPS 0, CAVLC.
export const PPS = '68ce3c80';
// IDR: first_mb 0, slice_type 7 (I), pps 0, frame_num 0, idr_pic_id 0.
export const IDR = nal('65', '1 0001000 1 0000 1');
// P slices (nal_ref_idc 2): first_mb 0, slice_type 5 (P), pps 0, frame_num 1 / 2.
export const P1 = nal('41', '1 00110 1 0001');
export const P2 = nal('41', '1 00110 1 0010');
// An access unit delimiter (primary_pic_type 7: any slice type).
export const AUD = '09f0';
// SEI with a recovery point message (recovery_frame_cnt 0), and a non-IDR I slice (frame_num 1) for it.
export const RECOVERY_POINT_SEI = '0606018080';
export const I1 = nal('41', '1 0001000 1 0001');
