import {
  frameTime,
  type RawFrame,
  type RecordingStream,
  TextDocument,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { errorMessage, isCamstreamError } from '@camstream/core/media';
import type { FfmpegFileInput } from '@camstream/encoder-ffmpeg';
import { CliError } from '../errors.js';
import {
  type CaptureEncoder,
  type CaptureEncoderOptions,
  openCaptureEncoder,
  openFileEncoder,
} from './encode.js';
import type { CaptureCodec, ChosenEncoder } from './encoder-choice.js';
import { limitFrames, type PaceCounters, paced, untilAborted } from './frame-flow.js';
import type {
  CaptureOptions,
  CaptureProgress,
  CaptureSourceStartInfo,
  CaptureSourceSummary,
  EncodeMode,
} from './options.js';
import { type RateShortfall, RateWatch } from './rate-watch.js';
import type { SourcePlan } from './source-plan.js';
import type { FrameSource } from './sources/frame-source.js';
import { logFrameStats, RateWindow, type StatsEntities, statsEntities } from './telemetry.js';

/** What every source of a capture logs into, and how. */
export interface SourceRunContext {
  readonly rec: RecordingStream;
  readonly timeline: string;
  readonly codec: CaptureCodec;
  readonly stats: boolean;
  /**
   * With several sources: the run's start (`performance.now()`), from which `time` counts (the frame's
   * arrival) and files and patterns are paced. With one: undefined, and `time` is the source's PTS.
   */
  readonly runStartMs: number | undefined;
  /**
   * With several sources: how long after `runStartMs` this source's first paced frame is due. Test patterns
   * are spread over one frame interval, as free-running cameras are, so their encoders do not all wake at once.
   */
  readonly paceOffsetMs?: number;
  readonly signal: AbortSignal;
  readonly options: CaptureOptions;
}

/**
 * One source of a capture and its own encoder, counters and pacing (decision 0019): it logs its samples on
 * its entity, and with several sources a failure stays its own.
 */
export class SourceRun {
  readonly plan: SourcePlan;
  readonly chosen: ChosenEncoder;
  readonly source: FrameSource;
  readonly mode: EncodeMode;
  /** Paced in real time: the test pattern watched live (`realtime`, a live sink), or any file or pattern of several. */
  readonly paced: boolean;
  readonly #stats: StatsEntities;
  #encoder: CaptureEncoder | undefined;
  /** The file the system ffmpeg reads itself, when it does. */
  #readsFile: FfmpegFileInput | undefined;
  readonly #pace: PaceCounters = { late: 0 };
  readonly #rates = new RateWindow();
  #frames = 0;
  #keyframes = 0;
  #bytes = 0;
  #first: number | undefined;
  #last = performance.now();
  #lastTime = 0n;
  #dropped = 0;
  #outcome: CaptureSourceSummary['outcome'] | undefined;
  #error: unknown;
  #closed: Promise<void> | undefined;

  constructor(
    plan: SourcePlan,
    chosen: ChosenEncoder,
    source: FrameSource,
    options: { readonly several: boolean; readonly liveSink: boolean },
  ) {
    this.plan = plan;
    this.chosen = chosen;
    this.source = source;
    const pattern = plan.options.input === undefined && plan.options.device === undefined;
    this.paced = options.several
      ? !source.live
      : pattern && (plan.options.realtime === true || options.liveSink);
    this.mode = source.live || this.paced ? 'live' : 'batch';
    this.#stats = statsEntities(options.several ? `stats/${plan.entity}` : 'stats');
  }

  /** What `onStart` says of this source. */
  get startInfo(): CaptureSourceStartInfo {
    const { source, chosen, mode } = this;
    return {
      entity: this.plan.entity,
      source: source.name,
      width: source.width,
      height: source.height,
      fpsNum: source.fpsNum,
      fpsDen: source.fpsDen,
      mode,
      whenBehind: mode === 'batch' ? undefined : source.dropWhenBehind || this.paced ? 'drop' : 'wait',
      encoder: chosen.label,
      ...(chosen.backend === 'wasm' && chosen.fallback !== undefined && { encoderFallback: chosen.fallback }),
      ffmpegReadsFile: this.#readsFile !== undefined,
      totalFrames: this.#readsFile?.frames ?? source.totalFrames,
    };
  }

  /** Opens this source's encoder and logs what is static about its entity (the codec, the encoder's name). */
  async open(context: SourceRunContext): Promise<void> {
    const options = this.#encoderOptions(context.codec);
    this.#readsFile = this.#fileForFfmpeg(context);
    this.#encoder =
      this.#readsFile === undefined
        ? await openCaptureEncoder(this.mode, options)
        : await openFileEncoder(this.#readsFile, options, context.signal);
    const { rec, codec } = context;
    rec.log(
      this.plan.entity,
      new VideoStream({ codec: codec === 'h265' ? VideoCodec.H265 : VideoCodec.H264 }),
      {
        static: true,
      },
    );
    // The encoder's name beside the plots, so a recording says what made it.
    if (context.stats) rec.log(this.#stats.encoder, new TextDocument(this.chosen.label), { static: true });
  }

  /**
   * Encodes and logs every frame until the source ends or `context.signal` aborts. An encoder that dies is a
   * one-line `runtime` CliError saying what is kept; other errors pass as they are.
   */
  async run(context: SourceRunContext): Promise<void> {
    const encoder = this.#encoder;
    if (encoder === undefined) throw new Error('SourceRun.run() before open()');
    const { rec, timeline, options, runStartMs } = context;
    const entity = this.plan.entity;
    const source = this.source;
    // A live run that cannot keep its rate says so once (decimal rates: as the source reports them).
    const watch =
      this.mode === 'live' && (this.paced || source.dropWhenBehind)
        ? new RateWatch(source.fpsNum / source.fpsDen, (shortfall) =>
            options.onWarning?.({
              code: 'behind',
              message: behindMessage(
                shortfall,
                runStartMs === undefined ? source.name : this.plan.label,
                entity,
                runStartMs !== undefined,
              ),
            }),
          )
        : undefined;
    const frames = this.#framesOf(context);
    try {
      for await (const encoded of encoder.run(frames, source.stamp)) {
        const now = performance.now();
        this.#first ??= now - encoded.latencyMs;
        this.#last = now;
        const { sample } = encoded;
        this.#rates.add(now, sample.pts, sample.data.byteLength);
        this.#frames++;
        this.#bytes += sample.data.byteLength;
        if (sample.isKeyframe) this.#keyframes++;
        // One source: its own PTS (a file keeps its timestamps). Several: when the frame reached camstream, on
        // the monotonic clock from the run's start, so frames taken at the same moment line up.
        const time = runStartMs === undefined ? sample.pts : this.#arrival(encoded.readAtMs - runStartMs);
        rec.setTime(timeline, { duration: time });
        // Rerun's log_time is when the frame was captured, not when its sample was logged.
        rec.setTime('log_time', { timestamp: encoded.capturedAt });
        rec.log(entity, VideoStream.fromFields({ sample: sample.data }));
        const dropped = encoder.dropped();
        this.#dropped = dropped;
        if (context.stats) logFrameStats(rec, encoded, this.#rates, dropped, this.#stats);
        watch?.update(now, { frames: this.#frames, dropped, late: this.#pace.late });
        options.onProgress?.(this.#progress(now, encoded.latencyMs));
      }
    } catch (error) {
      this.#dropped = encoder.dropped();
      this.#outcome = 'failed';
      // The samples so far are logged; closing the recording keeps them.
      this.#error = encoderFailure(error, this.#frames, options.save);
      throw this.#error;
    }
    this.#dropped = encoder.dropped();
    watch?.update(performance.now(), { frames: this.#frames, dropped: this.#dropped, late: this.#pace.late });
    this.#outcome = context.signal.aborted ? 'stopped' : 'ended';
  }

  /** Frames of it logged so far. */
  get frames(): number {
    return this.#frames;
  }

  /** What this source did. */
  summary(): CaptureSourceSummary {
    const seconds = this.#first === undefined ? 0 : (this.#last - this.#first) / 1000;
    return {
      entity: this.plan.entity,
      source: this.plan.label,
      outcome: this.#outcome ?? 'stopped',
      frames: this.#frames,
      keyframes: this.#keyframes,
      dropped: this.#dropped,
      late: this.#pace.late,
      bytes: this.#bytes,
      seconds,
      fps: seconds > 0 ? this.#frames / seconds : 0,
      encoder: this.chosen.label,
      ...(this.#outcome === 'failed' && { error: this.#error }),
    };
  }

  /** The wall span of its frames, for the capture's total (`undefined` before the first frame). */
  get span(): { readonly first: number; readonly last: number } | undefined {
    return this.#first === undefined ? undefined : { first: this.#first, last: this.#last };
  }

  /** Stops the source and the encoder's threads or process (once; later calls wait for the same). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.source.close();
      await this.#encoder?.close();
    })();
    return this.#closed;
  }

  /** `ms` after the run's start as a time that never steps back (the viewer refuses decreasing video time). */
  #arrival(ms: number): bigint {
    const time = BigInt(Math.max(0, Math.round(ms * 1e6)));
    if (time > this.#lastTime) this.#lastTime = time;
    return this.#lastTime;
  }

  #progress(now: number, latencyMs: number): CaptureProgress {
    return {
      entity: this.plan.entity,
      frames: this.#frames,
      dropped: this.#dropped,
      late: this.#pace.late,
      bytes: this.#bytes,
      totalFrames: this.source.totalFrames,
      elapsedMs: now - (this.#first ?? now),
      fps: this.#rates.fps,
      bitrate: this.#rates.bitrate,
      latencyMs,
    };
  }

  /** The source's frames, stopped by the signal and the limits, paced when {@link SourceRun.paced}. */
  #framesOf(context: SourceRunContext): AsyncIterable<RawFrame> {
    const { source } = this;
    const options = this.plan.options;
    const stop = () => source.close();
    let frames = untilAborted(source.frames(), context.signal, stop);
    // The test pattern counts its own frames (openTestSource).
    if (
      source.name !== 'testsrc' &&
      (options.frames !== undefined || options.durationSeconds !== undefined)
    ) {
      frames = limitFrames(
        frames,
        {
          maxFrames: options.frames,
          maxPts:
            options.durationSeconds === undefined
              ? undefined
              : BigInt(Math.round(options.durationSeconds * 1e9)),
        },
        stop,
      );
    }
    const paceStart =
      context.runStartMs === undefined ? undefined : context.runStartMs + (context.paceOffsetMs ?? 0);
    return this.paced ? paced(frames, context.signal, this.#pace, paceStart) : frames;
  }

  /**
   * The file the system ffmpeg reads itself, and how many of its frames (within `--frames`/`--duration`), when
   * this run can leave the pixels out of this process: one file source encoded in batch mode through ffmpeg.
   */
  #fileForFfmpeg(context: SourceRunContext): FfmpegFileInput | undefined {
    const { source, plan } = this;
    if (source.file === undefined || this.mode !== 'batch' || this.chosen.backend !== 'ffmpeg')
      return undefined;
    if (context.runStartMs !== undefined || source.stamp !== undefined) return undefined;
    const whole = source.file.wholeFrames();
    if (whole === undefined) return undefined;
    let frames = Math.min(whole, plan.options.frames ?? whole);
    const seconds = plan.options.durationSeconds;
    if (seconds !== undefined) {
      // As limitFrames: the frames whose PTS is before the duration.
      const maxPts = BigInt(Math.round(seconds * 1e9));
      let n = Math.min(frames, Math.ceil((seconds * source.fpsNum) / source.fpsDen) + 1);
      while (n > 0 && frameTime(n - 1, source.fpsNum, source.fpsDen) >= maxPts) n--;
      frames = n;
    }
    return frames > 0 ? { path: source.file.path, container: source.file.container, frames } : undefined;
  }

  #encoderOptions(codec: CaptureCodec): CaptureEncoderOptions {
    const { source, chosen } = this;
    const options = this.plan.options;
    return {
      encoder: chosen,
      codec,
      dropWhenBehind: source.dropWhenBehind,
      width: source.width,
      height: source.height,
      fpsNum: source.fpsNum,
      fpsDen: source.fpsDen,
      pixelFormat: source.pixelFormat,
      ...(source.recycle !== undefined && { recycle: source.recycle }),
      tune: options.tune ?? 'zerolatency',
      ...(options.preset !== undefined && { preset: options.preset }),
      ...(options.crf !== undefined && { crf: options.crf }),
      ...(options.bitrate !== undefined && { bitrate: options.bitrate }),
      ...(options.gop !== undefined && { gop: options.gop }),
      ...(options.threads !== undefined && { threads: options.threads }),
    };
  }
}

/**
 * An encoder that died mid-run (a killed ffmpeg, a crashed worker) as one line that says what is kept; other
 * errors pass unchanged.
 */
function encoderFailure(error: unknown, frames: number, save: string | undefined): unknown {
  if (!isCamstreamError(error, 'encoder-failed') && !isCamstreamError(error, 'worker-crashed')) return error;
  const kept = save === undefined ? '' : `; the ${frames} frames before it are in ${save}`;
  const why = errorMessage(error).split('\n')[0]?.replace(/:$/, '');
  return new CliError('runtime', `the encoder failed after ${frames} frames: ${why}${kept}`, {
    cause: error,
  });
}

/** The one line of a {@link RateWatch} report: the numbers and what to change. */
function behindMessage(s: RateShortfall, source: string, entity: string, several: boolean): string {
  const lost = [
    ...(s.dropped > 0 ? [`${s.dropped} dropped by the encoder`] : []),
    ...(s.late > 0 ? [`${s.late} made late by ${source}`] : []),
  ].join(', ');
  const who = several ? `${entity}: ` : '';
  return `${who}cannot keep ${+s.requestedFps.toFixed(2)} fps: ${s.fps.toFixed(0)} frames per second encoded (${lost} in that time); lower --fps or --size, or use a faster --preset`;
}
