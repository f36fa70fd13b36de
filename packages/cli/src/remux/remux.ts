import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { perGop, RecordingStream, VideoCodec, type VideoCodecName, VideoStream } from '@camstream/core';
import { errorMessage } from '@camstream/core/media';
import { FileSink } from '@camstream/core/node';
import { parseApplicationId } from '../capture/flags.js';
import { CliError } from '../errors.js';
import { probeInputFile } from './input-file.js';
import { openVideo } from './open-video.js';
import { PlayabilityCheck } from './playability.js';

/** Progress of a {@link remux} run, reported after every frame. */
export interface RemuxProgress {
  /** Frames written so far. */
  readonly frames: number;
  /** How far through the input file, 0..1 (by bytes). */
  readonly fraction: number;
}

/** Options of {@link remux}. */
export interface RemuxOptions {
  /** Entity path of the video (default `video_stream`). */
  readonly entity?: string;
  /** Duration timeline set at each frame's presentation time (default `time`). */
  readonly timeline?: string;
  /**
   * Application id of the recording (default `camstream`): letters, digits, `_ - [ ] :` and space, at most 180
   * bytes; anything else is a `usage` error.
   */
  readonly applicationId?: string;
  /** Recording id (default: a random UUID). */
  readonly recordingId?: string;
  /** Frame rate for Annex B input, which carries no timestamps (default: the SPS timing, else 25). */
  readonly fps?: number;
  /** Called after every frame. */
  readonly onProgress?: (progress: RemuxProgress) => void;
}

/** What {@link remux} wrote. */
export interface RemuxResult {
  /** The input path, as given. */
  readonly input: string;
  /** The `.rrd` written. */
  readonly output: string;
  /** `h264` or `h265`. */
  readonly codec: VideoCodecName;
  /** The input's container (`mp4`, `matroska`, `webm`, `quicktime`, `annexb`, …). */
  readonly container: string;
  /** The recording's store id: application id and recording id. */
  readonly applicationId: string;
  readonly recordingId: string;
  /** Frames written (one sample each). */
  readonly frames: number;
  /** Samples the viewer can start decoding at (IDR with parameter sets). */
  readonly keyframes: number;
  /** Presentation time of the first and the last frame, in nanoseconds. */
  readonly firstPts: bigint | undefined;
  readonly lastPts: bigint | undefined;
  /** Size of the `.rrd` written. */
  readonly bytesWritten: number;
}

const DEFAULTS = { entity: 'video_stream', timeline: 'time', applicationId: 'camstream' } as const;

/**
 * Copies the H.264/H.265 video of `input` (MP4, MOV, MKV, WebM or Annex B) into a Rerun `VideoStream`
 * recording at `output` without re-encoding: one sample per frame, Annex B with parameter sets before
 * every IDR, timestamps from the container. Streams: the input is never whole in memory.
 *
 * Files Rerun 0.33 cannot play as they are (B-frames, open GOPs) are refused with a `CliError` that says
 * why; nothing is left at `output` then.
 */
export async function remux(input: string, output: string, options: RemuxOptions = {}): Promise<RemuxResult> {
  if (!output.toLowerCase().endsWith('.rrd')) {
    throw new CliError(
      'usage',
      `output ${output} does not end in .rrd; expected the path of the recording to write`,
    );
  }
  if (resolve(input) === resolve(output)) {
    throw new CliError('usage', `output ${output} is the input file; expected a different path`);
  }
  // Before the output is created: newer Rerun viewers would refuse or rename it.
  if (options.applicationId !== undefined) parseApplicationId(options.applicationId);
  const file = await probeInputFile(input);
  const reader = await openVideo(file, options.fps === undefined ? {} : { fps: options.fps });
  const entity = options.entity ?? DEFAULTS.entity;
  const timeline = options.timeline ?? DEFAULTS.timeline;
  let sink: FileSink;
  try {
    sink = openSink(output);
  } catch (error) {
    reader.close();
    throw error;
  }
  const rec = new RecordingStream({
    applicationId: options.applicationId ?? DEFAULTS.applicationId,
    ...(options.recordingId === undefined ? {} : { recordingId: options.recordingId }),
    sinks: [sink],
    // A file: one chunk per GOP. Wall-clock log_time would only say when the remux ran.
    batching: perGop(),
    logTime: false,
  });
  const check = new PlayabilityCheck(input);
  let frames = 0;
  let keyframes = 0;
  let firstPts: bigint | undefined;
  let lastPts: bigint | undefined;
  try {
    rec.log(entity, new VideoStream({ codec: reader.codec === 'h264' ? VideoCodec.H264 : VideoCodec.H265 }), {
      static: true,
    });
    for await (const sample of reader.samples) {
      check.check(sample);
      rec.setTime(timeline, { duration: sample.pts });
      rec.log(entity, VideoStream.fromFields({ sample: sample.au.data }));
      frames++;
      if (sample.au.isKeyframe) keyframes++;
      firstPts ??= sample.pts;
      lastPts = sample.pts;
      options.onProgress?.({ frames, fraction: sample.fraction });
    }
    if (frames === 0) throw new CliError('input', `${input} holds no video frames`);
    await rec.close();
  } catch (error) {
    // A refused or broken input leaves no half recording behind.
    reader.close();
    await rec.close().catch(() => undefined);
    await rm(output, { force: true });
    throw error;
  }
  return {
    input,
    output,
    codec: reader.codec,
    container: reader.container,
    applicationId: rec.storeId.applicationId,
    recordingId: rec.storeId.recordingId,
    frames,
    keyframes,
    firstPts,
    lastPts,
    bytesWritten: sink.bytesWritten,
  };
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

function openSink(output: string): FileSink {
  try {
    return new FileSink(output);
  } catch (error) {
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    const why = WRITE_ERRORS[code] ?? errorMessage(error);
    throw new CliError('runtime', `cannot write ${output}: ${why}`, { cause: error });
  }
}
