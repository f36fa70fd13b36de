import type { EncodedSample, RawFrame } from '@camstream/core/media';
import { encodeBatch } from '../batch/encode-batch.js';
import { EncoderPool } from '../batch/encoder-pool.js';
import { EncoderError } from '../errors.js';
import type { H264EncoderOptions } from '../options.js';
import { decodeFile } from './decode-file.js';
import type { DecodeFileOptions, FileInfo } from './decode-options.js';

/** Progress of {@link encodeFile}, reported after every encoded segment. */
export interface EncodeFileProgress {
  /** Samples encoded and handed to the consumer. */
  readonly framesDone: number;
  /** Frames the file should hold, when the container says (see {@link FileInfo.framesEstimate}). */
  readonly framesTotal: number | undefined;
  /** Segments encoded so far. */
  readonly segmentsDone: number;
}

/** Options of {@link encodeFile}: how to decode the file, and how to encode it. */
export interface EncodeFileOptions
  extends DecodeFileOptions,
    Omit<H264EncoderOptions, 'width' | 'height' | 'fpsNum' | 'pixelFormat'> {
  /**
   * Frame rate x264's rate control assumes (the samples keep the file's own timestamps whatever it is). Default:
   * the container's average frame rate, else 30.
   */
  readonly fpsNum?: number;
  /** The pool to encode on. Default: a pool of `threads` threads opened for this file and closed after it. */
  readonly pool?: EncoderPool;
  /** Threads of the pool opened when no `pool` is given. Default: the machine's available parallelism. */
  readonly threads?: number;
  /** Frames per independently encoded segment, a multiple of `gop` (default one GOP). */
  readonly segmentFrames?: number;
  /** Segments encoding or waiting to be joined at once (bounds memory). Default 2 × the pool's threads. */
  readonly maxSegmentsInFlight?: number;
  readonly onProgress?: (progress: EncodeFileProgress) => void;
}

/**
 * Encodes the first video stream of a file to H.264 (Annex B access units, I/P only, an IDR exactly every
 * `gop` frames): {@link decodeFile} piped into {@link encodeBatch}, so decoding (one worker) and encoding
 * (GOP-aligned segments in parallel on the pool) overlap and the whole stays streaming. Every sample carries
 * its source frame's timestamp. The output size is `width`×`height` if given, else the file's (which must be
 * even). Throws what {@link decodeFile} and {@link encodeBatch} throw.
 */
export async function* encodeFile(
  path: string,
  options: EncodeFileOptions = {},
): AsyncGenerator<EncodedSample, void, undefined> {
  let info: FileInfo | undefined;
  const frames = decodeFile(path, {
    ...options,
    onInfo: (i) => {
      info = i;
      options.onInfo?.(i);
    },
  });
  let pool: EncoderPool | undefined;
  try {
    const first = await frames.next();
    if (first.done) return;
    const frame = first.value;
    if (frame.width % 2 !== 0 || frame.height % 2 !== 0) {
      throw new EncoderError(
        'invalid-options',
        `${path} is ${frame.width}x${frame.height}; H.264 4:2:0 needs an even size: give width and height to scale it`,
      );
    }
    const fps =
      options.fpsNum !== undefined
        ? { num: options.fpsNum, den: options.fpsDen ?? 1 }
        : (info?.fps ?? { num: 30, den: 1 });
    pool =
      options.pool ??
      (await EncoderPool.open(options.threads === undefined ? {} : { threads: options.threads }));
    async function* all(): AsyncGenerator<RawFrame, void, undefined> {
      yield frame;
      yield* frames;
    }
    const onProgress = options.onProgress;
    yield* encodeBatch(all(), {
      ...options,
      width: frame.width,
      height: frame.height,
      fpsNum: fps.num,
      fpsDen: fps.den,
      pixelFormat: 'I420',
      pool,
      onProgress: (p) =>
        onProgress?.({
          framesDone: p.samplesOut,
          framesTotal: info?.framesEstimate,
          segmentsDone: p.segmentsDone,
        }),
    });
  } finally {
    // Stops the decode worker if the consumer (or an error) ended the encode early.
    await frames.return();
    if (options.pool === undefined) await pool?.close();
  }
}
