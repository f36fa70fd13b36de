import { MessageChannel, Worker } from 'node:worker_threads';
import {
  AccessUnitSplitter,
  type EncodedSample,
  type Encoder,
  type RawFrame,
  VideoCodec,
} from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { warmupRun } from '../ffmpeg/warmup.js';
import { loadCoreAssets } from '../ffmpeg/wasm-module.js';
import { encodeArgs, type H264EncoderOptions, type ResolvedOptions, resolveOptions } from '../options.js';
import { workerEntry } from '../worker/entry.js';
import { LIVE_INPUT, LIVE_OUTPUT, type LiveWorkerData, type LiveWorkerMessage } from '../worker/protocol.js';
import {
  type FullQueuePolicy,
  LiveSession,
  type LiveSessionCounters,
  throwIfAbortedBeforeOpen,
} from './live-session.js';

export type { FullQueuePolicy } from './live-session.js';

/** Options of {@link LiveEncoder.open}. */
export interface LiveEncoderOptions extends H264EncoderOptions {
  /**
   * Frames waiting in the main thread for the worker (beyond the {@link WORKER_DEPTH} it holds). Default 2:
   * at most ~4 frame times of queueing before frames are dropped.
   */
  readonly maxQueuedFrames?: number;
  /**
   * `drop-oldest` (default, for live sources): a full queue drops its oldest waiting frame, so latency stays
   * bounded and the freshest picture wins; drops are counted in {@link LiveEncoderStats.framesDropped}.
   * `wait`: `encode()` returns a promise that resolves when there is room (files, tests: nothing dropped).
   */
  readonly whenFull?: FullQueuePolicy;
  /** Run a short encode at this size before `open()` resolves, so the first frame is not 2–3× slow. Default true. */
  readonly warmup?: boolean;
  /** Aborts the encoder (like {@link LiveEncoder.abort}). */
  readonly signal?: AbortSignal;
  /** Called for every dropped frame. */
  readonly onDrop?: (frame: RawFrame) => void;
  /**
   * Move each frame's pixel buffer to the worker instead of copying it (saves one frame copy and its garbage per
   * frame). The frame's `data` is detached after `encode()`; only for frames whose `data` spans its whole
   * `ArrayBuffer` (others are copied). Default false.
   */
  readonly transferFrames?: boolean;
}

/** Counters of a {@link LiveEncoder}. */
export interface LiveEncoderStats extends LiveSessionCounters {
  /** Time of the warm-up run, ms (0 without warm-up). */
  readonly warmupMs: number;
}

/** Frames posted to the worker and not yet read: one being encoded, one ready so the worker never waits. */
export const WORKER_DEPTH = 2;

/**
 * Live H.264 encoder: one stream, frame by frame, in its own worker thread running one long ffmpeg.wasm exec.
 * Each frame's sample leaves as soon as x264 has it (the worker signals frame ends to the splitter), with its
 * input frame's PTS (FIFO: no B-frames). Implements core's {@link Encoder}.
 */
export class LiveEncoder implements Encoder {
  /** Always H.264. */
  readonly codec = VideoCodec.H264;
  /** The options with defaults filled in. */
  readonly options: ResolvedOptions;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private readonly session: LiveSession;
  private readonly transferFrames: boolean;
  private warmupMs = 0;
  private endPosted = false;

  private constructor(
    options: ResolvedOptions,
    live: LiveEncoderOptions,
    worker: Worker,
    port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.options = options;
    this.worker = worker;
    this.port = port;
    this.signal = new Int32Array(signal);
    this.transferFrames = live.transferFrames ?? false;
    this.session = new LiveSession({
      options,
      maxQueuedFrames: live.maxQueuedFrames ?? 2,
      whenFull: live.whenFull ?? 'drop-oldest',
      onDrop: live.onDrop,
      // Every sample gets a buffer of its own (consumers may transfer it). With zerolatency the worker's frame-end
      // signal comes after exactly one frame's packet, so the splitter may stop reading at the first slice.
      splitter: new AccessUnitSplitter({
        codec: 'h264',
        copy: 'always',
        firstSliceOnly: options.tune === 'zerolatency',
      }),
      transport: {
        pump: () => this.pump(),
        release: () => {
          this.port.close();
          void this.worker.terminate();
        },
      },
    });
  }

  /** Starts a worker, loads the core (shared compiled module), warms it up, and starts the encoder. */
  static async open(options: LiveEncoderOptions): Promise<LiveEncoder> {
    const resolved = resolveOptions(options);
    if (
      options.maxQueuedFrames !== undefined &&
      (!Number.isSafeInteger(options.maxQueuedFrames) || options.maxQueuedFrames < 0)
    ) {
      throw new EncoderError(
        'invalid-options',
        `maxQueuedFrames must be a non-negative integer, got ${options.maxQueuedFrames}`,
      );
    }
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
    const encoder = new LiveEncoder(
      resolved,
      options,
      worker,
      channel.port1 as unknown as MessagePort,
      signal,
    );
    await encoder.start(options.signal);
    return encoder;
  }

  private start(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      this.worker.on('message', (message: LiveWorkerMessage) => {
        if (message.type === 'ready') {
          ready = true;
          this.warmupMs = message.warmupMs;
          resolve();
        } else this.onMessage(message);
      });
      this.worker.on('error', (error) => {
        const e = new EncoderError('worker-crashed', `the live encoder's worker failed: ${error.message}`, {
          cause: error,
        });
        if (!ready) reject(e);
        this.session.fail(e);
      });
      this.worker.on('exit', (code) => {
        if (this.session.ended) return;
        const e = new EncoderError(
          'worker-crashed',
          `the live encoder's worker exited (code ${code}) in the middle of the stream`,
          { exitCode: code },
        );
        if (!ready) reject(e);
        this.session.fail(e);
      });
      signal?.addEventListener(
        'abort',
        () => {
          this.abort(signal.reason);
          if (!ready) reject(this.session.failure);
        },
        { once: true },
      );
      // Aborted while the core was loading, before this listener existed.
      if (signal?.aborted) {
        this.abort(signal.reason);
        reject(this.session.failure);
      }
    });
  }

  /** Counters: frames in, read, dropped, samples out, keyframe restarts. */
  stats(): LiveEncoderStats {
    return { ...this.session.counters(), warmupMs: this.warmupMs };
  }

  /**
   * Queues a frame. Throws `invalid-frame`/`unsupported-format` for a frame that does not match the options,
   * `encoder-closed` after `close()`, the failure after one. With `whenFull: 'wait'` may return a promise.
   */
  encode(frame: RawFrame): void | Promise<void> {
    return this.session.encode(frame);
  }

  /**
   * The next frame given to `encode()` starts a new IDR (with SPS+PPS). Done by ending the current ffmpeg run and
   * starting another (x264 has no keyframe trigger through ffmpeg's CLI); the cost is one run's start-up
   * (`bench/encoder.bench.ts` and the tests measure it) and a fresh rate-control state.
   */
  requestKeyframe(): void {
    this.session.requestKeyframe();
  }

  /** Encodes what is queued, flushes the encoder, ends {@link samples}, and stops the worker. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** Stops at once: the worker is terminated, queued frames are dropped, `samples()` throws `aborted`. */
  abort(reason?: unknown): void {
    this.session.abort(reason);
  }

  /** The encoded samples, in order; ends after `close()`, throws the failure after one. Iterate once. */
  samples(): AsyncIterable<EncodedSample> {
    return this.session.samples;
  }

  private post(message: { frame: Uint8Array } | { end: 'close' | 'restart' }): void {
    if ('frame' in message) {
      // The worker gets a buffer of its own holding just this frame (it frees it as soon as ffmpeg has read it):
      // the caller's, moved, when it may be taken; else a copy (structured clone would copy the whole buffer
      // behind a view).
      const data = message.frame;
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const own =
        this.transferFrames && whole && !(data.buffer instanceof SharedArrayBuffer) ? data : data.slice();
      this.port.postMessage({ frame: own }, [own.buffer as ArrayBuffer]);
    } else this.port.postMessage(message);
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  /** Moves queued frames to the worker while it holds fewer than WORKER_DEPTH. */
  private pump(): void {
    const s = this.session;
    while (s.queued > 0 && s.posted - s.framesConsumed < WORKER_DEPTH && !s.ended) {
      const frame = s.peek(0) as RawFrame;
      if (s.startsKeyframe(frame) && s.posted > 0) {
        s.keyframeRestarts++;
        this.post({ end: 'restart' });
      }
      s.take(1);
      this.post({ frame: frame.data });
    }
    if (s.state === 'closing' && s.queued === 0 && !this.endPosted) {
      this.endPosted = true;
      this.post({ end: 'close' });
    }
  }

  private onMessage(message: LiveWorkerMessage): void {
    if (this.session.ended) return;
    try {
      switch (message.type) {
        case 'data':
          this.session.output(message.bytes);
          break;
        case 'frame-end':
          this.session.framesConsumed = message.consumed;
          this.session.endAccessUnit();
          this.pump();
          break;
        case 'run-end':
          this.session.endAccessUnit();
          if (message.exitCode !== 0) {
            this.session.fail(
              EncoderError.ffmpeg('live encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
          } else if (!message.restart) this.session.finish();
          break;
        default:
          break;
      }
    } catch (error) {
      this.session.fail(
        new EncoderError(
          'encoder-failed',
          `the encoder's output did not parse: ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }
}
