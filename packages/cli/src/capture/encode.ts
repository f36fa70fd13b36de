import type { EncodedSample, RawFrame } from '@camstream/core';
import { EncoderPool, encodeBatch, type H264EncoderOptions, LiveEncoder } from '@camstream/encoder-wasm';
import type { EncodeMode } from './options.js';

/** One encoded frame and how long it took from being read to coming out of the encoder. */
export interface EncodedFrame {
  readonly sample: EncodedSample;
  readonly latencyMs: number;
}

/** An encoder for one capture: live (one frame in, one out) or batch (GOP segments in parallel). */
export interface CaptureEncoder {
  readonly mode: EncodeMode;
  /** Encodes `frames` and yields the samples in order. Iterate once. */
  run(frames: AsyncIterable<RawFrame>): AsyncGenerator<EncodedFrame, void, undefined>;
  /** Frames dropped so far (live mode under load). */
  dropped(): number;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

/**
 * Opens the encoder for a capture. Live sources and paced runs get `LiveEncoder` (a camera or the paced
 * pattern drops the oldest waiting frame when it falls behind, so latency stays bounded; stdin waits);
 * bounded runs get the parallel batch mode (every frame, as fast as the threads allow).
 */
export async function openCaptureEncoder(
  mode: EncodeMode,
  options: H264EncoderOptions & { readonly threads?: number; readonly dropWhenBehind: boolean },
): Promise<CaptureEncoder> {
  return mode === 'live' ? openLive(options) : openBatch(options);
}

async function openLive(
  options: H264EncoderOptions & { readonly dropWhenBehind: boolean },
): Promise<CaptureEncoder> {
  const started = new Map<bigint, number>();
  const { dropWhenBehind, ...h264 } = options;
  const encoder = await LiveEncoder.open({
    ...h264,
    whenFull: dropWhenBehind ? 'drop-oldest' : 'wait',
    // Capture frames are fresh buffers nobody else reads: move them to the worker instead of copying.
    transferFrames: true,
    onDrop: (frame) => started.delete(frame.pts),
  });
  return {
    mode: 'live',
    dropped: () => encoder.stats().framesDropped,
    close: async () => encoder.abort(),
    async *run(frames) {
      let failure: { error: unknown } | undefined;
      const feeding = (async () => {
        try {
          for await (const frame of frames) {
            started.set(frame.pts, performance.now());
            await encoder.encode(frame);
          }
        } catch (error) {
          failure = { error };
        } finally {
          // Flushes the frames still in the encoder and ends samples(): what was read is kept.
          await encoder.close();
        }
      })();
      let completed = false;
      try {
        for await (const sample of encoder.samples()) {
          const t0 = started.get(sample.pts);
          started.delete(sample.pts);
          yield { sample, latencyMs: t0 === undefined ? 0 : performance.now() - t0 };
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

async function openBatch(
  options: H264EncoderOptions & { readonly threads?: number; readonly dropWhenBehind: boolean },
): Promise<CaptureEncoder> {
  const { dropWhenBehind: _, threads, ...h264 } = options;
  const pool = await EncoderPool.open(threads === undefined ? {} : { threads });
  return {
    mode: 'batch',
    dropped: () => 0,
    close: () => pool.close(),
    async *run(frames) {
      // Read times of the frames in flight, oldest first (a FIFO: the batch mode keeps every frame, in order).
      let started: number[] = [];
      let head = 0;
      async function* timed(): AsyncGenerator<RawFrame, void, undefined> {
        for await (const frame of frames) {
          started.push(performance.now());
          yield frame;
        }
      }
      for await (const sample of encodeBatch(timed(), { ...h264, pool })) {
        const t0 = started[head++];
        if (head >= 4096) {
          started = started.slice(head);
          head = 0;
        }
        yield { sample, latencyMs: t0 === undefined ? 0 : performance.now() - t0 };
      }
    },
  };
}
