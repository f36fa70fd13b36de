import type { SliceType } from './h264-slice.js';
import type { H264Sps } from './h264-sps.js';
import type { H265Sps } from './h265-ps.js';
import type { RandomAccessKind, VideoCodecName } from './nal.js';

/**
 * One access unit: exactly one coded picture, as one contiguous Annex B sample. This is what Rerun's
 * `VideoStream:sample` wants (one frame per sample, parameter sets in-band before IDR slices).
 */
export interface AccessUnit {
  /** Annex B bytes of the access unit, from its first start code to the end of its last NAL unit. */
  readonly data: Uint8Array;
  readonly codec: VideoCodecName;
  /** Codec string of the active SPS (`avc1.…` / `hev1.…`); undefined until an SPS has parsed. */
  readonly codecString: string | undefined;
  /**
   * Keyframe as Rerun 0.33 sees it: the sample holds an SPS that parses and an IDR slice.
   * A CRA (open GOP) picture is not one; see {@link AccessUnit.randomAccess}.
   */
  readonly isKeyframe: boolean;
  /** Random-access point kind: `idr`, `cra` (open GOP), `bla`, `recovery-point`; undefined for other pictures. */
  readonly randomAccess: RandomAccessKind | undefined;
  /** Decode-order index, from 0. */
  readonly index: number;
  /** nal_unit_type of each NAL unit, in order (inserted parameter sets included). */
  readonly nalTypes: readonly number[];
  /** Slice type of each (independent) slice, in order. */
  readonly sliceTypes: readonly SliceType[];
  /** Picture type as ffprobe's `pict_type` reports it: the first slice's type; undefined if it did not parse. */
  readonly pictType: SliceType | undefined;
  /** Picture order count within its coded video sequence; undefined if the slice header did not parse. */
  readonly poc: number | undefined;
  /**
   * Coded video sequence counter (+1 at every IDR/BLA). `(sequence, poc)` orders pictures for
   * presentation; `index` is the decode order: together they are the PTS/DTS-ready representation.
   */
  readonly sequence: number;
  /** H.264 frame_num (undefined for H.265 or when the slice header did not parse). */
  readonly frameNum: number | undefined;
  /** True unless nothing references the picture (H.264 nal_ref_idc = 0, H.265 sub-layer non-reference). */
  readonly isReference: boolean;
  /** Slice types include B, or the POC went backwards in decode order: pictures are reordered. */
  readonly hasBFrames: boolean;
  /** True if the splitter inserted the stored parameter sets into this sample. */
  readonly parameterSetsInserted: boolean;
  /** The SPS active for this picture, if known. */
  readonly sps: H264Sps | H265Sps | undefined;
}
