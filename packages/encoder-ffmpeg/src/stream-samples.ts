import { type AccessUnit, AccessUnitSplitter, type EncodedSample, VideoCodec } from '@camstream/core/media';

/**
 * Core's splitter as ffmpeg's output needs it. `wholePackets`: each push is exactly one access unit (the live
 * tee's packets), so the splitter may stop at its first slice; otherwise the stream comes in arbitrary pieces
 * and frames may have several slices (threads). Every piece pushed is a buffer of its own that nothing reuses
 * (a pipe read, a packet cut out), so a sample inside one piece is a view of it, not a copy (an allocation
 * and a copy less per frame). x265 is asked for closed GOPs (Rerun needs them): a CRA in its output is an
 * error, not a keyframe.
 */
export function ffmpegSplitter(codec: 'h264' | 'h265', wholePackets: boolean): AccessUnitSplitter {
  return new AccessUnitSplitter({
    codec,
    copy: 'when-needed',
    firstSliceOnly: wholePackets,
    ...(codec === 'h265' ? { openGop: 'error' as const } : {}),
  });
}

/** The sample of access unit `au`, the `index`th out, with its frame's `pts`. */
export function sampleOf(au: AccessUnit, codec: VideoCodec, pts: bigint, index: number): EncodedSample {
  return {
    codec,
    codecString: au.codecString ?? (codec === VideoCodec.H265 ? 'hev1' : 'avc1'),
    data: au.data,
    pts,
    isKeyframe: au.isKeyframe,
    index,
  };
}
