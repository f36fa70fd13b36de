import { BitReader } from './bit-reader.js';
import { BitstreamError } from './bitstream-error.js';
import { removeEmulationPrevention } from './emulation-prevention.js';

/** The H.264 picture parameter set fields slice headers depend on (7.3.2.2). */
export interface H264Pps {
  /** pic_parameter_set_id. */
  readonly ppsId: number;
  /** The SPS this PPS refers to. */
  readonly spsId: number;
  /** true: CABAC, false: CAVLC. */
  readonly entropyCodingModeFlag: boolean;
  /** bottom_field_pic_order_in_frame_present_flag: slice headers carry delta_pic_order_cnt_bottom. */
  readonly bottomFieldPicOrderInFramePresent: boolean;
  /** num_slice_groups_minus1 + 1 (FMO, Baseline only). */
  readonly numSliceGroups: number;
  /** num_ref_idx_l0_default_active_minus1 + 1. */
  readonly numRefIdxL0DefaultActive: number;
  /** num_ref_idx_l1_default_active_minus1 + 1. */
  readonly numRefIdxL1DefaultActive: number;
  /** weighted_pred_flag. */
  readonly weightedPredFlag: boolean;
  /** weighted_bipred_idc. */
  readonly weightedBipredIdc: number;
  /** deblocking_filter_control_present_flag. */
  readonly deblockingFilterControlPresent: boolean;
  /** redundant_pic_cnt_present_flag. */
  readonly redundantPicCntPresent: boolean;
}

function invalid(message: string): never {
  throw new BitstreamError('bitstream-invalid-parameter-set', `invalid H.264 PPS: ${message}`);
}

/**
 * Parses an H.264 PPS NAL unit (header byte included) up to the fields slice headers need. The
 * optional tail (transform_8x8_mode_flag, PPS scaling lists) is not read: it needs the SPS and
 * no slice-header field this parser reads depends on it.
 */
export function parseH264Pps(nal: Uint8Array): H264Pps {
  if (nal.length < 2 || ((nal[0] ?? 0) & 0x1f) !== 8) invalid('not a PPS NAL unit');
  const r = new BitReader(removeEmulationPrevention(nal.subarray(1)));
  const ppsId = r.readUE();
  if (ppsId > 255) invalid(`pic_parameter_set_id ${ppsId}`);
  const spsId = r.readUE();
  if (spsId > 31) invalid(`seq_parameter_set_id ${spsId}`);
  const entropyCodingModeFlag = r.readFlag();
  const bottomFieldPicOrderInFramePresent = r.readFlag();
  const numSliceGroups = r.readUE() + 1;
  if (numSliceGroups > 8) invalid(`num_slice_groups_minus1 ${numSliceGroups - 1}`);
  if (numSliceGroups > 1) {
    const mapType = r.readUE();
    if (mapType === 0) {
      for (let i = 0; i < numSliceGroups; i++) r.readUE(); // run_length_minus1
    } else if (mapType === 2) {
      for (let i = 0; i < numSliceGroups - 1; i++) {
        r.readUE(); // top_left
        r.readUE(); // bottom_right
      }
    } else if (mapType >= 3 && mapType <= 5) {
      r.skipBits(1); // slice_group_change_direction_flag
      r.readUE(); // slice_group_change_rate_minus1
    } else if (mapType === 6) {
      const units = r.readUE() + 1;
      if (units > 139264) invalid(`pic_size_in_map_units_minus1 ${units - 1}`);
      const bits = Math.ceil(Math.log2(numSliceGroups));
      r.skipBits(units * bits);
    } else if (mapType > 6) {
      invalid(`slice_group_map_type ${mapType}`);
    }
  }
  const numRefIdxL0DefaultActive = r.readUE() + 1;
  const numRefIdxL1DefaultActive = r.readUE() + 1;
  if (numRefIdxL0DefaultActive > 32 || numRefIdxL1DefaultActive > 32)
    invalid('num_ref_idx_default_active > 32');
  const weightedPredFlag = r.readFlag();
  const weightedBipredIdc = r.readBits(2);
  r.readSE(); // pic_init_qp_minus26
  r.readSE(); // pic_init_qs_minus26
  r.readSE(); // chroma_qp_index_offset
  const deblockingFilterControlPresent = r.readFlag();
  r.skipBits(1); // constrained_intra_pred_flag
  const redundantPicCntPresent = r.readFlag();
  return {
    ppsId,
    spsId,
    entropyCodingModeFlag,
    bottomFieldPicOrderInFramePresent,
    numSliceGroups,
    numRefIdxL0DefaultActive,
    numRefIdxL1DefaultActive,
    weightedPredFlag,
    weightedBipredIdc,
    deblockingFilterControlPresent,
    redundantPicCntPresent,
  };
}
