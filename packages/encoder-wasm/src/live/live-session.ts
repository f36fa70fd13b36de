import {
  type AccessUnit,
  type AccessUnitSplitter,
  type EncodedSample,
  type RawFrame,
  VideoCodec,
} from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { checkFrame, type ResolvedOptions } from '../options.js';
import { AsyncQueue } from '../sample-queue.js';

/** What a live encoder does with a frame when its input queue is full. */
export type FullQueuePolicy = 'drop-oldest' | 'wait';

/** Where a {@link LiveSession} is: `closing` still encodes what is queued; `closed` and `failed` are final. */
export type LiveSessionState = 'open' | 'closing' | 'closed' | 'failed';

/** The part of core's splitter a session reads its output through (a fake one in tests). */
export type OutputSplitter = Pick<AccessUnitSplitter, 'push' | 'endAccessUnit' | 'end'>;

/** The worker side of a live encoder, which the session calls back into. */
export interface LiveTransport {
  /** Moves queued frames ({@link LiveSession.take}) to the worker as far as it has room. */
  pump(): void;
  /** Stops the worker (and its ports) once the session has ended, closed or failed. */
  release(): void;
}

/** Options of a {@link LiveSession}. */
export interface LiveSessionOptions {
  /** The encoder's options; every frame is checked against them. */
  readonly options: ResolvedOptions;
  /** Frames that may wait in the queue before {@link LiveSessionOptions.whenFull} applies. */
  readonly maxQueuedFrames: number;
  /** `drop-oldest` drops the oldest waiting frame (latency stays bounded); `wait` makes `encode()` wait. */
  readonly whenFull: FullQueuePolicy;
  /** Called for every frame dropped by `drop-oldest`. */
  readonly onDrop?: ((frame: RawFrame) => void) | undefined;
  /** Splits the worker's output into access units, one per input frame. */
  readonly splitter: OutputSplitter;
  /** Carries frames to the worker and stops it. */
  readonly transport: LiveTransport;
}

/** The counters every live encoder's `stats()` has. */
export interface LiveSessionCounters {
  /** Frames given to `encode()`. */
  readonly framesIn: number;
  /** Frames handed to ffmpeg and encoded (read by ffmpeg; browser segments mode: in finished segments). */
  readonly framesConsumed: number;
  /** Samples emitted. */
  readonly samplesOut: number;
  /** Frames dropped by the full-queue policy. */
  readonly framesDropped: number;
  /** Frames waiting in the main thread. */
  readonly queued: number;
  /** Keyframe requests served: ffmpeg runs restarted (browser segments mode: segments cut short). */
  readonly keyframeRestarts: number;
}

/** Throws `aborted` when `signal` has fired while a live encoder was still opening. */
export function throwIfAbortedBeforeOpen(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new EncoderError('aborted', 'the live encoder was aborted before it opened', {
      cause: signal.reason,
    });
}

/**
 * The main-thread half of a live encoder, whatever carries frames to its worker: the bounded input queue and its
 * full-queue policy, keyframe requests, the PTS FIFO that pairs each output access unit with its input frame
 * (FIFO: no B-frames), and the open → closing → closed/failed life cycle. The transport only moves frames
 * ({@link take}) and feeds the worker's output back ({@link output}, {@link endAccessUnit}, {@link finish}).
 */
export class LiveSession {
  /** The encoded samples: ends after {@link finish}, throws the failure after {@link fail}. */
  readonly samples = new AsyncQueue<EncodedSample>();
  /** Frames the worker has read; the transport keeps it current. */
  framesConsumed = 0;
  /** Keyframe requests the transport has served (restarts or cut segments). */
  keyframeRestarts = 0;
  private readonly options: ResolvedOptions;
  private readonly maxQueued: number;
  private readonly whenFull: FullQueuePolicy;
  private readonly onDrop: ((frame: RawFrame) => void) | undefined;
  private readonly splitter: OutputSplitter;
  private readonly transport: LiveTransport;
  private readonly queue: RawFrame[] = [];
  // encode() calls of the `wait` policy, each woken when one frame leaves the queue (or on failure).
  private readonly waiters: (() => void)[] = [];
  private readonly ptsFifo: bigint[] = [];
  // Frames that must start a new IDR (the first frame given to encode() after requestKeyframe()).
  private readonly keyframes = new WeakSet<RawFrame>();
  private keyframeWanted = false;
  private framesIn = 0;
  private framesTaken = 0;
  private framesDropped = 0;
  private samplesOut = 0;
  private current: LiveSessionState = 'open';
  private error: EncoderError | undefined;
  private readonly finished: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };

  constructor(o: LiveSessionOptions) {
    this.options = o.options;
    this.maxQueued = o.maxQueuedFrames;
    this.whenFull = o.whenFull;
    this.onDrop = o.onDrop;
    this.splitter = o.splitter;
    this.transport = o.transport;
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // close() is not always called; a failure must not also surface as an unhandled rejection.
    promise.catch(() => {});
    this.finished = { promise, resolve, reject };
  }

  get state(): LiveSessionState {
    return this.current;
  }

  /** The error the session failed with, if it did. */
  get failure(): EncoderError | undefined {
    return this.error;
  }

  /** Closed or failed: nothing more goes to the worker or comes out of it. */
  get ended(): boolean {
    return this.current === 'closed' || this.current === 'failed';
  }

  /** Frames waiting in the queue. */
  get queued(): number {
    return this.queue.length;
  }

  /** Frames taken from the queue for the worker so far. */
  get posted(): number {
    return this.framesTaken;
  }

  /** The queued frame at `index` (0: the oldest), without taking it. */
  peek(index: number): RawFrame | undefined {
    return this.queue[index];
  }

  /** Whether `frame` must start a new IDR (a keyframe was requested for it). */
  startsKeyframe(frame: RawFrame): boolean {
    return this.keyframes.has(frame);
  }

  /** Takes the `count` oldest frames for the worker: their PTS wait for their samples, their waiters wake. */
  take(count: number): RawFrame[] {
    const frames = this.queue.splice(0, count);
    for (const frame of frames) {
      this.keyframes.delete(frame);
      this.ptsFifo.push(frame.pts);
      this.waiters.shift()?.();
    }
    this.framesTaken += frames.length;
    return frames;
  }

  /**
   * Queues a frame and lets the transport pump. Throws `encoder-closed` after `close()`, the failure after one,
   * `invalid-frame`/`unsupported-format` for a frame that does not match the options. With `whenFull: 'wait'`
   * returns a promise while the queue is full.
   */
  encode(frame: RawFrame): void | Promise<void> {
    if (this.current !== 'open')
      throw this.error ?? new EncoderError('encoder-closed', 'encode() after close()');
    checkFrame(frame, this.options);
    this.framesIn++;
    if (this.keyframeWanted) {
      this.keyframeWanted = false;
      this.keyframes.add(frame);
    }
    this.queue.push(frame);
    this.transport.pump();
    if (this.queue.length <= this.maxQueued) return;
    if (this.whenFull === 'wait') return new Promise<void>((resolve) => this.waiters.push(resolve));
    const drop = this.queue.shift() as RawFrame;
    // A keyframe request outlives the frame it was attached to.
    if (this.keyframes.delete(drop)) {
      const next = this.queue[0];
      if (next) this.keyframes.add(next);
      else this.keyframeWanted = true;
    }
    this.framesDropped++;
    this.onDrop?.(drop);
  }

  /** The next frame given to {@link encode} starts a new IDR. */
  requestKeyframe(): void {
    if (this.current === 'open') this.keyframeWanted = true;
  }

  /** Stops taking frames, lets the transport send what is queued, and waits for {@link finish} (or a failure). */
  async close(): Promise<void> {
    if (this.current === 'open') {
      this.current = 'closing';
      this.transport.pump();
    }
    await this.finished.promise;
  }

  /** Fails with `aborted` unless the session has already ended. */
  abort(reason?: unknown): void {
    if (this.ended) return;
    this.fail(new EncoderError('aborted', 'the live encoder was aborted', { cause: reason }));
  }

  /** Ends the session with `error`: queued frames go, waiters wake, `samples` and `close()` throw it. */
  fail(error: EncoderError): void {
    if (this.ended) return;
    this.current = 'failed';
    this.error = error;
    this.queue.length = 0;
    for (const wake of this.waiters.splice(0)) wake();
    this.samples.fail(error);
    this.transport.release();
    this.finished.reject(error);
  }

  /** Bytes the worker wrote. Throws `encoder-failed` for a sample with no input frame left. */
  output(bytes: Uint8Array): void {
    this.emit(this.splitter.push(bytes));
  }

  /** The worker signalled the end of a frame (or of a run or segment). Throws like {@link output}. */
  endAccessUnit(): void {
    this.emit(this.splitter.endAccessUnit());
  }

  /**
   * The worker's last run ended: flushes the splitter and closes, or fails with `encoder-failed` if frames were
   * taken and never came out. Throws like {@link output}.
   */
  finish(): void {
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
    this.current = 'closed';
    this.samples.end();
    this.transport.release();
    this.finished.resolve();
  }

  /** The shared part of the encoders' `stats()`. */
  counters(): LiveSessionCounters {
    return {
      framesIn: this.framesIn,
      framesConsumed: this.framesConsumed,
      samplesOut: this.samplesOut,
      framesDropped: this.framesDropped,
      queued: this.queue.length,
      keyframeRestarts: this.keyframeRestarts,
    };
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
      this.samples.push({
        codec: VideoCodec.H264,
        codecString: au.codecString ?? 'avc1',
        data: au.data,
        pts,
        isKeyframe: au.isKeyframe,
        index: this.samplesOut - 1,
      });
    }
  }
}
