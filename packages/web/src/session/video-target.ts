import { RecordingStream, Scalars, VideoCodec, VideoStream } from '@camstream/core';
import type { Sink } from '@camstream/core/media';
import { errorMessage } from '@camstream/core/media';
import { WebError } from '../errors.js';
import { CameraClock, type CaptureTime, logTimeNs, TimelineOrigin } from './camera-clock.js';

/** One frame's numbers, logged as `Scalars` beside the video when a session has `logStats`. */
export interface FrameStats {
  /** Frame captured → sample logged, ms (`undefined` when the capture time is not known). */
  readonly latencyMs: number | undefined;
  readonly frameBytes: number;
  /** Encoded bit/s over the stats window. */
  readonly bitrate: number;
  /** Samples per second over the stats window. */
  readonly fps: number;
  /** Frames dropped since the run began. */
  readonly droppedFrames: number;
}

/** The names of the stats plots under a camera's stats entity (the CLI's `--stats` names). */
export const STATS_NAMES = {
  latency: 'encode_latency_ms',
  frameBytes: 'frame_bytes',
  bitrate: 'bitrate_kbps',
  fps: 'fps',
  dropped: 'dropped_frames',
} as const;

/**
 * One camera's place in a recording, which one run of a `CaptureSession` (an encoder) logs into: a recording of
 * its own, or its entity in a `SharedRecording`.
 */
export interface VideoTarget {
  readonly recordingId: string;
  /** The entity of the video, as the session was given it. */
  readonly entityPath: string;
  /** Whether opening this target began a new recording. */
  readonly newRecording: boolean;
  /** Places the camera's frames on the recording's timeline. */
  readonly clock: CameraClock;
  /** No more samples are taken (closed, or the recording closed under it). */
  readonly closed: boolean;
  /**
   * Logs one H.264 access unit at `timeNs` on the timeline, with `log_time` the frame's capture wall clock
   * (`captured`, see {@link logTimeNs}; the log call's clock when unknown), and its stats when given.
   */
  logSample(data: Uint8Array, timeNs: bigint, captured: CaptureTime | undefined, stats?: FrameStats): void;
  /** Ends this target: a recording of its own is flushed and closed; a shared recording goes on. */
  close(): Promise<void>;
}

/** What {@link VideoLogger} logs where. */
export interface VideoLoggerOptions {
  readonly entityPath: string;
  readonly timeline: string;
  /** Entity under which the stats plots go (`stats`, `stats/cameras/front`); none: no stats are logged. */
  readonly statsEntity: string | undefined;
}

/** Logs one camera's video (the static codec, then samples) and its stats into a recording. */
export class VideoLogger {
  readonly #rec: RecordingStream;
  readonly #options: VideoLoggerOptions;

  constructor(rec: RecordingStream, options: VideoLoggerOptions) {
    this.#rec = rec;
    this.#options = options;
  }

  /** Logs the codec (H.264) as static data on the entity: the viewer needs it before the first sample. */
  logCodec(): void {
    this.#rec.log(this.#options.entityPath, new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  }

  /** See {@link VideoTarget.logSample}. */
  logSample(data: Uint8Array, timeNs: bigint, captured: CaptureTime | undefined, stats?: FrameStats): void {
    const rec = this.#rec;
    const { entityPath, timeline, statsEntity } = this.#options;
    // Both times are set before every log: several cameras log into one recording, one after another.
    rec.setTime(timeline, { duration: timeNs });
    rec.setTime('log_time', { timestamp: logTimeNs(captured) });
    rec.log(entityPath, VideoStream.fromFields({ sample: data }));
    if (statsEntity === undefined || stats === undefined) return;
    if (stats.latencyMs !== undefined)
      rec.log(`${statsEntity}/${STATS_NAMES.latency}`, new Scalars(stats.latencyMs));
    rec.log(`${statsEntity}/${STATS_NAMES.frameBytes}`, new Scalars(stats.frameBytes));
    rec.log(`${statsEntity}/${STATS_NAMES.bitrate}`, new Scalars(stats.bitrate / 1000));
    rec.log(`${statsEntity}/${STATS_NAMES.fps}`, new Scalars(stats.fps));
    rec.log(`${statsEntity}/${STATS_NAMES.dropped}`, new Scalars(stats.droppedFrames));
  }
}

/** Options of {@link openOwnRecording}. */
export interface OwnRecordingOptions {
  readonly applicationId: string;
  readonly sinks: readonly Sink[];
  readonly entityPath: string;
  readonly timeline: string;
  readonly logStats: boolean;
  /** One sink failed and was taken out; others go on. */
  readonly onSinkFailed: (error: WebError) => void;
  /** The last sink failed: nothing records any more. */
  readonly onAllSinksFailed: (error: WebError) => void;
}

/**
 * A new recording for one run of a session with its own sinks (time from 0 at its first frame), with the codec
 * logged. Closing the target closes the recording and its sinks.
 */
export function openOwnRecording(options: OwnRecordingOptions): VideoTarget {
  const sinks = options.sinks;
  let failed = 0;
  const rec = new RecordingStream({
    applicationId: options.applicationId,
    sinks,
    // A sink fails alone (decision 0014): the others keep the recording; with none left there is none.
    onSinkError: ({ error }) => {
      failed++;
      const why = errorMessage(error);
      if (failed < sinks.length) {
        options.onSinkFailed(
          new WebError('sink-failed', `a sink stopped: ${why}; the other sinks go on`, { cause: error }),
        );
      } else {
        options.onAllSinksFailed(
          new WebError('sink-failed', `every sink failed, the last: ${why}`, { cause: error }),
        );
      }
    },
  });
  const logger = new VideoLogger(rec, {
    entityPath: options.entityPath,
    timeline: options.timeline,
    statsEntity: options.logStats ? 'stats' : undefined,
  });
  logger.logCodec();
  return {
    recordingId: rec.storeId.recordingId,
    entityPath: options.entityPath,
    newRecording: true,
    clock: new CameraClock(new TimelineOrigin()),
    get closed() {
      return rec.closed;
    },
    logSample: (data, timeNs, captured, stats) => logger.logSample(data, timeNs, captured, stats),
    close: () => rec.close(),
  };
}
