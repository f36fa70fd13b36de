import { type RecordingStream, Scalars } from '@camstream/core';
import type { EncodedFrame } from './encode.js';

/** Values in a sliding one-second window (of wall time or of video time), summed. */
class SlidingSum {
  readonly #at: number[] = [];
  readonly #values: number[] = [];
  #head = 0;
  #sum = 0;

  add(at: number, value: number): void {
    this.#at.push(at);
    this.#values.push(value);
    this.#sum += value;
    while (this.#head < this.#at.length && this.#at[this.#head]! <= at - 1000) {
      this.#sum -= this.#values[this.#head]!;
      this.#head++;
    }
    if (this.#head > 1024) {
      this.#at.splice(0, this.#head);
      this.#values.splice(0, this.#head);
      this.#head = 0;
    }
  }

  get sum(): number {
    return this.#sum;
  }
}

/**
 * Rolling rates of a capture: frames encoded in the last second of wall time (the encoder's speed), and the
 * video's bit rate over its last second of video time (so a file encoded faster than real time still shows
 * the bit rate a viewer will stream).
 */
export class RateWindow {
  readonly #frames = new SlidingSum();
  readonly #bits = new SlidingSum();

  /** Records one frame of `bytes` with PTS `pts` (ns), encoded at wall time `now` (ms). */
  add(now: number, pts: bigint, bytes: number): void {
    this.#frames.add(now, 1);
    this.#bits.add(Number(pts / 1_000_000n), bytes * 8);
  }

  /** Frames encoded in the last second. */
  get fps(): number {
    return this.#frames.sum;
  }

  /** Bits of video in its last second. */
  get bitrate(): number {
    return this.#bits.sum;
  }
}

/** Entity paths of one source's `--stats` scalars. */
export interface StatsEntities {
  readonly latency: string;
  readonly frameBytes: string;
  readonly bitrate: string;
  readonly fps: string;
  readonly dropped: string;
  /** A static `TextDocument` naming the encoder (`system ffmpeg 5.1.8 libx264`). */
  readonly encoder: string;
}

/**
 * Entity paths of the `--stats` scalars under `prefix` (decision 0010: `stats/<name>`, on the video's
 * timeline; decision 0019: `stats/<entity>/<name>` for each of several sources).
 */
export function statsEntities(prefix: string): StatsEntities {
  return {
    latency: `${prefix}/encode_latency_ms`,
    frameBytes: `${prefix}/frame_bytes`,
    bitrate: `${prefix}/bitrate_kbps`,
    fps: `${prefix}/fps`,
    dropped: `${prefix}/dropped_frames`,
    encoder: `${prefix}/encoder`,
  };
}

/** The `--stats` entities of a capture with one source. */
export const STATS_ENTITIES: StatsEntities = statsEntities('stats');

/**
 * Logs one frame's telemetry as `Scalars` at the current time of `rec` (the caller has set the frame's PTS),
 * so the viewer plots them beside the video.
 */
export function logFrameStats(
  rec: RecordingStream,
  frame: EncodedFrame,
  rates: RateWindow,
  dropped: number,
  entities: StatsEntities = STATS_ENTITIES,
): void {
  rec.log(entities.latency, new Scalars(frame.latencyMs));
  rec.log(entities.frameBytes, new Scalars(frame.sample.data.byteLength));
  rec.log(entities.bitrate, new Scalars(rates.bitrate / 1000));
  rec.log(entities.fps, new Scalars(rates.fps));
  rec.log(entities.dropped, new Scalars(dropped));
}
