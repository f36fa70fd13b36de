import {
  type AccessUnit,
  AccessUnitSplitter,
  type EncodedSample,
  type Encoder,
  type RawFrame,
  VideoCodec,
} from '@camstream/core';
import { EncoderError } from '../errors.js';
import { checkFrame, encodeArgs, type ResolvedOptions, resolveOptions } from '../options.js';
import { AsyncQueue } from '../sample-queue.js';
import { FrameRing } from './frame-ring.js';
import {
  type BrowserWorkerInit,
  type BrowserWorkerMessage,
  type BrowserWorkerRequest,
  RING_INPUT,
  RING_OUTPUT,
  SEGMENT_INPUT,
  SEGMENT_OUTPUT,
  WARMUP_INPUT,
  WARMUP_OUTPUT,
} from './protocol.js';
import type {
  BrowserEncoderMode,
  BrowserFullQueuePolicy,
  BrowserLiveEncoderOptions,
  BrowserLiveEncoderStats,
} from './types.js';

function nonNegativeInt(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min))
    throw new EncoderError('invalid-options', `${name} must be an integer ≥ ${min}, got ${value}`);
}

function pickMode(wanted: BrowserLiveEncoderOptions['mode']): BrowserEncoderMode {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (wanted === 'ring' && !isolated) {
    throw new EncoderError(
      'invalid-options',
      "mode 'ring' needs a cross-origin isolated page (COOP same-origin + COEP require-corp) for SharedArrayBuffer; use mode 'auto' or 'segments'",
    );
  }
  if (wanted === 'ring' || wanted === 'segments') return wanted;
  if (wanted !== undefined && wanted !== 'auto')
    throw new EncoderError(
      'invalid-options',
      `mode must be 'auto', 'ring' or 'segments', got ${String(wanted)}`,
    );
  return isolated ? 'ring' : 'segments';
}

/**
 * Live H.264 encoder in a browser module Web Worker running the single-thread `@ffmpeg/core`. Isolated pages get
 * `ring` mode (one long exec fed through a `SharedArrayBuffer`, byte-identical to an offline encode, one sample
 * out per frame in); others get `segments` mode (one exec per N-frame IDR-led segment). Implements core's
 * {@link Encoder}; samples carry their input frame's PTS (FIFO: no B-frames).
 */
export class BrowserLiveEncoder implements Encoder {
  /** Always H.264. */
  readonly codec = VideoCodec.H264;
  /** The options with defaults filled in. */
  readonly options: ResolvedOptions;
  /** The feeding mode that runs. */
  readonly mode: BrowserEncoderMode;
  private readonly worker: Worker;
  private readonly ring: FrameRing | undefined;
  private readonly segmentFrames: number;
  private readonly splitter: AccessUnitSplitter;
  private readonly out = new AsyncQueue<EncodedSample>();
  private readonly queue: RawFrame[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly ptsFifo: bigint[] = [];
  private readonly maxQueued: number;
  private readonly whenFull: BrowserFullQueuePolicy;
  private readonly onDrop: ((frame: RawFrame) => void) | undefined;
  // Frames that must start a new IDR (the first frame given to encode() after requestKeyframe()).
  private readonly keyframes = new WeakSet<RawFrame>();
  private keyframeWanted = false;
  private posted = 0;
  private consumed = 0;
  private framesIn = 0;
  private dropped = 0;
  private samplesOut = 0;
  private restarts = 0;
  private execs = 0;
  private warmupMs = 0;
  private segmentBusy = false;
  private endPosted = false;
  private state: 'open' | 'closing' | 'closed' | 'failed' = 'open';
  private failure: EncoderError | undefined;
  private readonly finished: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };

  private constructor(options: ResolvedOptions, live: BrowserLiveEncoderOptions, mode: BrowserEncoderMode) {
    this.options = options;
    this.mode = mode;
    this.segmentFrames = live.segmentFrames ?? 3;
    this.ring = mode === 'ring' ? FrameRing.create(live.ringSlots ?? 3, options.frameBytes) : undefined;
    // In ring mode the worker's frame-end signal comes after exactly one frame's packet (zerolatency), so the
    // splitter may cut at the first slice; segments arrive whole and are split by their slice headers.
    this.splitter = new AccessUnitSplitter({
      codec: 'h264',
      copy: 'always',
      firstSliceOnly: mode === 'ring' && options.tune === 'zerolatency',
    });
    this.maxQueued = live.maxQueuedFrames ?? 2;
    this.whenFull = live.whenFull ?? 'drop-oldest';
    this.onDrop = live.onDrop;
    this.worker = live.workerURL
      ? new Worker(live.workerURL, { type: 'module', name: 'camstream-encoder' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'camstream-encoder' });
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.finished = { promise, resolve, reject };
  }

  /**
   * Starts the worker, which loads and compiles the core from `coreURL`/`wasmURL`, warms it up and starts the
   * encoder. Throws `invalid-options` for bad options, `worker-crashed` when the worker cannot start.
   */
  static async open(options: BrowserLiveEncoderOptions): Promise<BrowserLiveEncoder> {
    const resolved = resolveOptions(options);
    nonNegativeInt('maxQueuedFrames', options.maxQueuedFrames, 0);
    nonNegativeInt('segmentFrames', options.segmentFrames, 1);
    nonNegativeInt('ringSlots', options.ringSlots, 2);
    if (!options.coreURL || !options.wasmURL) {
      throw new EncoderError(
        'invalid-options',
        "coreURL and wasmURL are required: the URLs of @ffmpeg/core's dist/esm/ffmpeg-core.js and ffmpeg-core.wasm",
      );
    }
    if (options.signal?.aborted)
      throw new EncoderError('aborted', 'the live encoder was aborted before it opened', {
        cause: options.signal.reason,
      });
    const mode = pickMode(options.mode);
    const encoder = new BrowserLiveEncoder(resolved, options, mode);
    const base = globalThis.location?.href;
    const init: BrowserWorkerInit = {
      type: 'init',
      coreURL: new URL(options.coreURL, base).href,
      wasmURL: new URL(options.wasmURL, base).href,
      ring: encoder.ring
        ? { layout: encoder.ring.layout, args: encodeArgs(resolved, RING_INPUT, RING_OUTPUT) }
        : undefined,
      segmentArgs: mode === 'segments' ? encodeArgs(resolved, SEGMENT_INPUT, SEGMENT_OUTPUT) : undefined,
      warmup:
        options.warmup === false
          ? undefined
          : {
              args: encodeArgs(resolved, WARMUP_INPUT, WARMUP_OUTPUT),
              frameBytes: resolved.frameBytes,
              frames: 8,
            },
    };
    await encoder.start(init, options.signal);
    return encoder;
  }

  private start(init: BrowserWorkerInit, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      this.worker.onmessage = (event: MessageEvent<BrowserWorkerMessage>) => {
        const message = event.data;
        if (message.type === 'ready') {
          ready = true;
          this.warmupMs = message.warmupMs;
          resolve();
        } else if (message.type === 'failed') {
          const e = new EncoderError(
            'worker-crashed',
            `the encoder's worker could not start: ${message.message}`,
          );
          reject(e);
          this.fail(e);
        } else this.onMessage(message);
      };
      this.worker.onerror = (event) => {
        event.preventDefault();
        const e = new EncoderError(
          'worker-crashed',
          `the encoder's worker failed: ${event.message || 'it could not be loaded (check workerURL)'}`,
        );
        if (!ready) reject(e);
        this.fail(e);
      };
      signal?.addEventListener(
        'abort',
        () => {
          this.abort(signal.reason);
          if (!ready) reject(this.failure);
        },
        { once: true },
      );
      this.send(init);
    });
  }

  /** Counters: mode, frames in, encoded, dropped, samples out, restarts. */
  stats(): BrowserLiveEncoderStats {
    return {
      mode: this.mode,
      framesIn: this.framesIn,
      framesConsumed: this.consumed,
      samplesOut: this.samplesOut,
      framesDropped: this.dropped,
      queued: this.queue.length,
      keyframeRestarts: this.restarts,
      execs: this.execs,
      warmupMs: this.warmupMs,
    };
  }

  /**
   * Queues a frame. Throws `invalid-frame`/`unsupported-format` for a frame that does not match the options,
   * `encoder-closed` after `close()`, the failure after one. With `whenFull: 'wait'` may return a promise.
   */
  encode(frame: RawFrame): void | Promise<void> {
    if (this.state !== 'open')
      throw this.failure ?? new EncoderError('encoder-closed', 'encode() after close()');
    checkFrame(frame, this.options);
    this.framesIn++;
    if (this.keyframeWanted) {
      this.keyframeWanted = false;
      this.keyframes.add(frame);
    }
    this.queue.push(frame);
    this.pump();
    // Segments mode collects a segment in the queue: that is not back-pressure.
    const limit = this.maxQueued + (this.mode === 'segments' ? this.segmentFrames : 0);
    if (this.queue.length <= limit) return;
    if (this.whenFull === 'drop-oldest') {
      const drop = this.queue.shift() as RawFrame;
      // A keyframe request outlives the frame it was attached to.
      if (this.keyframes.delete(drop)) {
        const next = this.queue[0];
        if (next) this.keyframes.add(next);
        else this.keyframeWanted = true;
      }
      this.dropped++;
      this.onDrop?.(drop);
      return;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * The next frame given to `encode()` starts a new IDR. Ring mode ends the current ffmpeg run and starts another
   * (x264 has no keyframe trigger through ffmpeg's CLI); segments mode starts a new segment there.
   */
  requestKeyframe(): void {
    if (this.state === 'open') this.keyframeWanted = true;
  }

  /** Encodes what is queued, flushes the encoder, ends {@link samples}, and stops the worker. */
  async close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.pump();
    }
    await this.finished.promise;
  }

  /** Stops at once: the worker is terminated, queued frames are dropped, `samples()` throws `aborted`. */
  abort(reason?: unknown): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.fail(new EncoderError('aborted', 'the live encoder was aborted', { cause: reason }));
  }

  /** The encoded samples, in order; ends after `close()`, throws the failure after one. Iterate once. */
  samples(): AsyncIterable<EncodedSample> {
    return this.out;
  }

  private send(message: BrowserWorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private pump(): void {
    if (this.state !== 'open' && this.state !== 'closing') return;
    if (this.ring) this.pumpRing(this.ring);
    else this.pumpSegments();
  }

  /** Moves queued frames into the ring while it has room (a keyframe frame needs room for its restart marker). */
  private pumpRing(ring: FrameRing): void {
    for (;;) {
      const frame = this.queue[0];
      if (!frame) break;
      const restart = this.keyframes.has(frame) && this.posted > 0;
      if (ring.size > ring.layout.slots - (restart ? 2 : 1)) break;
      this.queue.shift();
      if (restart) {
        this.keyframes.delete(frame);
        this.restarts++;
        ring.tryWriteEnd('restart');
      }
      this.ptsFifo.push(frame.pts);
      this.posted++;
      ring.tryWrite(frame.data);
      this.waiters.shift()?.();
    }
    if (this.state === 'closing' && this.queue.length === 0 && !this.endPosted && ring.hasRoom) {
      this.endPosted = true;
      ring.tryWriteEnd('close');
    }
  }

  /** Sends the next segment when the worker is idle: `segmentFrames` frames, cut short before a keyframe frame. */
  private pumpSegments(): void {
    if (this.segmentBusy) return;
    let count = 0;
    while (count < this.queue.length && count < this.segmentFrames) {
      const frame = this.queue[count] as RawFrame;
      if (count > 0 && this.keyframes.has(frame)) break;
      count++;
    }
    const cutForKeyframe = count < this.segmentFrames && count < this.queue.length;
    if (count === 0 || (count < this.segmentFrames && !cutForKeyframe && this.state !== 'closing')) {
      if (this.state === 'closing' && this.queue.length === 0) this.finish();
      return;
    }
    if (cutForKeyframe) this.restarts++;
    const frames = this.queue.splice(0, count);
    const packed = new Uint8Array(count * this.options.frameBytes);
    frames.forEach((frame, i) => {
      this.keyframes.delete(frame);
      this.ptsFifo.push(frame.pts);
      packed.set(frame.data, i * this.options.frameBytes);
    });
    this.posted += count;
    this.segmentBusy = true;
    this.execs++;
    this.send({ type: 'segment', frames: packed, count }, [packed.buffer]);
    for (let i = 0; i < count; i++) this.waiters.shift()?.();
  }

  private onMessage(message: BrowserWorkerMessage): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    try {
      switch (message.type) {
        case 'data':
          this.emit(this.splitter.push(message.bytes));
          break;
        case 'frame-end':
          this.consumed = message.consumed;
          this.emit(this.splitter.endAccessUnit());
          this.pump();
          break;
        case 'run-end':
          this.execs++;
          this.emit(this.splitter.endAccessUnit());
          if (message.exitCode !== 0)
            this.fail(
              EncoderError.ffmpeg('live encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
          else if (!message.restart) this.finish();
          else this.pump();
          break;
        case 'segment-done':
          this.segmentBusy = false;
          if (message.exitCode !== 0) {
            this.fail(
              EncoderError.ffmpeg('segment encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
            return;
          }
          this.emit(this.splitter.push(message.bytes));
          this.emit(this.splitter.endAccessUnit());
          this.consumed += message.count;
          this.pump();
          break;
        default:
          break;
      }
    } catch (error) {
      this.fail(
        error instanceof EncoderError
          ? error
          : new EncoderError(
              'encoder-failed',
              `the encoder's output did not parse: ${(error as Error).message}`,
              {
                cause: error,
              },
            ),
      );
    }
  }

  private emit(units: readonly AccessUnit[]): void {
    for (const au of units) {
      const pts = this.ptsFifo.shift();
      if (pts === undefined)
        throw new EncoderError(
          'encoder-failed',
          `the encoder produced sample ${au.index} with no input frame left to pair it with`,
        );
      this.samplesOut++;
      this.out.push({
        codec: VideoCodec.H264,
        codecString: au.codecString ?? 'avc1',
        data: au.data,
        pts,
        isKeyframe: au.isKeyframe,
        index: this.samplesOut - 1,
      });
    }
  }

  private finish(): void {
    this.emit(this.splitter.end());
    if (this.ptsFifo.length > 0) {
      this.fail(
        new EncoderError(
          'encoder-failed',
          `the encoder ended with ${this.ptsFifo.length} frame(s) not encoded`,
        ),
      );
      return;
    }
    this.state = 'closed';
    this.out.end();
    this.worker.terminate();
    this.finished.resolve();
  }

  private fail(error: EncoderError): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    this.failure = error;
    this.queue.length = 0;
    for (const wake of this.waiters.splice(0)) wake();
    this.out.fail(error);
    this.worker.terminate();
    this.finished.reject(error);
  }
}
