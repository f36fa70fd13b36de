import { normalizeEntityPath, RecordingStream, type Sink } from '@camstream/core';
import { errorMessage, isCamstreamError, X265_TUNES } from '@camstream/core/media';
import { CliError } from '../errors.js';
import { chooseEncoder } from './choose-encoder.js';
import { cpuTimes } from './cpu-time.js';
import type { ChosenEncoder, EncoderChoice } from './encoder-choice.js';
import { parseApplicationId } from './flags.js';
import { checkFrameSize, frameRateProblem } from './frame-limits.js';
import { openSource } from './open-source.js';
import type {
  CaptureOptions,
  CaptureSinkFailure,
  CaptureSourceSummary,
  CaptureSummary,
  EncodeMode,
} from './options.js';
import { checkServeOptions } from './serve-options.js';
import { sinkFailure } from './sink-failures.js';
import { type CaptureSinks, openSinks } from './sinks.js';
import { planSources, type SourcePlan } from './source-plan.js';
import { SourceRun } from './source-run.js';
import { stoppedBeforeStart, unlessStopped } from './until-stopped.js';

/**
 * Captures video, encodes it to H.264 (or H.265) and logs it as a Rerun `VideoStream` to any combination of an `.rrd`
 * file, a served live viewer and a Rerun proxy: `camstream capture` as a Node API.
 *
 * Aborting `options.signal` ends the capture cleanly (the source stops, the encoder flushes, sinks close: the
 * file is complete and viewers get a proper end); the promise then resolves with `stopped: true`.
 * An output that fails during the run (a full disk, a `connect` server that refused the recording or went
 * away for good) is closed while the others go on; the capture ends when none is left (decision 0014).
 *
 * With several `options.sources` (decision 0019), each source runs with its own encoder on its own entity, on
 * one timeline and into the same outputs; a source that ends, fails or cannot open is reported through
 * `onSourceEnd` and the others go on, and the capture ends when every source has ended.
 * @throws {CliError} for bad options or input (`usage`, `input`), sinks that cannot open (`runtime`), no source
 * of several that can start (`runtime`), and
 * outputs that failed during the run when there is no `onSinkError` handler (`runtime`, after every other
 * output was closed normally); errors of the other camstream packages pass through with their own `code`.
 *
 * @example
 * ```ts
 * import { capture } from '@camstream/cli';
 * const summary = await capture({ frames: 300, save: 'pattern.rrd' });
 * console.log(`${summary.frames} frames at ${summary.fps.toFixed(0)} fps`);
 *
 * // Two cameras and a simulated one in one recording, served live.
 * await capture({
 *   sources: [
 *     { device: '/dev/video0', entity: 'cameras/front' },
 *     { device: '/dev/video2', entity: 'cameras/rear' },
 *     { pattern: '640x480@30', entity: 'sim/cam0', hue: 120 },
 *   ],
 *   serve: { host: '127.0.0.1', port: 9090 },
 * });
 * ```
 */
export async function capture(options: CaptureOptions = {}): Promise<CaptureSummary> {
  checkOptions(options);
  const plans = planSources(options);
  for (const plan of plans) if (plan.options !== options) checkOptions(plan.options);
  const several = plans.length > 1;
  const cpuStart = cpuTimes();
  const liveSink = options.serve !== undefined || options.connect !== undefined;
  const codec = options.codec ?? 'h264';
  // A failed output is closed and the others go on; with none left, the capture ends (decision 0014).
  const failures: CaptureSinkFailure[] = [];
  const halt = new AbortController();
  const signal = options.signal === undefined ? halt.signal : AbortSignal.any([options.signal, halt.signal]);
  const ended: CaptureSourceSummary[] = [];
  const notOpened: CaptureSourceSummary[] = [];
  const reportEnd = (plan: SourcePlan, frames: number, error?: unknown): void => {
    if (!several) return;
    const others = plans.length - ended.length;
    const rest = others > 0 ? `; the other ${others === 1 ? 'source goes' : `${others} sources go`} on` : '';
    const what =
      error === undefined
        ? `ended after ${frames} frames`
        : frames === 0 && !opened.has(plan)
          ? `could not start: ${firstLine(error)}`
          : `failed after ${frames} frames: ${firstLine(error)}`;
    options.onSourceEnd?.({
      entity: plan.entity,
      source: plan.label,
      outcome: error === undefined ? 'ended' : 'failed',
      frames,
      ...(error !== undefined && { error }),
      message: `${plan.entity} (${plan.label}) ${what}${rest}`,
    });
  };
  const opened = new Set<SourcePlan>();
  const runs: SourceRun[] = [];
  /** A source of several that could not open or start: one line, and a summary entry. */
  const failOpen = (plan: SourcePlan, error: unknown): void => {
    notOpened.push({
      entity: plan.entity,
      source: plan.label,
      outcome: 'failed',
      frames: 0,
      keyframes: 0,
      dropped: 0,
      late: 0,
      bytes: 0,
      seconds: 0,
      fps: 0,
      encoder: undefined,
      error,
    });
    ended.push(notOpened.at(-1)!);
    opened.delete(plan);
    reportEnd(plan, 0, error);
  };
  let sinks: CaptureSinks | undefined;
  let rec: RecordingStream | undefined;
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
    // Before the sources: a camera or stdin should not be opened for an encoder choice that cannot work. Each
    // choice is tried once, however many sources share it.
    const choices = new Map<EncoderChoice, Promise<ChosenEncoder>>();
    const choose = (choice: EncoderChoice): Promise<ChosenEncoder> => {
      let chosen = choices.get(choice);
      if (chosen === undefined) {
        chosen = chooseEncoder(choice, {
          codec,
          ...(options.ffmpegPath !== undefined && { ffmpegPath: options.ffmpegPath }),
          ...(options.encoderArgs !== undefined && { encoderArgs: options.encoderArgs }),
          ...(options.signal !== undefined && { signal: options.signal }),
        });
        choices.set(choice, chosen);
      }
      return chosen;
    };
    const openOne = async (plan: SourcePlan): Promise<SourceRun> => {
      const chosen = await unlessStopped(choose(plan.options.encoder ?? 'auto'), options.signal);
      const paceAlone = plan.kind === 'pattern' && !several && (plan.options.realtime === true || liveSink);
      // The wasm batch mode copies a frame before reading the next, so it may share one buffer; the live wasm
      // encoder (paced or several sources) moves each frame to its worker; the system ffmpeg's pipe takes each
      // frame's own buffer and gives it back (`FrameSource.recycle`).
      const reuse = chosen.backend === 'wasm' && !several && !paceAlone;
      const source = await unlessStopped(
        openSource(plan.options, reuse, options.signal),
        options.signal,
        (late) => late.close(),
      );
      opened.add(plan);
      return new SourceRun(plan, chosen, source, { several, liveSink });
    };
    if (!several) runs.push(await openOne(plans[0]!));
    else {
      // Several: each opens on its own; one that cannot is one line, and the others start (decision 0019).
      const results = await Promise.allSettled(plans.map(openOne));
      for (const result of results) if (result.status === 'fulfilled') runs.push(result.value);
      const problems = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      // A mistake in the command (a usage error) ends the run, as it would with one source: one line, not one
      // per source. So does a stop before any source opened.
      const usage = problems.find((p) => isCamstreamError(p, 'usage'));
      if (usage !== undefined) throw usage;
      if (runs.length === 0 && options.signal?.aborted) throw stoppedBeforeStart();
      results.forEach((result, i) => {
        if (result.status === 'rejected') failOpen(plans[i]!, result.reason);
      });
      if (runs.length === 0) throw noSourceLeft(problems);
    }
    const mode: EncodeMode = runs.some((r) => r.mode === 'live') ? 'live' : 'batch';
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
    const context = {
      rec,
      timeline: options.timeline ?? 'time',
      codec,
      stats: options.stats === true,
      runStartMs: undefined as number | undefined,
      signal,
      options,
    };
    // After the sinks: a busy port or an unreachable server fails before the encoder's threads start.
    if (!several) await runs[0]!.open(context);
    else {
      const results = await Promise.allSettled(runs.map((run) => run.open(context)));
      const problems = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      const failed = runs.filter((_, i) => results[i]!.status === 'rejected');
      for (const [i, run] of failed.entries()) {
        runs.splice(runs.indexOf(run), 1);
        await run.close();
        failOpen(run.plan, problems[i]);
      }
      if (runs.length === 0) throw noSourceLeft(problems);
    }
    const first = runs[0]!;
    options.onStart?.({
      ...first.startInfo,
      sources: runs.map((r) => r.startInfo),
      ...(sinks.server !== undefined && { url: sinks.server.url, proxyUrl: sinks.server.proxyUrl }),
    });
    if (!several) await first.run(context);
    else {
      const start = performance.now();
      const running = { ...context, runStartMs: start };
      const patterns = runs.filter((run) => run.plan.kind === 'pattern');
      await Promise.all(
        runs.map(async (run) => {
          try {
            await run.run({ ...running, paceOffsetMs: patternPhaseMs(run, patterns) });
            await run.close();
            if (!signal.aborted) {
              ended.push(run.summary());
              reportEnd(run.plan, run.frames);
            }
          } catch (error) {
            await run.close();
            ended.push(run.summary());
            reportEnd(run.plan, run.frames, error);
          }
        }),
      );
    }
    const stopped = options.signal?.aborted === true;
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
    const perSource = [...runs.map((r) => r.summary()), ...notOpened];
    const order = new Map(plans.map((p, i) => [p.entity, i]));
    perSource.sort((a, b) => order.get(a.entity)! - order.get(b.entity)!);
    const spans = runs.flatMap((r) => (r.span === undefined ? [] : [r.span]));
    const seconds =
      spans.length === 0
        ? 0
        : (Math.max(...spans.map((s) => s.last)) - Math.min(...spans.map((s) => s.first))) / 1000;
    const frames = sum(perSource, 'frames');
    const cpuEnd = cpuTimes();
    return {
      frames,
      keyframes: sum(perSource, 'keyframes'),
      dropped: sum(perSource, 'dropped'),
      late: sum(perSource, 'late'),
      bytes: sum(perSource, 'bytes'),
      seconds,
      fps: seconds > 0 ? frames / seconds : 0,
      mode,
      encoder: [...new Set(runs.map((r) => r.chosen.label))].join(', '),
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
      sources: perSource,
    };
  } finally {
    for (const run of runs) run.source.close();
    // On failure: keep what was captured (close() flushes the file) and end the viewers' streams.
    if (rec !== undefined && !rec.closed) await rec.close().catch(() => {});
    await sinks?.server?.close().catch(() => {});
    await Promise.all(runs.map((run) => run.close()));
  }
}

/**
 * When the `k`-th of `patterns` takes its first frame, after the run's start: the test patterns of one capture
 * are spread evenly over a frame interval, as free-running cameras are, rather than all waking their encoders
 * at the same instant. Other sources: 0 (files keep their frames aligned with each other).
 */
function patternPhaseMs(run: SourceRun, patterns: readonly SourceRun[]): number {
  const k = patterns.indexOf(run);
  if (k <= 0) return 0;
  return ((k / patterns.length) * 1000 * run.source.fpsDen) / run.source.fpsNum;
}

/** When no source of several could start: the first reason, as the run's error (exit 1). */
function noSourceLeft(problems: readonly unknown[]): CliError {
  return new CliError(
    'runtime',
    `none of the sources could start (${problems.length === 1 ? firstLine(problems[0]) : `${problems.length} failed; the first: ${firstLine(problems[0])}`})`,
    { cause: problems[0] },
  );
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? '';
}

function sum<K extends 'frames' | 'keyframes' | 'dropped' | 'late' | 'bytes'>(
  sources: readonly CaptureSourceSummary[],
  key: K,
): number {
  return sources.reduce((n, s) => n + s[key], 0);
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
  if (options.stamp !== undefined && typeof options.stamp !== 'boolean') {
    throw new CliError('usage', `stamp must be true or false, got ${String(options.stamp)}`);
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
