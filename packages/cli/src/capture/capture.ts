import {
  normalizeEntityPath,
  RecordingStream,
  type Sink,
  TextDocument,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { errorMessage, isCamstreamError, X265_TUNES } from '@camstream/core/media';
import { CliError } from '../errors.js';
import { chooseEncoder } from './choose-encoder.js';
import { cpuTimes } from './cpu-time.js';
import { type CaptureEncoder, type CaptureEncoderOptions, openCaptureEncoder } from './encode.js';
import type { ChosenEncoder } from './encoder-choice.js';
import { parseApplicationId } from './flags.js';
import { limitFrames, type PaceCounters, paced, untilAborted } from './frame-flow.js';
import { checkFrameSize, frameRateProblem } from './frame-limits.js';
import { openSource } from './open-source.js';
import type { CaptureOptions, CaptureSinkFailure, CaptureSummary, EncodeMode } from './options.js';
import { type RateShortfall, RateWatch } from './rate-watch.js';
import { checkServeOptions } from './serve-options.js';
import { sinkFailure } from './sink-failures.js';
import { type CaptureSinks, openSinks } from './sinks.js';
import type { FrameSource } from './sources/frame-source.js';
import { logFrameStats, RateWindow, STATS_ENTITIES } from './telemetry.js';

/**
 * Captures video, encodes it to H.264 (or H.265) and logs it as a Rerun `VideoStream` to any combination of an `.rrd`
 * file, a served live viewer and a Rerun proxy: `camstream capture` as a Node API.
 *
 * Aborting `options.signal` ends the capture cleanly (the source stops, the encoder flushes, sinks close: the
 * file is complete and viewers get a proper end); the promise then resolves with `stopped: true`.
 * An output that fails during the run (a full disk, a `connect` server that refused the recording or went
 * away for good) is closed while the others go on; the capture ends when none is left (decision 0014).
 * @throws {CliError} for bad options or input (`usage`, `input`), sinks that cannot open (`runtime`), and
 * outputs that failed during the run when there is no `onSinkError` handler (`runtime`, after every other
 * output was closed normally); errors of the other camstream packages pass through with their own `code`.
 *
 * @example
 * ```ts
 * import { capture } from '@camstream/cli';
 * const summary = await capture({ frames: 300, save: 'pattern.rrd' });
 * console.log(`${summary.frames} frames at ${summary.fps.toFixed(0)} fps`);
 * ```
 */
export async function capture(options: CaptureOptions = {}): Promise<CaptureSummary> {
  checkOptions(options);
  const cpuStart = cpuTimes();
  const liveSink = options.serve !== undefined || options.connect !== undefined;
  const paceTestPattern =
    options.input === undefined && options.device === undefined && (options.realtime === true || liveSink);
  // Before the source: a camera or stdin should not be opened for an encoder choice that cannot work.
  const codec = options.codec ?? 'h264';
  const chosen = await chooseEncoder(options.encoder ?? 'auto', {
    codec,
    ...(options.ffmpegPath !== undefined && { ffmpegPath: options.ffmpegPath }),
    ...(options.encoderArgs !== undefined && { encoderArgs: options.encoderArgs }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  // The wasm batch mode and the system ffmpeg copy a frame before reading the next, so they may share one
  // buffer; the live wasm encoder moves each frame to its worker.
  const source = await openSource(options, chosen.backend === 'ffmpeg' || !paceTestPattern);
  let encoder: CaptureEncoder | undefined;
  let sinks: CaptureSinks | undefined;
  let rec: RecordingStream | undefined;
  // A failed output is closed and the others go on; with none left, the capture ends (decision 0014).
  const failures: CaptureSinkFailure[] = [];
  const halt = new AbortController();
  const reported = new Set<Sink>();
  const onSinkError = ({ sink, error }: { sink: Sink; error: unknown }): void => {
    // A failure while the sinks are being added is reported once they are all known (below).
    const target = sinks?.outputOf(sink);
    if (target === undefined || reported.has(sink)) return;
    reported.add(sink);
    const failed = new Set([...failures.map((f) => f.target), target.target]);
    const remaining = (sinks?.outputs ?? []).filter((o) => !failed.has(o.target));
    const failure = sinkFailure(target, error, remaining);
    failures.push(failure);
    if (remaining.length === 0) halt.abort();
    options.onSinkError?.(failure);
  };
  try {
    const mode: EncodeMode = source.live || paceTestPattern ? 'live' : 'batch';
    rec = new RecordingStream({
      applicationId: options.applicationId ?? 'camstream',
      ...(options.recordingId !== undefined && { recordingId: options.recordingId }),
      sourceName: 'camstream capture',
      sinks: [],
      onSinkError,
    });
    sinks = await openSinks(rec, {
      save: options.save,
      serve: options.serve,
      connect: options.connect,
      batching: options.batching,
      sync: options.sync,
      live: mode === 'live',
    });
    for (const failure of rec.failedSinks) onSinkError(failure);
    // After the sinks: a busy port or an unreachable server fails before the encoder's threads start.
    encoder = await openCaptureEncoder(mode, encoderOptions(options, source, chosen));
    const entity = options.entity ?? 'video_stream';
    const timeline = options.timeline ?? 'time';
    rec.log(entity, new VideoStream({ codec: codec === 'h265' ? VideoCodec.H265 : VideoCodec.H264 }), {
      static: true,
    });
    // The encoder's name beside the plots, so a recording says what made it.
    if (options.stats === true)
      rec.log(STATS_ENTITIES.encoder, new TextDocument(chosen.label), { static: true });
    options.onStart?.({
      source: source.name,
      width: source.width,
      height: source.height,
      fpsNum: source.fpsNum,
      fpsDen: source.fpsDen,
      mode,
      whenBehind: mode === 'batch' ? undefined : source.dropWhenBehind || paceTestPattern ? 'drop' : 'wait',
      encoder: chosen.label,
      ...(chosen.backend === 'wasm' && chosen.fallback !== undefined && { encoderFallback: chosen.fallback }),
      totalFrames: source.totalFrames,
      ...(sinks.server !== undefined && { url: sinks.server.url, proxyUrl: sinks.server.proxyUrl }),
    });

    const signal =
      options.signal === undefined ? halt.signal : AbortSignal.any([options.signal, halt.signal]);
    const pace: PaceCounters = { late: 0 };
    const frames = framesOf(source, { ...options, signal }, paceTestPattern ? pace : undefined);
    const rates = new RateWindow();
    // A live run that cannot keep its rate says so once (decimal rates: as the source reports them).
    const watch =
      mode === 'live' && (paceTestPattern || source.dropWhenBehind)
        ? new RateWatch(source.fpsNum / source.fpsDen, (shortfall) =>
            options.onWarning?.({ code: 'behind', message: behindMessage(shortfall, source.name) }),
          )
        : undefined;
    let count = 0;
    let keyframes = 0;
    let bytes = 0;
    let first: number | undefined;
    let last = performance.now();
    try {
      for await (const encoded of encoder.run(frames)) {
        const now = performance.now();
        first ??= now - encoded.latencyMs;
        last = now;
        const { sample } = encoded;
        rates.add(now, sample.pts, sample.data.byteLength);
        count++;
        bytes += sample.data.byteLength;
        if (sample.isKeyframe) keyframes++;
        rec.setTime(timeline, { duration: sample.pts });
        // Rerun's log_time is when the frame was captured, not when its sample was logged.
        rec.setTime('log_time', { timestamp: encoded.capturedAt });
        rec.log(entity, VideoStream.fromFields({ sample: sample.data }));
        const dropped = encoder.dropped();
        if (options.stats === true) logFrameStats(rec, encoded, rates, dropped);
        watch?.update(now, { frames: count, dropped, late: pace.late });
        options.onProgress?.({
          frames: count,
          dropped,
          late: pace.late,
          bytes,
          totalFrames: source.totalFrames,
          elapsedMs: now - first,
          fps: rates.fps,
          bitrate: rates.bitrate,
          latencyMs: encoded.latencyMs,
        });
      }
    } catch (error) {
      // The samples so far are logged; the finally below closes the recording with them.
      throw encoderFailure(error, count, options.save);
    }
    const stopped = options.signal?.aborted === true;
    const dropped = encoder.dropped();
    watch?.update(performance.now(), { frames: count, dropped, late: pace.late });
    await rec.close();
    if (sinks.server !== undefined && !stopped && !halt.signal.aborted) await linger(options);
    await sinks.close();
    if (failures.length > 0 && options.onSinkError === undefined) {
      throw new CliError(
        'runtime',
        `${failures.map((f) => f.message).join('; ')}${failures.length > 1 ? ` (${failures.length} outputs failed)` : ''}`,
        { cause: failures[0]!.error },
      );
    }
    const seconds = first === undefined ? 0 : (last - first) / 1000;
    const cpuEnd = cpuTimes();
    return {
      frames: count,
      keyframes,
      dropped,
      late: pace.late,
      bytes,
      seconds,
      fps: seconds > 0 ? count / seconds : 0,
      mode,
      encoder: chosen.label,
      codec,
      stopped,
      ...(sinks.file !== undefined && { saved: { path: sinks.file.path, bytes: sinks.file.bytesWritten } }),
      ...(sinks.server !== undefined && { url: sinks.server.url }),
      ...(cpuStart !== undefined &&
        cpuEnd !== undefined && {
          cpu: {
            mainThreadMs: cpuEnd.mainThreadMs - cpuStart.mainThreadMs,
            processMs: cpuEnd.processMs - cpuStart.processMs,
          },
        }),
      failedSinks: failures,
    };
  } finally {
    source.close();
    // On failure: keep what was captured (close() flushes the file) and end the viewers' streams.
    if (rec !== undefined && !rec.closed) await rec.close().catch(() => {});
    await sinks?.server?.close().catch(() => {});
    await encoder?.close();
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

/** The source's frames, stopped by the signal and the limits, paced when a live sink watches the pattern. */
function framesOf(
  source: FrameSource,
  options: CaptureOptions,
  pace: PaceCounters | undefined,
): AsyncIterable<import('@camstream/core').RawFrame> {
  const stop = () => source.close();
  let frames = untilAborted(source.frames(), options.signal, stop);
  if (source.name !== 'testsrc' && (options.frames !== undefined || options.durationSeconds !== undefined)) {
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
  return pace !== undefined ? paced(frames, options.signal, pace) : frames;
}

/** The one line of a {@link RateWatch} report: the numbers and what to change. */
function behindMessage(s: RateShortfall, source: string): string {
  const lost = [
    ...(s.dropped > 0 ? [`${s.dropped} dropped by the encoder`] : []),
    ...(s.late > 0 ? [`${s.late} made late by ${source}`] : []),
  ].join(', ');
  return `cannot keep ${+s.requestedFps.toFixed(2)} fps: ${s.fps.toFixed(0)} frames per second encoded (${lost} in that time); lower --fps or --size, or use a faster --preset`;
}

/** With `serve`, a finished recording stays up for viewers that open it later: until aborted, or `lingerMs`. */
async function linger(options: CaptureOptions): Promise<void> {
  const signal = options.signal;
  if (signal?.aborted === true) return;
  if (options.lingerMs === undefined && signal === undefined) return;
  await new Promise<void>((resolve) => {
    const timer = options.lingerMs === undefined ? undefined : setTimeout(done, options.lingerMs);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function encoderOptions(
  options: CaptureOptions,
  source: FrameSource,
  encoder: ChosenEncoder,
): CaptureEncoderOptions {
  return {
    encoder,
    codec: options.codec ?? 'h264',
    dropWhenBehind: source.dropWhenBehind,
    width: source.width,
    height: source.height,
    fpsNum: source.fpsNum,
    fpsDen: source.fpsDen,
    pixelFormat: source.pixelFormat,
    tune: options.tune ?? 'zerolatency',
    ...(options.preset !== undefined && { preset: options.preset }),
    ...(options.crf !== undefined && { crf: options.crf }),
    ...(options.bitrate !== undefined && { bitrate: options.bitrate }),
    ...(options.gop !== undefined && { gop: options.gop }),
    ...(options.threads !== undefined && { threads: options.threads }),
  };
}

/** Checks what a Node API caller might get wrong that the flag parsers already rule out for the CLI. */
function checkOptions(options: CaptureOptions): void {
  if (options.codec !== undefined && options.codec !== 'h264' && options.codec !== 'h265') {
    throw new CliError('usage', `codec must be h264 or h265, got ${JSON.stringify(options.codec)}`);
  }
  if (
    options.codec === 'h265' &&
    options.tune !== undefined &&
    !(X265_TUNES as readonly string[]).includes(options.tune)
  ) {
    throw new CliError(
      'usage',
      `--tune ${options.tune} is x264's only; H.265 (x265) takes ${X265_TUNES.join(', ')}`,
    );
  }
  if (options.crf !== undefined && options.bitrate !== undefined) {
    throw new CliError('usage', '--crf and --bitrate both set the quality; give one of them');
  }
  const positive: [string, number | undefined][] = [
    ['frames', options.frames],
    ['durationSeconds', options.durationSeconds],
    ['gop', options.gop],
    ['fpsNum', options.fpsNum],
    ['fpsDen', options.fpsDen],
    ['threads', options.threads],
  ];
  for (const [name, value] of positive) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new CliError('usage', `${name} must be a positive number, got ${value}`);
    }
  }
  if (options.entity !== undefined) {
    try {
      normalizeEntityPath(options.entity);
    } catch (error) {
      throw new CliError('usage', `--entity ${JSON.stringify(options.entity)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (options.timeline === 'log_time') {
    throw new CliError(
      'usage',
      '--timeline log_time is Rerun’s capture-time timeline, which camstream fills; pick another name',
    );
  }
  if (options.timeline !== undefined && !/^[^\s]+$/.test(options.timeline)) {
    throw new CliError(
      'usage',
      `--timeline ${JSON.stringify(options.timeline)} is not a timeline name; expected e.g. time`,
    );
  }
  if ((options.width === undefined) !== (options.height === undefined)) {
    throw new CliError('usage', 'width and height go together; give both (--size WIDTHxHEIGHT)');
  }
  if (options.width !== undefined && options.height !== undefined) {
    checkFrameSize(options.width, options.height, '--size', 'usage');
  }
  const rateProblem = frameRateProblem(options.fpsNum ?? 30, options.fpsDen ?? 1);
  if (rateProblem !== undefined) throw new CliError('usage', `--fps: ${rateProblem}`);
  if (options.serve !== undefined) checkServeOptions(options.serve);
  // Before anything opens: newer Rerun viewers would refuse or rename it.
  if (options.applicationId !== undefined) parseApplicationId(options.applicationId);
}
