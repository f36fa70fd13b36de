import { AccessUnitSplitter, type EncodedSample, type RawFrame, VideoCodec } from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { checkFrame, encodeArgs, type H264EncoderOptions, resolveOptions } from '../options.js';
import { BATCH_INPUT, BATCH_OUTPUT } from '../worker/protocol.js';
import type { EncoderPool } from './encoder-pool.js';

/** Progress of {@link encodeBatch}. */
export interface BatchProgress {
  /** Frames read from the source. */
  readonly framesIn: number;
  /** Samples handed to the consumer. */
  readonly samplesOut: number;
  /** Segments encoded so far. */
  readonly segmentsDone: number;
  /** Encode time of the segment that just finished, ms (in its worker). */
  readonly segmentMs: number;
}

/** Options of {@link encodeBatch}. */
export interface BatchEncodeOptions extends H264EncoderOptions {
  /** The pool to run on. */
  readonly pool: EncoderPool;
  /** Frames per segment: a multiple of `gop` (default one GOP). Each segment is an independent encode. */
  readonly segmentFrames?: number;
  /** Segments encoding or waiting to be joined at once (bounds memory). Default 2 × the pool's threads. */
  readonly maxSegmentsInFlight?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
  readonly signal?: AbortSignal;
}

interface Segment {
  readonly pts: bigint[];
  readonly result: Promise<{ bytes: Uint8Array; ms: number; frames?: Uint8Array }>;
}

/**
 * Encodes a bounded source at full throughput: frames are cut into GOP-aligned segments, each encoded
 * independently on the pool (each begins with SEI + SPS + PPS + IDR), and the segments' access units are
 * yielded in order as one valid stream with their input frames' PTS. Streaming: at most
 * `maxSegmentsInFlight` segments of raw frames are held. Each frame's pixels are copied before the next frame
 * is asked for, so a source may hand out every frame in the same buffer.
 */
export async function* encodeBatch(
  frames: Iterable<RawFrame> | AsyncIterable<RawFrame>,
  options: BatchEncodeOptions,
): AsyncGenerator<EncodedSample, void, undefined> {
  const o = resolveOptions(options);
  const segmentFrames = options.segmentFrames ?? o.gop;
  if (!Number.isSafeInteger(segmentFrames) || segmentFrames < 1 || segmentFrames % o.gop !== 0) {
    throw new EncoderError(
      'invalid-options',
      `segmentFrames must be a positive multiple of gop (${o.gop}), got ${segmentFrames}`,
    );
  }
  const maxInFlight = options.maxSegmentsInFlight ?? 2 * options.pool.threads;
  const args = encodeArgs(o, BATCH_INPUT, BATCH_OUTPUT);
  const splitter = new AccessUnitSplitter({ codec: 'h264' });
  const inFlight: Segment[] = [];
  let framesIn = 0;
  let samplesOut = 0;
  let segmentsDone = 0;
  const segmentBytes = o.frameBytes * segmentFrames;
  // Segment buffers go to a worker and come back when it is done: at most maxInFlight + 1 are ever allocated.
  const spare: Uint8Array<ArrayBuffer>[] = [];
  let buffer = new Uint8Array(segmentBytes);
  let pts: bigint[] = [];

  const submit = (): void => {
    const data = pts.length === segmentFrames ? buffer : buffer.subarray(0, pts.length * o.frameBytes);
    // The segment buffer is ours alone: move it to the worker.
    const result = options.pool.run(args, data, { transfer: true, reuse: true });
    // Failures surface when the segment is joined; do not let them be unhandled meanwhile.
    result.catch(() => {});
    inFlight.push({ pts, result });
    buffer = spare.pop() ?? new Uint8Array(segmentBytes);
    pts = [];
  };

  async function* join(segment: Segment): AsyncGenerator<EncodedSample, void, undefined> {
    const { bytes, ms, frames } = await segment.result;
    if (
      frames !== undefined &&
      frames.buffer instanceof ArrayBuffer &&
      frames.buffer.byteLength === segmentBytes
    ) {
      spare.push(new Uint8Array(frames.buffer, 0, segmentBytes));
    }
    const units = [...splitter.push(bytes), ...splitter.end()];
    if (units.length !== segment.pts.length) {
      throw new EncoderError(
        'encoder-failed',
        `a segment of ${segment.pts.length} frames gave ${units.length} access units`,
      );
    }
    for (const [k, au] of units.entries()) {
      yield {
        codec: VideoCodec.H264,
        codecString: au.codecString ?? 'avc1',
        data: au.data,
        pts: segment.pts[k] as bigint,
        isKeyframe: au.isKeyframe,
        index: samplesOut++,
      };
    }
    segmentsDone++;
    options.onProgress?.({ framesIn, samplesOut, segmentsDone, segmentMs: ms });
  }

  const checkAbort = (): void => {
    if (options.signal?.aborted)
      throw new EncoderError('aborted', 'the batch encode was aborted', { cause: options.signal.reason });
  };

  for await (const frame of frames) {
    checkAbort();
    checkFrame(frame, o);
    buffer.set(frame.data, pts.length * o.frameBytes);
    pts.push(frame.pts);
    framesIn++;
    if (pts.length === segmentFrames) {
      submit();
      while (inFlight.length >= maxInFlight) {
        yield* join(inFlight.shift() as Segment);
        checkAbort();
      }
    }
  }
  if (pts.length > 0) submit();
  while (inFlight.length > 0) {
    yield* join(inFlight.shift() as Segment);
    checkAbort();
  }
}
