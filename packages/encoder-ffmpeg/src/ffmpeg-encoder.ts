import {
  type AccessUnit,
  type AccessUnitSplitter,
  checkH264Frame,
  type EncodedSample,
  type Encoder,
  type H264EncoderOptions,
  type RawFrame,
  type ResolvedH264Options,
  resolveH264Options,
  softwareEncoderName,
  VideoCodec,
} from '@camstream/core/media';
import { describeEncoder } from './encoders/encoder-family.js';
import {
  checkEncoderCodec,
  checkedOptions,
  checkIntegerOption,
  checkProcessOptions,
  FfmpegEncoderError,
  unparsedOutput,
} from './errors.js';
import { checkEncoderArgs, liveEncodeArgs } from './ffmpeg-args.js';
import { exitFailure, FfmpegRun, type RunExit } from './ffmpeg-run.js';
import { FrameCopies } from './frame-copies.js';
import { ffmpegEnv } from './malloc-env.js';
import { SampleQueue } from './sample-queue.js';
import { ffmpegSplitter, sampleOf } from './stream-samples.js';

/**
 * Frames written to ffmpeg whose samples have not come out yet, at most, by default: beyond it frames wait in
 * the queue. Two keep x264 busy while the previous sample travels back, and add no latency.
 */
export const FFMPEG_DEPTH = 2;

/**
 * Frames in flight, by default with `whenFull: 'drop-oldest'`, for an encoder that may hold frames back: a tune
 * other than `zerolatency` (x264's and x265's lookahead: up to 60 frames in their slowest presets, plus frame
 * threads), an encoder of unknown behaviour, or extra `encoderArgs` (which may turn a lookahead back on). Fewer
 * than it holds and frames would be dropped while no sample comes out. (With `wait` the pipe paces the frames,
 * so the usual depth serves.)
 */
export const FFMPEG_LOOKAHEAD_DEPTH = 96;

/** Frames in flight, by default, in batch mode: enough that ffmpeg's pipe never runs dry. */
export const FFMPEG_BATCH_DEPTH = 8;

/**
 * Frames that may wait, at most, while ffmpeg starts (until its first sample, and while a keyframe request
 * restarts it) and until the frames that waited meanwhile are written, before `drop-oldest` drops: starting
 * ffmpeg and x264 takes 100–300 ms, and the frames that waited take as long again to drain (1280x720 veryfast
 * on two busy cores: up to 15 frames queued), which is not the encoder falling behind, so those frames wait
 * instead of being lost. A second at 30 fps.
 */
export const FFMPEG_STARTUP_QUEUE = 30;

/**
 * Milliseconds, by default, that ffmpeg may write nothing while it finishes (its input ended) before it counts as
 * stuck and is killed: a slow preset flushing a large frame writes one every few seconds at worst.
 */
export const FFMPEG_FINISH_TIMEOUT_MS = 20_000;

/** What {@link FfmpegEncoder.encode} does when its queue is full. */
export type FullQueuePolicy = 'drop-oldest' | 'wait';

/** Options of {@link FfmpegEncoder.open}. */
export interface FfmpegEncoderOptions extends H264EncoderOptions {
  /** The ffmpeg executable: a path, or a name looked up on PATH. Default `ffmpeg`. */
  readonly ffmpegPath?: string;
  /**
   * ffmpeg's encoder (`-c:v`). Default `libx264`, or `libx265` with `codec: 'h265'`, each given x264's (x265's)
   * options. `h264_nvenc`, `h264_vaapi`, `h264_qsv` and their `hevc_` twins get the options mapped onto their
   * family (see `hardwareCodecArgs`), other names only the GOP and bit-rate options. The encoder's codec must be
   * `codec`. ffmpeg's refusal surfaces as `encoder-failed`.
   */
  readonly encoder?: string;
  /**
   * Extra ffmpeg output arguments, placed after the codec arguments camstream builds (so they win): the way to
   * set what the options do not cover, e.g. `['-x264-params', 'ref=1']` or `['-rc-lookahead', '0']`. They may
   * make the encoder hold frames (`-tune film` undoes `zerolatency`), so with them and `drop-oldest`,
   * `framesInFlight` defaults to {@link FFMPEG_LOOKAHEAD_DEPTH}; give it when you know they hold none.
   */
  readonly encoderArgs?: readonly string[];
  /** The VA-API device for `*_vaapi` encoders. Default `/dev/dri/renderD128`. */
  readonly vaapiDevice?: string;
  /**
   * Frames that wait for ffmpeg (beyond the ones it holds) before `whenFull` applies. Default 2. While ffmpeg
   * starts, up to {@link FFMPEG_STARTUP_QUEUE} wait with `drop-oldest`.
   */
  readonly maxQueuedFrames?: number;
  /**
   * `live` (default): each frame's sample comes out as soon as ffmpeg has encoded it (a second pipe carries
   * each packet's size, flushed per packet). `batch`, for bounded sources at full speed: ffmpeg writes the
   * stream alone and core's splitter finds where each frame ends, so a sample comes out when the next frame's
   * starts (one frame later), and 8 frames are kept in flight: no per-frame signal is needed, so the cheapest
   * framing (one output) serves.
   */
  readonly mode?: 'live' | 'batch';
  /**
   * Frames written to ffmpeg ahead of their samples (default {@link FFMPEG_BATCH_DEPTH} in batch mode, else
   * {@link FFMPEG_DEPTH} with `tune: 'zerolatency'`; with `drop-oldest`, {@link FFMPEG_LOOKAHEAD_DEPTH} in
   * either mode for an encoder that may hold frames: another tune, an unknown encoder, `encoderArgs`). A bounded
   * source encoded as fast as possible wants more (e.g. 8), so the pipe never runs dry while a sample travels
   * back; each one is a frame of memory in the pipe, not of latency for a live source, which has at most one
   * frame waiting. Fewer than the encoder holds and its samples only come out at `close()`, which writes every
   * frame still queued.
   */
  readonly framesInFlight?: number;
  /** ffmpeg's `-threads` for the encoder (default: ffmpeg's choice, one per core or more). */
  readonly threads?: number;
  /**
   * `drop-oldest` (default, for live sources): a full queue drops its oldest frame, so latency stays bounded;
   * drops are counted in `stats().framesDropped`. `wait`: `encode()` returns a promise that resolves when
   * there is room (files, tests: nothing dropped).
   */
  readonly whenFull?: FullQueuePolicy;
  /** Called for every dropped frame (its `data` valid during the call only). */
  readonly onDrop?: (frame: RawFrame) => void;
  /**
   * For sources that reuse their buffers: when given, `encode()` does not copy the frame, and the frame's `data`
   * must not change until this is called with it: once ffmpeg's pipe has taken it, or it was dropped or
   * discarded. Saves a copy per frame (about 0.2 ms at 640x480 here). Without it, `encode()` copies.
   */
  readonly releaseFrame?: (frame: RawFrame) => void;
  /**
   * Once ffmpeg's input has ended (`close()`, a keyframe request's restart), the milliseconds it may write
   * nothing before it exits (default {@link FFMPEG_FINISH_TIMEOUT_MS}). One that stalls longer (a wrapper
   * that never answers, a filter that hangs) is killed, and `close()` rejects with `encoder-failed`.
   */
  readonly finishTimeoutMs?: number;
  /** Aborts the encoder (like `abort()`). */
  readonly signal?: AbortSignal;
}

/** Counters of a {@link FfmpegEncoder}. */
export interface FfmpegEncoderStats {
  /** Frames given to `encode()`. */
  readonly framesIn: number;
  /** Frames written to ffmpeg. */
  readonly framesWritten: number;
  /** Samples emitted. */
  readonly samplesOut: number;
  /** Frames dropped by the full-queue policy. */
  readonly framesDropped: number;
  /** Frames waiting for ffmpeg. */
  readonly queued: number;
  /** Keyframe requests served by starting a new ffmpeg process. */
  readonly keyframeRestarts: number;
}

type State = 'open' | 'closing' | 'closed' | 'failed';

/**
 * Live H.264 (or, with `codec: 'h265'`, H.265) encoder that drives the system's ffmpeg (libx264, libx265) as a
 * child process: raw frames (I420, NV12, RGBA) go to its stdin, each frame's sample comes out as soon as the
 * encoder has encoded it, with that frame's PTS (FIFO: no B-frames). Implements core's `Encoder`.
 *
 * x265 with `tune: 'zerolatency'` (the default) holds no frame back (no lookahead, one frame thread): each
 * sample comes out before the next frame is written. Measured on Debian's ffmpeg 5.1 (x265 3.5, veryfast, a
 * shared two-core machine): a median 9 ms from `encode()` to the sample at 320x240 and 51 ms at 640x480
 * (x264: 9 ms at 640x480); that is x265's encoding time, not a held frame. Other tunes let x265 and x264
 * hold frames for their lookahead: samples then come out that many frames late (the encoder gives ffmpeg up to
 * {@link FFMPEG_LOOKAHEAD_DEPTH} frames), so live use wants `zerolatency`.
 *
 * The stream is byte-identical to `ffmpeg` run by hand with core's `videoEncodeArgs` on the same frames, and
 * the samples are what core's `AccessUnitSplitter` makes of it (the same splitter settings as
 * `@camstream/encoder-wasm`), so keyframe flags and in-band parameter sets match that encoder's.
 *
 * ffmpeg is not linked: this package is MIT whatever ffmpeg's build is; the ffmpeg installed carries its own
 * licence.
 */
export class FfmpegEncoder implements Encoder {
  /** `VideoCodec.H264`, or `VideoCodec.H265` with `codec: 'h265'`. */
  readonly codec: VideoCodec;
  /** The options with defaults filled in. */
  readonly options: ResolvedH264Options;
  private readonly ffmpegPath: string;
  private readonly args: string[];
  private readonly maxQueued: number;
  private readonly depth: number;
  private readonly encoderName: string;
  private readonly whenFull: FullQueuePolicy;
  private readonly finishTimeoutMs: number;
  private readonly onDrop: ((frame: RawFrame) => void) | undefined;
  private readonly releaseFrame: ((frame: RawFrame) => void) | undefined;
  private splitter: AccessUnitSplitter;
  private readonly batch: boolean;
  private readonly output = new SampleQueue<EncodedSample>();
  private readonly copies = new FrameCopies();
  private readonly queue: RawFrame[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly ptsFifo: bigint[] = [];
  private readonly keyframes = new WeakSet<RawFrame>();
  private keyframeWanted = false;
  private run: FfmpegRun | undefined;
  private runFrames = 0;
  private runSamples = 0;
  /** Frames written whose bytes ffmpeg's pipe has not all taken yet. */
  private untaken = 0;
  private pumping = false;
  private restarting = false;
  /** Since ffmpeg (re)started, until the frames that queued meanwhile are written: a start is no backlog. */
  private catchingUp = true;
  private state: State = 'open';
  private error: FfmpegEncoderError | undefined;
  private counts = { framesIn: 0, framesWritten: 0, samplesOut: 0, framesDropped: 0, keyframeRestarts: 0 };
  private readonly finished: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  private constructor(options: ResolvedH264Options, o: FfmpegEncoderOptions) {
    this.options = options;
    this.codec = options.codec === 'h265' ? VideoCodec.H265 : VideoCodec.H264;
    this.batch = o.mode === 'batch';
    this.splitter = this.newSplitter();
    this.ffmpegPath = o.ffmpegPath ?? 'ffmpeg';
    this.encoderName = o.encoder ?? softwareEncoderName(options.codec);
    this.args = liveEncodeArgs(options, this.encoderName, {
      framing: this.batch ? 'stream' : 'packets',
      ...(o.threads !== undefined && { threads: o.threads }),
      ...(o.encoderArgs !== undefined && { encoderArgs: o.encoderArgs }),
      ...(o.vaapiDevice !== undefined && { vaapiDevice: o.vaapiDevice }),
    });
    this.maxQueued = o.maxQueuedFrames ?? 2;
    this.whenFull = o.whenFull ?? 'drop-oldest';
    // With `wait` the pipe paces the frames (see `pump`); `drop-oldest` must give a lookahead its frames.
    const mayHoldFrames =
      this.whenFull === 'drop-oldest' &&
      (options.tune !== 'zerolatency' ||
        describeEncoder(this.encoderName).family === 'other' ||
        (o.encoderArgs?.length ?? 0) > 0);
    this.depth =
      o.framesInFlight ??
      (mayHoldFrames ? FFMPEG_LOOKAHEAD_DEPTH : this.batch ? FFMPEG_BATCH_DEPTH : FFMPEG_DEPTH);
    this.finishTimeoutMs = o.finishTimeoutMs ?? FFMPEG_FINISH_TIMEOUT_MS;
    this.onDrop = o.onDrop;
    this.releaseFrame = o.releaseFrame;
    this.finished = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // close() is not always called; a failure must not also surface as an unhandled rejection.
    this.finished.catch(() => {});
  }

  /**
   * Checks the options and starts ffmpeg. Rejects with `invalid-options`/`unsupported-format`,
   * `ffmpeg-not-found` when the executable cannot be started, `aborted` when `signal` has fired.
   */
  static async open(options: FfmpegEncoderOptions): Promise<FfmpegEncoder> {
    const resolved = checkedOptions(() => resolveH264Options(options));
    checkIntegerOption('maxQueuedFrames', options.maxQueuedFrames, 0);
    checkIntegerOption('framesInFlight', options.framesInFlight, 1);
    checkProcessOptions(options);
    checkIntegerOption('finishTimeoutMs', options.finishTimeoutMs, 1);
    if (options.whenFull !== undefined && options.whenFull !== 'drop-oldest' && options.whenFull !== 'wait')
      throw new FfmpegEncoderError(
        'invalid-options',
        `whenFull must be drop-oldest or wait, got ${options.whenFull}`,
      );
    checkEncoderCodec(options.encoder, resolved.codec);
    checkEncoderArgs(options.encoderArgs);
    const signal = options.signal;
    if (signal?.aborted)
      throw new FfmpegEncoderError('aborted', 'the ffmpeg encoder was aborted before it opened', {
        cause: signal.reason,
      });
    const encoder = new FfmpegEncoder(resolved, options);
    await encoder.startRun();
    signal?.addEventListener('abort', () => encoder.abort(signal.reason), { once: true });
    if (signal?.aborted) encoder.abort(signal.reason);
    return encoder;
  }

  /** The process id of the running ffmpeg (undefined between runs and after the end). */
  get pid(): number | undefined {
    return this.state === 'closed' || this.state === 'failed' ? undefined : this.run?.pid;
  }

  /** Counters: frames in, written, dropped, samples out, keyframe restarts. */
  stats(): FfmpegEncoderStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /**
   * Queues a frame. Throws `invalid-frame`/`unsupported-format` for a frame that does not match the options,
   * `encoder-closed` after `close()`, the failure after one. With `whenFull: 'wait'` may return a promise.
   * The frame's pixels are copied, so `frame.data` may be reused as soon as this returns, unless `releaseFrame`
   * was given.
   */
  encode(input: RawFrame): void | Promise<void> {
    if (this.state !== 'open')
      throw this.error ?? new FfmpegEncoderError('encoder-closed', 'encode() after close()');
    checkedOptions(() => checkH264Frame(input, this.options));
    const frame = this.releaseFrame ? input : { ...input, data: this.copies.copy(input.data) };
    this.counts.framesIn++;
    if (this.keyframeWanted) {
      this.keyframeWanted = false;
      this.keyframes.add(frame);
    }
    this.queue.push(frame);
    this.pump();
    if (this.queue.length <= this.queueLimit()) return;
    if (this.whenFull === 'wait') return new Promise<void>((resolve) => this.waiters.push(resolve));
    const dropped = this.queue.shift() as RawFrame;
    // A keyframe request outlives the frame it was attached to.
    if (this.keyframes.delete(dropped)) {
      const next = this.queue[0];
      if (next) this.keyframes.add(next);
      else this.keyframeWanted = true;
    }
    this.counts.framesDropped++;
    this.onDrop?.(dropped);
    this.release(dropped);
  }

  /**
   * Frames that may wait before `whenFull` applies. A start's allowance is only for `drop-oldest`, where it
   * saves frames from being dropped; with `wait` nothing is dropped anyway, and the allowance would only let
   * the source run ahead, holding a frame buffer for each frame queued (measured: 44 buffers of 1280x720
   * instead of 16 for the CLI's test pattern, each fresh buffer paid in page faults).
   */
  private queueLimit(): number {
    return this.catchingUp && this.whenFull === 'drop-oldest'
      ? Math.max(this.maxQueued, FFMPEG_STARTUP_QUEUE)
      : this.maxQueued;
  }

  /**
   * The next frame given to `encode()` starts a new IDR (with SPS and PPS). ffmpeg's command line has no way to
   * ask x264 for a keyframe, so the running ffmpeg is ended (its frames still come out) and a new one started
   * for that frame. Cost: that frame waits for the old process to flush and exit and the new one to start and
   * set x264 up (measured at 640x480 veryfast on two cores: 65–190 ms from `encode()` to its sample, against
   * ~9 ms for other frames), and the new run's rate control starts afresh. Frames keep queueing meanwhile (and
   * `drop-oldest` may drop some).
   */
  requestKeyframe(): void {
    if (this.state === 'open') this.keyframeWanted = true;
  }

  /** Encodes what is queued, lets ffmpeg flush and exit, and ends {@link samples}. Rejects with the failure after one. */
  close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      this.pump();
    }
    return this.finished;
  }

  /** Stops at once: ffmpeg is killed, queued frames are dropped, `samples()` throws `aborted`. */
  abort(reason?: unknown): void {
    this.fail(new FfmpegEncoderError('aborted', 'the ffmpeg encoder was aborted', { cause: reason }));
  }

  /** The encoded samples, in order; ends after `close()`, throws the failure after one (after the samples before it). */
  samples(): AsyncIterable<EncodedSample> {
    return this.output;
  }

  private newSplitter(): AccessUnitSplitter {
    return ffmpegSplitter(this.options.codec, !this.batch);
  }

  private async startRun(): Promise<void> {
    const run = await FfmpegRun.start(
      this.ffmpegPath,
      this.args,
      this.batch ? 'stream' : 'packets',
      {
        packet: (packet) => {
          if (this.run === run) this.onPacket(packet);
        },
        exit: (exit) => {
          if (this.run === run) this.onExit(exit);
        },
      },
      ffmpegEnv(this.options.frameBytes),
    );
    this.run = run;
    this.runFrames = 0;
    this.runSamples = 0;
  }

  /**
   * Writes queued frames while ffmpeg holds fewer than `framesInFlight`, and with `wait` also whenever its pipe
   * has taken every frame written (ffmpeg reads a frame when it wants one, so its pipe keeps the pace: an
   * encoder that holds more frames than `framesInFlight` for its lookahead still gets them, where waiting for a
   * sample first would wait for ever). When closing, every queued frame (no latency is left to keep low), then
   * stdin ends.
   */
  private pump(): void {
    const run = this.run;
    if (run === undefined || this.restarting || this.state === 'closed' || this.state === 'failed') return;
    const depth = this.state === 'closing' ? Number.POSITIVE_INFINITY : this.depth;
    const pipePaced = this.whenFull === 'wait';
    this.pumping = true;
    try {
      while (this.queue.length > 0 && (this.ptsFifo.length < depth || (pipePaced && this.untaken === 0))) {
        const frame = this.queue[0] as RawFrame;
        if (this.keyframes.has(frame) && this.runFrames > 0) {
          this.restarting = true;
          this.catchingUp = true;
          this.endRun(run);
          return;
        }
        this.queue.shift();
        this.keyframes.delete(frame);
        this.ptsFifo.push(frame.pts);
        this.untaken++;
        run.write(frame.data, () => {
          this.untaken--;
          this.release(frame);
          // Called at once when stdin has ended: this loop goes on by itself.
          if (!this.pumping) this.pump();
        });
        this.runFrames++;
        this.counts.framesWritten++;
        this.waiters.shift()?.();
      }
      // Caught up once every waiting frame is written; an encoder still behind after a start's worth of frames
      // is slower than the source, and drops as usual.
      if (
        this.catchingUp &&
        this.runSamples > 0 &&
        (this.queue.length === 0 || this.runFrames >= FFMPEG_STARTUP_QUEUE)
      )
        this.catchingUp = false;
      if (this.state === 'closing' && this.queue.length === 0) this.endRun(run);
    } finally {
      this.pumping = false;
    }
  }

  /** Ends ffmpeg's input: it encodes what it has, flushes and exits, or is killed as stuck. */
  private endRun(run: FfmpegRun): void {
    run.end();
    run.finishWithin(this.finishTimeoutMs);
  }

  private onPacket(packet: Uint8Array): void {
    if (this.state === 'failed') return;
    try {
      this.emit(this.splitter.push(packet));
      if (!this.batch) this.emit(this.splitter.endAccessUnit());
    } catch (error) {
      this.fail(error instanceof FfmpegEncoderError ? error : unparsedOutput(error));
      return;
    }
    this.pump();
  }

  private onExit(exit: RunExit): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    if (exit.exitCode !== 0) {
      this.fail(exitFailure(exit));
      return;
    }
    try {
      // The last frame of a batch run is complete only now; a fresh run starts a fresh stream.
      this.emit(this.splitter.end());
      this.splitter = this.newSplitter();
    } catch (error) {
      this.fail(unparsedOutput(error));
      return;
    }
    if (this.ptsFifo.length > 0 || exit.leftoverBytes > 0) {
      this.fail(
        new FfmpegEncoderError(
          'encoder-failed',
          `ffmpeg ended with ${this.ptsFifo.length} frame(s) not encoded and ${exit.leftoverBytes} byte(s) not cut into samples${this.unknownEncoderHint()}`,
          { exitCode: 0, logTail: exit.logTail },
        ),
      );
      return;
    }
    if (this.restarting) {
      this.counts.keyframeRestarts++;
      this.startRun().then(
        () => {
          this.restarting = false;
          // Aborted while the new run was starting.
          if (this.state === 'failed') this.run?.kill();
          else this.pump();
        },
        (error: unknown) => this.fail(error as FfmpegEncoderError),
      );
      return;
    }
    if (this.state === 'closing') {
      this.state = 'closed';
      this.output.end();
      this.settle.resolve();
      return;
    }
    this.fail(
      new FfmpegEncoderError('encoder-failed', 'ffmpeg exited before close()', {
        exitCode: 0,
        logTail: exit.logTail,
      }),
    );
  }

  /** For an encoder camstream does not know, whose output did not cut into samples: it may write another codec. */
  private unknownEncoderHint(): string {
    if (describeEncoder(this.encoderName).family !== 'other') return '';
    const codec = this.codec === VideoCodec.H265 ? 'H.265' : 'H.264';
    return ` (${this.encoderName} may not write ${codec}: probeEncoders() tells which encoders work)`;
  }

  private emit(units: readonly AccessUnit[]): void {
    for (const au of units) {
      const pts = this.ptsFifo.shift();
      if (pts === undefined)
        throw new FfmpegEncoderError(
          'encoder-failed',
          `ffmpeg produced sample ${au.index} with no input frame left to pair it with`,
        );
      this.counts.samplesOut++;
      this.runSamples++;
      this.output.push(sampleOf(au, this.codec, pts, this.counts.samplesOut - 1));
    }
  }

  /** Gives a frame's pixels back once nothing reads them: to the source's `releaseFrame`, or to the copies. */
  private release(frame: RawFrame): void {
    if (this.releaseFrame) this.releaseFrame(frame);
    else this.copies.release(frame.data);
  }

  private fail(error: FfmpegEncoderError): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    this.error = error;
    for (const frame of this.queue.splice(0)) this.release(frame);
    for (const wake of this.waiters.splice(0)) wake();
    this.output.fail(error);
    this.run?.kill();
    this.settle.reject(error);
  }
}
