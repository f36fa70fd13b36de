import {
  AccessUnitSplitter,
  type EncodedSample,
  type Encoder,
  errorMessage,
  type RawFrame,
  VideoCodec,
} from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import type { H264EncoderOptions, ResolvedOptions } from '../options.js';
import type { LiveWorkerMessage } from './live-protocol.js';
import {
  type FullQueuePolicy,
  LiveSession,
  type LiveSessionCounters,
  type LiveSessionOptions,
  type LiveTransport,
} from './live-session.js';

/** The options every platform's live encoder takes beside the H.264 ones. */
export interface LiveEncoderBaseOptions extends H264EncoderOptions {
  /**
   * Frames waiting in the main thread for the worker (beyond what the worker holds). Default 2: at most ~4 frame
   * times of queueing before frames are dropped.
   */
  readonly maxQueuedFrames?: number;
  /**
   * `drop-oldest` (default, for live sources): a full queue drops its oldest waiting frame, so latency stays
   * bounded and the freshest picture wins; drops are counted in `stats().framesDropped`. `wait`: `encode()`
   * returns a promise that resolves when there is room (files, tests: nothing dropped).
   */
  readonly whenFull?: FullQueuePolicy;
  /** Run a short encode at this size before `open()` resolves, so the first frame is not 2–3× slow. Default true. */
  readonly warmup?: boolean;
  /** Aborts the encoder (like `abort()`). */
  readonly signal?: AbortSignal;
  /** Called for every dropped frame. */
  readonly onDrop?: (frame: RawFrame) => void;
}

/** The counters every platform's live encoder has. */
export interface LiveEncoderBaseStats extends LiveSessionCounters {
  /** Time of the warm-up run, ms (0 without warm-up). */
  readonly warmupMs: number;
}

/** What a live worker does that the main thread hears of, in the platform's way. */
export interface LiveWorkerEvents {
  /** A message the worker posted. */
  message(message: LiveWorkerMessage): void;
  /** The worker failed or went away (the error says how, for this platform). */
  crash(error: EncoderError): void;
}

/**
 * One platform's side of a live encoder: how its worker is reached, and how frames get there
 * ({@link LiveTransport.pump}). The Node adapter posts frames to a worker thread's port; the browser's writes them
 * into a shared ring or sends them as segments to a Web Worker.
 */
export interface LiveWorkerLink extends LiveTransport {
  /** Delivers the worker's messages and failures to `events`, and sends the worker its start message if it takes one. */
  connect(events: LiveWorkerEvents): void;
}

/** How {@link LiveWorkerEncoder} builds its session and reaches its worker. */
export interface LiveWorkerEncoderSetup extends Omit<LiveSessionOptions, 'splitter' | 'transport'> {
  /**
   * Whether the worker signals each frame's end right after that frame's only packet (a long run with
   * `tune=zerolatency`): the splitter may then cut at the first slice. Whole segments are split by slice headers.
   */
  readonly firstSliceOnly: boolean;
  /** Makes the platform's link, given the session it feeds. */
  readonly link: (session: LiveSession) => LiveWorkerLink;
}

/** Throws `invalid-options` unless `value` (when given) is an integer ≥ `min`. */
export function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min))
    throw new EncoderError('invalid-options', `${name} must be an integer ≥ ${min}, got ${value}`);
}

/**
 * The live encoder both platforms share: core's {@link Encoder} over a {@link LiveSession} (bounded queue,
 * back-pressure, drop accounting, the PTS FIFO that pairs each sample with its input frame) and the worker's
 * messages, with one mapping of failures to {@link EncoderError}s and one close/abort life cycle. What differs per
 * platform (starting the worker, posting to it, how frames reach it) is its {@link LiveWorkerLink}.
 */
export abstract class LiveWorkerEncoder implements Encoder {
  /** Always H.264. */
  readonly codec = VideoCodec.H264;
  /** The options with defaults filled in. */
  readonly options: ResolvedOptions;
  /** The main-thread half: queue, PTS pairing, life cycle. */
  protected readonly session: LiveSession;
  private readonly link: LiveWorkerLink;
  private warmupMs = 0;
  private runs = 0;

  protected constructor(setup: LiveWorkerEncoderSetup) {
    const { firstSliceOnly, link, ...session } = setup;
    this.options = setup.options;
    this.session = new LiveSession({
      ...session,
      // Every sample gets a buffer of its own (consumers may transfer it).
      splitter: new AccessUnitSplitter({ codec: 'h264', copy: 'always', firstSliceOnly }),
      transport: { pump: () => this.link.pump(), release: () => this.link.release() },
    });
    this.link = link(this.session);
  }

  /** Counters: frames in, read, dropped, samples out, keyframe restarts, warm-up time. */
  stats(): LiveEncoderBaseStats {
    return { ...this.session.counters(), warmupMs: this.warmupMs };
  }

  /** ffmpeg runs that have ended (long runs and segments), warm-up excluded. */
  protected get runsEnded(): number {
    return this.runs;
  }

  /**
   * Queues a frame. Throws `invalid-frame`/`unsupported-format` for a frame that does not match the options,
   * `encoder-closed` after `close()`, the failure after one. With `whenFull: 'wait'` may return a promise.
   */
  encode(frame: RawFrame): void | Promise<void> {
    return this.session.encode(frame);
  }

  /**
   * The next frame given to `encode()` starts a new IDR (with SPS+PPS). A long run is ended and another started
   * (x264 has no keyframe trigger through ffmpeg's CLI): the cost is one run's start-up (`bench/encoder.bench.ts`
   * and the tests measure it) and a fresh rate-control state. Browser segments mode starts a new segment there.
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

  /**
   * Connects to the worker and resolves when it is ready (warmed up). Rejects with the worker's failure, or with
   * `aborted` when `signal` fires first; after that, failures and aborts end the session instead.
   */
  protected start(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const fail = (error: EncoderError): void => {
        if (!ready) reject(error);
        this.session.fail(error);
      };
      this.link.connect({
        message: (message) => {
          if (message.type === 'ready') {
            ready = true;
            this.warmupMs = message.warmupMs;
            resolve();
          } else if (message.type === 'failed') {
            fail(new EncoderError('core-unavailable', `could not load the ffmpeg core: ${message.message}`));
          } else this.onMessage(message);
        },
        crash: fail,
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

  private onMessage(message: LiveWorkerMessage): void {
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
          this.link.pump();
          break;
        case 'run-end':
          this.runs++;
          s.endAccessUnit();
          if (message.exitCode !== 0)
            s.fail(
              EncoderError.ffmpeg('live encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
          else if (!message.restart) s.finish();
          else this.link.pump();
          break;
        case 'segment-done':
          this.runs++;
          if (message.exitCode !== 0) {
            s.fail(
              EncoderError.ffmpeg('segment encode', { exitCode: message.exitCode, logTail: message.logTail }),
            );
            return;
          }
          s.output(message.bytes);
          s.endAccessUnit();
          s.framesConsumed += message.count;
          this.link.pump();
          break;
        default:
          break;
      }
    } catch (error) {
      s.fail(
        error instanceof EncoderError
          ? error
          : new EncoderError('encoder-failed', `the encoder's output did not parse: ${errorMessage(error)}`, {
              cause: error,
            }),
      );
    }
  }
}
