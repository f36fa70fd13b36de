import { MessageChannel, Worker } from 'node:worker_threads';
import { warmupRun } from '../ffmpeg/warmup.js';
import { loadCoreAssets } from '../ffmpeg/wasm-module.js';
import { encodeArgs, resolveOptions } from '../options.js';
import { workerEntry } from '../worker/entry.js';
import type { LiveWorkerData } from '../worker/protocol.js';
import { LIVE_INPUT, LIVE_OUTPUT } from './live-protocol.js';
import { throwIfAbortedBeforeOpen } from './live-session.js';
import {
  checkCount,
  type LiveEncoderBaseOptions,
  type LiveEncoderBaseStats,
  LiveWorkerEncoder,
} from './live-worker-encoder.js';
import { NodeWorkerLink } from './node-worker-link.js';

export type { FullQueuePolicy } from './live-session.js';
export { WORKER_DEPTH } from './node-worker-link.js';

/** Options of {@link LiveEncoder.open}. */
export interface LiveEncoderOptions extends LiveEncoderBaseOptions {
  /**
   * Move each frame's pixel buffer to the worker instead of copying it (saves one frame copy and its garbage per
   * frame). The frame's `data` is detached after `encode()`; only for frames whose `data` spans its whole
   * `ArrayBuffer` (others are copied). Default false.
   */
  readonly transferFrames?: boolean;
}

/** Counters of a {@link LiveEncoder}. */
export type LiveEncoderStats = LiveEncoderBaseStats;

/**
 * Live H.264 encoder: one stream, frame by frame, in its own worker thread running one long ffmpeg.wasm exec.
 * Each frame's sample leaves as soon as x264 has it (the worker signals frame ends to the splitter), with its
 * input frame's PTS (FIFO: no B-frames). Implements core's `Encoder`; the shared part is
 * {@link LiveWorkerEncoder}, the Node part ({@link NodeWorkerLink}) posts frames to the worker's port.
 */
export class LiveEncoder extends LiveWorkerEncoder {
  /** Starts a worker, loads the core (shared compiled module), warms it up, and starts the encoder. */
  static async open(options: LiveEncoderOptions): Promise<LiveEncoder> {
    const resolved = resolveOptions(options);
    checkCount('maxQueuedFrames', options.maxQueuedFrames, 0);
    throwIfAbortedBeforeOpen(options.signal);
    const assets = await loadCoreAssets();
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const data: LiveWorkerData = {
      assets,
      args: encodeArgs(resolved, LIVE_INPUT, LIVE_OUTPUT),
      input: channel.port2,
      signal,
      warmup: warmupRun(resolved, options.warmup !== false),
    };
    const entry = workerEntry('live-worker');
    const worker = new Worker(entry.filename, {
      eval: entry.eval,
      workerData: data,
      transferList: [channel.port2],
      execArgv: [...entry.execArgv],
    });
    const encoder = new LiveEncoder({
      options: resolved,
      maxQueuedFrames: options.maxQueuedFrames ?? 2,
      whenFull: options.whenFull ?? 'drop-oldest',
      onDrop: options.onDrop,
      // With zerolatency the worker's frame-end signal comes after exactly one frame's packet.
      firstSliceOnly: resolved.tune === 'zerolatency',
      link: (session) =>
        new NodeWorkerLink(session, worker, channel.port1, signal, options.transferFrames ?? false),
    });
    await encoder.start(options.signal);
    return encoder;
  }
}
