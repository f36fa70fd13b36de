import { type AccessUnit, SummaryBuilder, type VideoCodecName } from '@camstream/core';
import type { VideoFacts } from './report.js';

/** One frame as the facts need it: the parsed access unit, its time and its stored size. */
export interface FrameFacts {
  readonly au: AccessUnit;
  /** Presentation time in nanoseconds. */
  readonly pts: bigint;
  /** Duration in nanoseconds, when known. */
  readonly duration: bigint | undefined;
  readonly storedBytes: number;
}

/**
 * Accumulates {@link VideoFacts} over frames in decode order: the bitstream facts come from core's
 * `SummaryBuilder`, the times and sizes from the container (or the recording's timeline).
 */
export class VideoFactsBuilder {
  readonly #summary: SummaryBuilder;
  #bytes = 0;
  #first: bigint | undefined;
  #min: bigint | undefined;
  #max: bigint | undefined;
  #maxEnd: bigint | undefined;
  #allHaveDuration = true;
  #lastPts: bigint | undefined;
  #reordered = false;

  constructor(codec: VideoCodecName) {
    this.#summary = new SummaryBuilder(codec);
  }

  /** Adds the next frame in decode order. */
  add(frame: FrameFacts): void {
    this.#summary.add(frame.au);
    this.#bytes += frame.storedBytes;
    const { pts } = frame;
    this.#first ??= pts;
    if (this.#lastPts !== undefined && pts < this.#lastPts) this.#reordered = true;
    this.#lastPts = pts;
    if (this.#min === undefined || pts < this.#min) this.#min = pts;
    if (this.#max === undefined || pts > this.#max) this.#max = pts;
    if (frame.duration === undefined) this.#allHaveDuration = false;
    else {
      const end = pts + frame.duration;
      if (this.#maxEnd === undefined || end > this.#maxEnd) this.#maxEnd = end;
    }
  }

  /** The facts of everything added so far. */
  finish(): VideoFacts {
    const s = this.#summary.finish();
    const spanNs = this.#span(s.frameCount);
    const duration = spanNs === undefined || spanNs <= 0n ? null : Number(spanNs) / 1e9;
    return {
      codec: s.codec,
      codecString: s.codecString ?? null,
      width: s.width ?? null,
      height: s.height ?? null,
      profile: s.profile ?? null,
      level: s.level ?? null,
      levelIdc: s.levelIdc ?? null,
      bitDepth: s.bitDepth ?? null,
      chromaFormat: s.chromaFormat ?? null,
      frames: s.frameCount,
      keyframes: s.keyframeIndices,
      gopLengths: s.gopLengths,
      maxGop: s.gopLengths.length > 0 ? Math.max(...s.gopLengths) : null,
      framesBeforeFirstKeyframe: s.framesBeforeFirstKeyframe,
      pictTypes: s.pictTypes,
      bytes: this.#bytes,
      start: this.#min === undefined ? null : Number(this.#min) / 1e9,
      duration,
      bitrate: duration === null ? null : Math.round((this.#bytes * 8) / duration),
      frameRate: duration === null ? null : s.frameCount / duration,
      bFrames: s.hasBFrames || this.#reordered,
      openGop: s.openGop,
      spsChanges: s.spsChanges,
    };
  }

  /**
   * The time the frames cover: up to the end of the last frame when every frame has a duration (what
   * ffprobe reports for a track); otherwise first to last time plus one average frame interval.
   */
  #span(frames: number): bigint | undefined {
    if (this.#min === undefined || this.#max === undefined) return undefined;
    if (this.#allHaveDuration && this.#maxEnd !== undefined) return this.#maxEnd - this.#min;
    if (frames < 2) return undefined;
    const between = this.#max - this.#min;
    return between + between / BigInt(frames - 1);
  }
}
