import type { AccessUnit, VideoCodecName } from '@camstream/core';

/** One frame read from a video file: an Annex B access unit with its presentation time. */
export interface DemuxedSample {
  /** The access unit, parsed by core's splitter (parameter sets in front of every IDR). */
  readonly au: AccessUnit;
  /** Presentation time in nanoseconds: the container's, or frame index × frame duration for Annex B. */
  readonly pts: bigint;
  /** Duration in nanoseconds, when the container says. */
  readonly duration: bigint | undefined;
  /** Bytes the frame takes in the file (length-prefixed for containers, Annex B otherwise). */
  readonly storedBytes: number;
  /** How far through the file this frame lies, 0..1 (by bytes). */
  readonly fraction: number;
}

/** A video track being read frame by frame, in decode order. */
export interface VideoSampleReader {
  /** `h264` or `h265`. */
  readonly codec: VideoCodecName;
  /** `mp4`, `quicktime`, `matroska`, `webm` or `annexb`. */
  readonly container: string;
  /** The frames in decode order. The reader closes the file when iteration ends or stops. */
  readonly samples: AsyncIterable<DemuxedSample>;
  /** Releases the file if `samples` is never iterated to its end. Idempotent. */
  close(): void;
}

const NS_PER_SECOND = 1_000_000_000n;

/**
 * Seconds (as the demuxer gives them) to integer nanoseconds, exactly on the container's clock: the
 * seconds are first snapped to the nearest tick of `ticksPerSecond`, so 1/90000 s stays 11111 ns
 * without float drift.
 */
export function secondsToNanos(seconds: number, ticksPerSecond: number): bigint {
  if (Number.isInteger(ticksPerSecond) && ticksPerSecond > 0) {
    const ticks = BigInt(Math.round(seconds * ticksPerSecond));
    const scale = BigInt(ticksPerSecond);
    const scaled = ticks * NS_PER_SECOND;
    // Round half away from zero, like Math.round on the magnitude.
    const half = scale / 2n;
    return scaled >= 0n ? (scaled + half) / scale : -((-scaled + half) / scale);
  }
  return BigInt(Math.round(seconds * 1e9));
}
