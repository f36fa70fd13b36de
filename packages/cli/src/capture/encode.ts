import type { EncodedSample, RawFrame } from '@camstream/core';
import { FfmpegEncoder, FfmpegFileEncode, type FfmpegFileInput } from '@camstream/encoder-ffmpeg';
import { EncoderPool, encodeBatch, type H264EncoderOptions, LiveEncoder } from '@camstream/encoder-wasm';
import type { ChosenEncoder } from './encoder-choice.js';
import type { EncodeMode } from './options.js';

/** One encoded frame, when it was read, and how long it took from being read to coming out of the encoder. */
export interface EncodedFrame {
  readonly sample: EncodedSample;
  readonly latencyMs: number;
  /** Wall-clock time the frame reached camstream (read from its source), ns since 1970: its capture time. */
  readonly capturedAt: bigint;
  /** The same moment on the monotonic clock (`performance.now()`, ms): a timeline that never steps back. */
  readonly readAtMs: number;
}

/** When a frame was read: the monotonic clock for latency, the wall clock (ms) for `log_time` and the stamp. */
interface ReadTime {
  readonly at: number;
  readonly wallMs: number;
}

function readNow(): ReadTime {
  return { at: performance.now(), wallMs: Date.now() };
}

/**
 * Draws a frame's capture time into it (`FrameSource.stamp`), given the wall-clock ms that becomes its
 * `log_time`.
 */
export type StampFrame = (frame: RawFrame, wallMs: number) => void;

/**
 * The read time of `frame`, taken now, with `stamp` drawn into the frame from that same reading: the picture
 * and `log_time` then hold one millisecond.
 */
function readFrame(frame: RawFrame, stamp: StampFrame | undefined): ReadTime {
  const read = readNow();
  stamp?.(frame, read.wallMs);
  return read;
}

/** The {@link EncodedFrame} of `sample`, read at `read` (unknown: now). */
function encodedFrame(sample: EncodedSample, read: ReadTime | undefined): EncodedFrame {
  const now = readNow();
  return {
    sample,
    latencyMs: read === undefined ? 0 : now.at - read.at,
    capturedAt: BigInt((read ?? now).wallMs) * 1_000_000n,
    readAtMs: (read ?? now).at,
  };
}

/** An encoder for one capture: live (one frame in, one out) or batch (every frame, as fast as possible). */
export interface CaptureEncoder {
  readonly mode: EncodeMode;
  /**
   * Encodes `frames` and yields the samples in order. Iterate once. `stamp` is called on each frame as it is
   * read, before the encoder takes it, with the wall-clock ms that becomes its `capturedAt`. An encoder that
   * reads a file itself ({@link openFileEncoder}) takes nothing from `frames`.
   */
  run(frames: AsyncIterable<RawFrame>, stamp?: StampFrame): AsyncGenerator<EncodedFrame, void, undefined>;
  /** Frames dropped so far (live mode under load). */
  dropped(): number;
  /** Stops the worker threads or the ffmpeg process. */
  close(): Promise<void>;
}

/** Options of {@link openCaptureEncoder}. */
export type CaptureEncoderOptions = H264EncoderOptions & {
  readonly threads?: number;
  readonly dropWhenBehind: boolean;
  readonly encoder: ChosenEncoder;
  /**
   * The source's `recycle`: called with a frame once the system ffmpeg's pipe has taken it (or it was dropped).
   * Frames reach that pipe without a copy, so a source must not change a frame's buffer before this.
   */
  readonly recycle?: (frame: RawFrame) => void;
};

/** What the live path needs of an encoder: `LiveEncoder` (wasm) and `FfmpegEncoder` both have it. */
interface FrameByFrameEncoder {
  encode(frame: RawFrame): void | Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): void;
  samples(): AsyncIterable<EncodedSample>;
  stats(): { readonly framesDropped: number };
}

/**
 * Opens the encoder for a capture. Live sources and paced runs encode frame by frame (a camera or the paced
 * pattern drops the oldest waiting frame when it falls behind, so latency stays bounded; stdin waits). Bounded
 * runs encode every frame as fast as the machine allows: the wasm pool in GOP segments in parallel, or the
 * system ffmpeg with its pipe kept full and its own threads.
 */
export async function openCaptureEncoder(
  mode: EncodeMode,
  options: CaptureEncoderOptions,
): Promise<CaptureEncoder> {
  const { dropWhenBehind, threads, encoder: chosen, recycle, ...h264 } = options;
  const started = new Map<bigint, ReadTime>();
  const onDrop = (frame: RawFrame): void => {
    started.delete(frame.pts);
  };
  if (chosen.backend === 'ffmpeg') {
    const encoder = await FfmpegEncoder.open({
      ...h264,
      ffmpegPath: chosen.ffmpegPath,
      encoder: chosen.name,
      ...(chosen.encoderArgs.length > 0 && { encoderArgs: chosen.encoderArgs }),
      whenFull: mode === 'live' && dropWhenBehind ? 'drop-oldest' : 'wait',
      mode,
      ...(threads !== undefined && { threads }),
      onDrop,
      // Every source gives each frame a buffer of its own (or one it gets back through `recycle`): no copy.
      releaseFrame: recycle ?? (() => {}),
    });
    return frameByFrame(mode, encoder, started);
  }
  if (mode === 'batch') return openBatch(h264, threads);
  const encoder = await LiveEncoder.open({
    ...h264,
    whenFull: dropWhenBehind ? 'drop-oldest' : 'wait',
    // Capture frames are fresh buffers nobody else reads: move them to the worker instead of copying.
    transferFrames: true,
    onDrop,
  });
  return frameByFrame(mode, encoder, started);
}

/** Feeds frames to an encoder that takes one at a time and pairs each sample with its frame's read time. */
function frameByFrame(
  mode: EncodeMode,
  encoder: FrameByFrameEncoder,
  started: Map<bigint, ReadTime>,
): CaptureEncoder {
  return {
    mode,
    dropped: () => encoder.stats().framesDropped,
    close: async () => encoder.abort(),
    async *run(frames, stamp) {
      let failure: { error: unknown } | undefined;
      const feeding = (async () => {
        try {
          for await (const frame of frames) {
            // Stamped in the buffer the encoder takes (a reused one is copied by encode()).
            started.set(frame.pts, readFrame(frame, stamp));
            await encoder.encode(frame);
          }
        } catch (error) {
          failure = { error };
        } finally {
          // Flushes the frames still in the encoder and ends samples(): what was read is kept.
          await encoder.close().catch((error: unknown) => {
            failure ??= { error };
          });
        }
      })();
      let completed = false;
      try {
        for await (const sample of encoder.samples()) {
          const read = started.get(sample.pts);
          started.delete(sample.pts);
          yield encodedFrame(sample, read);
        }
        await feeding;
        completed = true;
      } finally {
        if (!completed) encoder.abort();
      }
      if (failure !== undefined) throw failure.error;
    },
  };
}

async function openBatch(h264: H264EncoderOptions, threads: number | undefined): Promise<CaptureEncoder> {
  const pool = await EncoderPool.open(threads === undefined ? {} : { threads });
  return {
    mode: 'batch',
    dropped: () => 0,
    close: () => pool.close(),
    async *run(frames, stamp) {
      // Read times of the frames in flight, oldest first (a FIFO: the batch mode keeps every frame, in order).
      let started: ReadTime[] = [];
      let head = 0;
      async function* timed(): AsyncGenerator<RawFrame, void, undefined> {
        for await (const frame of frames) {
          started.push(readFrame(frame, stamp));
          yield frame;
        }
      }
      for await (const sample of encodeBatch(timed(), { ...h264, pool })) {
        const read = started[head++];
        if (head >= 4096) {
          started = started.slice(head);
          head = 0;
        }
        yield encodedFrame(sample, read);
      }
    },
  };
}

/**
 * Opens the system ffmpeg on a file it reads itself (`FfmpegFileEncode`): a bounded run at native speed, no
 * pixel through this process. Each sample's capture time is when it came out (nothing was read before); the
 * first counts as read when ffmpeg was started, so the run's fps includes ffmpeg's start and x264's set-up,
 * as when camstream reads the frames. `signal` stops the run: what ffmpeg has read is still encoded and
 * yielded.
 */
export async function openFileEncoder(
  file: FfmpegFileInput,
  options: CaptureEncoderOptions,
  signal: AbortSignal,
): Promise<CaptureEncoder> {
  const { dropWhenBehind: _, recycle: __, threads, encoder: chosen, ...h264 } = options;
  if (chosen.backend !== 'ffmpeg') throw new Error('openFileEncoder() takes the system ffmpeg');
  const started = readNow();
  const encode = await FfmpegFileEncode.start(file, {
    ...h264,
    ffmpegPath: chosen.ffmpegPath,
    encoder: chosen.name,
    ...(chosen.encoderArgs.length > 0 && { encoderArgs: chosen.encoderArgs }),
    ...(threads !== undefined && { threads }),
  });
  return {
    mode: 'batch',
    dropped: () => 0,
    close: async () => encode.abort(),
    async *run() {
      const stop = () => encode.stop();
      signal.addEventListener('abort', stop, { once: true });
      if (signal.aborted) stop();
      try {
        for await (const sample of encode.samples()) {
          const frame = encodedFrame(sample, undefined);
          yield sample.index === 0
            ? { ...frame, latencyMs: frame.readAtMs - started.at, readAtMs: started.at }
            : frame;
        }
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
  };
}
