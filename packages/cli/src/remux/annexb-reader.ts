import { createReadStream } from 'node:fs';
import { type AccessUnit, AccessUnitSplitter, detectCodec } from '@camstream/core';
import { errorMessage, isCamstreamError } from '@camstream/core/media';
import { CliError } from '../errors.js';
import { fileError, type InputFile } from './input-file.js';
import type { DemuxedSample, VideoSampleReader } from './video-samples.js';

/** Options of {@link openAnnexB}. */
export interface AnnexBReaderOptions {
  /** Frame rate for timestamps (Annex B carries none). Default: the SPS timing info, else 25 like ffmpeg. */
  readonly fps?: number;
}

/** ffmpeg's raw H.264/H.265 demuxer assumes 25 fps when nothing says otherwise. */
const DEFAULT_FPS = 25;
const READ_BYTES = 1 << 20;

/**
 * Reads an Annex B elementary stream (`.h264`/`.h265`) in 1 MiB pieces through core's access-unit
 * splitter. Frame `i` gets the timestamp `i / fps`; parameter sets are repeated in front of every IDR.
 */
export function openAnnexB(file: InputFile, options: AnnexBReaderOptions = {}): VideoSampleReader {
  if (options.fps !== undefined && frameNanos(options.fps) === undefined) {
    throw new CliError(
      'usage',
      `--fps ${options.fps} is not a frame rate; expected a positive number such as 30`,
    );
  }
  let codec: ReturnType<typeof detectCodec>;
  try {
    codec = detectCodec(file.head);
  } catch (error) {
    throw new CliError('input', `${file.path}: ${errorMessage(error)}`, { cause: error });
  }
  // The file is opened when iteration starts and closed when it stops: nothing to release before.
  return { codec, container: 'annexb', samples: readAnnexB(file, codec, options.fps), close: () => {} };
}

async function* readAnnexB(
  file: InputFile,
  codec: ReturnType<typeof detectCodec>,
  fps: number | undefined,
): AsyncGenerator<DemuxedSample> {
  const splitter = new AccessUnitSplitter({
    codec,
    insertParameterSets: true,
    bFrames: 'allow',
    openGop: 'allow',
  });
  let frameNs: bigint | undefined = fps === undefined ? undefined : frameDuration(fps);
  let read = 0;
  let index = 0;
  const stamp = (au: AccessUnit): DemuxedSample => {
    frameNs ??= frameDuration(spsFrameRate(au) ?? DEFAULT_FPS);
    const pts = BigInt(index++) * frameNs;
    return { au, pts, duration: frameNs, storedBytes: au.data.byteLength, fraction: read / file.size };
  };
  try {
    for await (const piece of createReadStream(file.path, { highWaterMark: READ_BYTES })) {
      const bytes = piece as Buffer;
      read += bytes.byteLength;
      for (const au of splitter.push(bytes)) yield stamp(au);
    }
    for (const au of splitter.end()) yield stamp(au);
  } catch (error) {
    const fsError = fileError(file.path, error);
    if (fsError instanceof CliError) throw fsError;
    if (isCamstreamError(error)) {
      throw new CliError('input', `${file.path} is not a valid ${codec} stream: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Nanoseconds per frame, rounded to the nanosecond (29.97 fps: 33366700 ns). A rate that gives no duration (SPS
 * timing can say anything: a time_scale of 0 is a rate of 0) gets ffmpeg's 25 fps.
 */
function frameDuration(fps: number): bigint {
  return BigInt(frameNanos(fps) ?? Math.round(1e9 / DEFAULT_FPS));
}

/** Nanoseconds per frame at `fps`, or undefined when that is no duration (a rate of 0 or below, or over 10^9). */
function frameNanos(fps: number): number | undefined {
  const ns = Math.round(1e9 / fps);
  return Number.isSafeInteger(ns) && ns >= 1 ? ns : undefined;
}

/** The frame rate an H.264 SPS states in its VUI timing info (it counts fields: two ticks per frame). */
function spsFrameRate(au: AccessUnit): number | undefined {
  const sps = au.sps;
  if (sps === undefined || !('vui' in sps)) return undefined;
  const timing = sps.vui?.timing;
  if (timing === undefined || timing.numUnitsInTick === 0) return undefined;
  return timing.timeScale / (2 * timing.numUnitsInTick);
}
