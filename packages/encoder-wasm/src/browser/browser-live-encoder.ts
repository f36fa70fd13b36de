import {
  AccessUnitSplitter,
  type EncodedSample,
  type Encoder,
  errorMessage,
  type RawFrame,
  VideoCodec,
} from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { warmupRun } from '../ffmpeg/warmup.js';
import { LiveSession, throwIfAbortedBeforeOpen } from '../live/live-session.js';
import { encodeArgs, type ResolvedOptions, resolveOptions } from '../options.js';
import { loadCoreModule } from './core-module.js';
import { FrameRing } from './frame-ring.js';
import {
  type BrowserWorkerInit,
  type BrowserWorkerMessage,
  type BrowserWorkerRequest,
  RING_INPUT,
  RING_OUTPUT,
  SEGMENT_INPUT,
  SEGMENT_OUTPUT,
} from './protocol.js';
import type { BrowserEncoderMode, BrowserLiveEncoderOptions, BrowserLiveEncoderStats } from './types.js';

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
  private readonly session: LiveSession;
  private execs = 0;
  private warmupMs = 0;
  private segmentBusy = false;
  private endPosted = false;

  private constructor(options: ResolvedOptions, live: BrowserLiveEncoderOptions, mode: BrowserEncoderMode) {
    this.options = options;
    this.mode = mode;
    this.segmentFrames = live.segmentFrames ?? 3;
    this.ring = mode === 'ring' ? FrameRing.create(live.ringSlots ?? 3, options.frameBytes) : undefined;
    this.worker = live.workerURL
      ? new Worker(live.workerURL, { type: 'module', name: 'camstream-encoder' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'camstream-encoder' });
    this.session = new LiveSession({
      options,
      // Segments mode collects a segment in the queue: that is not back-pressure.
      maxQueuedFrames: (live.maxQueuedFrames ?? 2) + (mode === 'segments' ? this.segmentFrames : 0),
      whenFull: live.whenFull ?? 'drop-oldest',
      onDrop: live.onDrop,
      // In ring mode the worker's frame-end signal comes after exactly one frame's packet (zerolatency), so the
      // splitter may cut at the first slice; segments arrive whole and are split by their slice headers.
      splitter: new AccessUnitSplitter({
        codec: 'h264',
        copy: 'always',
        firstSliceOnly: mode === 'ring' && options.tune === 'zerolatency',
      }),
      transport: { pump: () => this.pump(), release: () => this.worker.terminate() },
    });
  }

  /**
   * Compiles the core's wasm from `wasmURL` (once per page: later encoders reuse the compiled module), then
   * starts the worker, which loads the core's JS from `coreURL`, warms up and starts the encoder. Throws
   * `invalid-options` for bad options, `core-unavailable` when a URL does not answer with the core (the message
   * says what it answered), `worker-crashed` when the worker script cannot run.
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
    throwIfAbortedBeforeOpen(options.signal);
    const mode = pickMode(options.mode);
    const base = globalThis.location?.href;
    const wasmURL = new URL(options.wasmURL, base).href;
    let module: WebAssembly.Module;
    try {
      module = await loadCoreModule(wasmURL);
    } catch (error) {
      throw new EncoderError('core-unavailable', `could not load the ffmpeg core: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    throwIfAbortedBeforeOpen(options.signal);
    const encoder = new BrowserLiveEncoder(resolved, options, mode);
    const init: BrowserWorkerInit = {
      type: 'init',
      coreURL: new URL(options.coreURL, base).href,
      module,
      ring: encoder.ring
        ? { layout: encoder.ring.layout, args: encodeArgs(resolved, RING_INPUT, RING_OUTPUT) }
        : undefined,
      segmentArgs: mode === 'segments' ? encodeArgs(resolved, SEGMENT_INPUT, SEGMENT_OUTPUT) : undefined,
      warmup: warmupRun(resolved, options.warmup !== false),
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
            'core-unavailable',
            `could not load the ffmpeg core: ${message.message}`,
          );
          reject(e);
          this.session.fail(e);
        } else this.onMessage(message);
      };
      this.worker.onerror = (event) => {
        event.preventDefault();
        const e = new EncoderError(
          'worker-crashed',
          `the encoder's worker failed: ${event.message || 'it could not be loaded (check workerURL)'}`,
        );
        if (!ready) reject(e);
        this.session.fail(e);
      };
      signal?.addEventListener(
        'abort',
        () => {
          this.abort(signal.reason);
          if (!ready) reject(this.session.failure);
        },
        { once: true },
      );
      this.send(init);
    });
  }

  /** Counters: mode, frames in, encoded, dropped, samples out, restarts. */
  stats(): BrowserLiveEncoderStats {
    return { mode: this.mode, ...this.session.counters(), execs: this.execs, warmupMs: this.warmupMs };
  }

  /**
   * Queues a frame. Throws `invalid-frame`/`unsupported-format` for a frame that does not match the options,
   * `encoder-closed` after `close()`, the failure after one. With `whenFull: 'wait'` may return a promise.
   */
  encode(frame: RawFrame): void | Promise<void> {
    return this.session.encode(frame);
  }

  /**
   * The next frame given to `encode()` starts a new IDR. Ring mode ends the current ffmpeg run and starts another
   * (x264 has no keyframe trigger through ffmpeg's CLI); segments mode starts a new segment there.
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

  private send(message: BrowserWorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private pump(): void {
    if (this.session.ended) return;
    if (this.ring) this.pumpRing(this.ring);
    else this.pumpSegments();
  }

  /** Moves queued frames into the ring while it has room (a keyframe frame needs room for its restart marker). */
  private pumpRing(ring: FrameRing): void {
    const s = this.session;
    for (;;) {
      const frame = s.peek(0);
      if (!frame) break;
      const restart = s.startsKeyframe(frame) && s.posted > 0;
      if (ring.size > ring.layout.slots - (restart ? 2 : 1)) break;
      if (restart) {
        s.keyframeRestarts++;
        ring.tryWriteEnd('restart');
      }
      s.take(1);
      ring.tryWrite(frame.data);
    }
    if (s.state === 'closing' && s.queued === 0 && !this.endPosted && ring.hasRoom) {
      this.endPosted = true;
      ring.tryWriteEnd('close');
    }
  }

  /** Sends the next segment when the worker is idle: `segmentFrames` frames, cut short before a keyframe frame. */
  private pumpSegments(): void {
    if (this.segmentBusy) return;
    const s = this.session;
    let count = 0;
    while (count < s.queued && count < this.segmentFrames) {
      if (count > 0 && s.startsKeyframe(s.peek(count) as RawFrame)) break;
      count++;
    }
    const cutForKeyframe = count < this.segmentFrames && count < s.queued;
    if (count === 0 || (count < this.segmentFrames && !cutForKeyframe && s.state !== 'closing')) {
      if (s.state === 'closing' && s.queued === 0) s.finish();
      return;
    }
    if (cutForKeyframe) s.keyframeRestarts++;
    const packed = new Uint8Array(count * this.options.frameBytes);
    s.take(count).forEach((frame, i) => {
      packed.set(frame.data, i * this.options.frameBytes);
    });
    this.segmentBusy = true;
    this.execs++;
    this.send({ type: 'segment', frames: packed, count }, [packed.buffer]);
  }

  private onMessage(message: BrowserWorkerMessage): void {
    const s = this.session;
    if (s.ended) return;
    try {
      switch (message.type) {
        case 'data':
          s.output(message.bytes);
          break;
        case 'frame-end':
          s.framesConsumed = message.consumed;
          s.endAccessUnit();
          this.pump();
          break;
        case 'run-end':
          this.execs++;
          s.endAccessUnit();
          if (message.exitCode !== 0)
            s.fail(
              EncoderError.ffmpeg('live encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
          else if (!message.restart) s.finish();
          else this.pump();
          break;
        case 'segment-done':
          this.segmentBusy = false;
          if (message.exitCode !== 0) {
            s.fail(
              EncoderError.ffmpeg('segment encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
            return;
          }
          s.output(message.bytes);
          s.endAccessUnit();
          s.framesConsumed += message.count;
          this.pump();
          break;
        default:
          break;
      }
    } catch (error) {
      s.fail(
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
}
