import type { EncodedSample } from '@camstream/core';
import { toMicros } from '@camstream/core';
import { errorMessage } from '@camstream/core/media';
import { chooseEncoder } from '../encoder/choose-encoder.js';
import type { EncoderSettings, SessionEncoder } from '../encoder/session-encoder.js';
import type { WasmEncoderModule } from '../encoder/wasm/wasm-module.js';
import { WasmWorkerEncoder } from '../encoder/wasm/wasm-worker-encoder.js';
import { webCodecsAvailability } from '../encoder/webcodecs/webcodecs-availability.js';
import { WebCodecsWorkerEncoder } from '../encoder/webcodecs/webcodecs-worker-encoder.js';
import { WebError } from '../errors.js';
import { CameraError, openCamera } from '../source/camera.js';
import type { FrameSource } from '../source/frame-source.js';
import { TestPatternSource } from '../source/test-pattern-source.js';
import { openTrackSource } from '../source/track-source.js';
import type { CaptureTime } from './camera-clock.js';
import {
  encoderDefaults,
  type ResolvedEncoder,
  type ResolvedSessionOptions,
  type ResolvedSource,
  resolveEncoder,
  resolveSessionOptions,
  resolveSource,
} from './resolve-options.js';
import { CaptureSessionEvent, type CaptureSessionEventMap } from './session-events.js';
import type {
  CaptureSessionOptions,
  EncoderRequest,
  SessionAssets,
  SourceRequest,
} from './session-options.js';
import type {
  ActiveEncoder,
  ActiveSource,
  CaptureStats,
  FallbackInfo,
  SessionState,
} from './session-state.js';
import { type CameraSlot, claimCameraSlot } from './shared-recording.js';
import { StatsMeter } from './stats-meter.js';
import { TypedEventTarget } from './typed-event-target.js';
import { type FrameStats, openOwnRecording, type VideoTarget } from './video-target.js';

/** One encoder session: an encoder and where its samples go (a recording of its own, or a shared one). */
interface Run {
  readonly encoder: SessionEncoder;
  readonly target: VideoTarget;
  readonly meter: StatsMeter;
  readonly info: ActiveEncoder;
  /** Frame time on the recording's timeline (µs) → when the frame was captured. */
  readonly capturedAt: Map<number, CaptureTime>;
  closing: boolean;
}

function asWebError(error: unknown, code: 'encoder-failed' | 'camera-unavailable'): WebError {
  return error instanceof WebError ? error : new WebError(code, errorMessage(error), { cause: error });
}

/**
 * A camera (or the test pattern) encoded to H.264 in a worker and logged as a Rerun `VideoStream` into the
 * sinks the app gives (an embedded viewer, a camstream server). Decision 0011.
 *
 * With `sinks`, each encoder session (every `start()`, `switchSource()` or `switchEncoder()` while running) is a
 * new recording with a new id and time from 0, because Rerun 0.33 cannot change SPS within a stream. With
 * `recording` (a {@link SharedRecording}) the session is one camera of several in that recording, on its own
 * `entityPath`: a start or switch restarts only this camera's stream, at a keyframe on its entity, and the
 * recording and the other cameras go on (the `recording` event's `newRecording` says which happened).
 *
 * Events (`addEventListener`): `state`, `recording`, `stats`, `fallback` (the camera could not be used: the
 * test pattern runs, `detail` says why), `sink-failed` (one sink failed and was taken out; the others go on) and
 * `error` (the session stopped because something failed).
 *
 * @example
 * ```ts
 * const session = await CaptureSession.create({
 *   source: { kind: 'camera', width: 1280, height: 720 },
 *   sinks: [() => viewerSink(viewer.open_channel('camstream'))],
 * });
 * session.addEventListener('fallback', (e) => showBanner(e.detail.message));
 * session.addEventListener('stats', (e) => render(e.detail));
 * await session.start();
 * console.log(session.source?.kind, session.encoder?.kind);
 * ```
 */
export class CaptureSession extends TypedEventTarget<CaptureSessionEventMap> {
  readonly #options: ResolvedSessionOptions;
  /** This camera's entity in a shared recording (`undefined`: recordings of its own). */
  readonly #slot: CameraSlot | undefined;
  readonly #wasm: (() => Promise<WasmEncoderModule>) | undefined;
  readonly #assets: SessionAssets;
  #sourceRequest: ResolvedSource;
  #encoderRequest: ResolvedEncoder;
  #state: SessionState = 'idle';
  #frameSource: FrameSource | undefined;
  #source: ActiveSource | undefined;
  #run: Run | undefined;
  #lastStats: CaptureStats | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #wasmModule: Promise<WasmEncoderModule> | undefined;
  /** Public operations run one after another. */
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Checks the options and makes an idle session (nothing is opened until {@link CaptureSession.start}); with
   * `recording`, claims its `entityPath` there until {@link CaptureSession.dispose}. Throws `WebError`
   * `invalid-argument` saying which option is wrong and what is expected (also for an entity path another camera
   * of the recording has, or a parent or child of one), `invalid-state` for a closed recording.
   */
  static async create(options: CaptureSessionOptions): Promise<CaptureSession> {
    return new CaptureSession(options);
  }

  private constructor(options: CaptureSessionOptions) {
    super();
    this.#options = resolveSessionOptions(options);
    this.#sourceRequest = resolveSource(options.source);
    this.#encoderRequest = resolveEncoder(options.encoder);
    this.#wasm = options.wasm;
    this.#assets = options.assets ?? {};
    const recording = this.#options.recording;
    this.#slot =
      recording === undefined
        ? undefined
        : claimCameraSlot(recording, this.#options.entityPath, {
            stop: () => this.stop(),
            fail: (error) => this.#fail(error),
          });
  }

  /** Where the session is in its life cycle. */
  get state(): SessionState {
    return this.#state;
  }

  /** The source that runs (`kind` says whether it is the camera or the test pattern), while running. */
  get source(): ActiveSource | undefined {
    return this.#source;
  }

  /** The encoder that runs (`kind` says which backend `auto` picked), while running. */
  get encoder(): ActiveEncoder | undefined {
    const run = this.#run;
    // The wasm encoder learns its codec string from its first sample.
    return run === undefined ? undefined : { ...run.info, codec: run.encoder.codec };
  }

  /** Id of the recording being logged, while running. */
  get recordingId(): string | undefined {
    return this.#run?.target.recordingId;
  }

  /** The entity the video is logged on (`entityPath`). */
  get entityPath(): string {
    return this.#options.entityPath;
  }

  /** The numbers of the last `stats` event. */
  get stats(): CaptureStats | undefined {
    return this.#lastStats;
  }

  /**
   * Opens the source (falling back to the test pattern, with a `fallback` event, when the camera cannot be
   * used), the encoder worker and a new recording, and starts streaming. Does nothing when running.
   * Rejects with a `WebError` (`unsupported`, `invalid-argument`, `worker-failed`, `invalid-state` when its
   * shared recording is closed, …); the session is then idle.
   */
  start(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'running') return;
      // A closed shared recording takes no camera: fail before the camera or a worker is opened.
      this.#slot?.ensureOpen();
      await this.#bringUp(async () => {
        await this.#openSource();
        await this.#openRun();
      });
    });
  }

  /** Stops the camera's tracks, flushes and ends the encoder (its workers end) and closes the recording. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== 'running') return;
      this.#setState('stopping');
      await this.#teardown();
      this.#setState('idle');
    });
  }

  /**
   * Uses another source from now on; while running, reopens it with a new encoder: a new recording, or on a
   * shared recording this camera's stream restarting on its entity.
   */
  switchSource(request: SourceRequest): Promise<void> {
    const resolved = resolveSource(request);
    return this.#serial(async () => {
      this.#sourceRequest = resolved;
      if (this.#state !== 'running') return;
      await this.#bringUp(async () => {
        await this.#teardown();
        await this.#openSource();
        await this.#openRun();
      });
    });
  }

  /**
   * Uses other encoder settings from now on; while running, ends the current encoder and starts the new one
   * (the source keeps running). With `sinks` that is a new recording; on a shared recording this camera's stream
   * restarts at the new encoder's first keyframe on the same entity, its time going on, and the other cameras
   * are untouched.
   */
  switchEncoder(request: EncoderRequest): Promise<void> {
    const resolved = resolveEncoder(request);
    return this.#serial(async () => {
      this.#encoderRequest = resolved;
      if (this.#state !== 'running') return;
      await this.#bringUp(async () => {
        const run = this.#run;
        this.#run = undefined;
        if (run !== undefined) await this.#closeRun(run);
        await this.#openRun();
      });
    });
  }

  /**
   * `starting` → `open()` → `running`, with the stats timer running (a teardown inside `open` stops it); if
   * `open` fails, everything is torn down, the session is idle and the error goes to the caller.
   */
  async #bringUp(open: () => Promise<void>): Promise<void> {
    this.#setState('starting');
    try {
      await open();
    } catch (error) {
      await this.#teardown();
      this.#setState('idle');
      throw error;
    }
    this.#statsTimer ??= setInterval(() => this.#emitStats(), this.#options.statsIntervalMs);
    this.#setState('running');
  }

  /**
   * Stops, gives a shared recording's entity back, and makes the session unusable; every later call but
   * `dispose()` rejects with `invalid-state`.
   */
  dispose(): Promise<void> {
    if (this.#state === 'disposed') return Promise.resolve();
    return this.#serial(async () => {
      await this.#teardown();
      this.#slot?.release();
      this.#setState('disposed');
    });
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => {
      if (this.#state === 'disposed') {
        throw new WebError('invalid-state', 'this CaptureSession was disposed; create a new one');
      }
      return operation();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #setState(state: SessionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.dispatchEvent(new CaptureSessionEvent('state', state));
  }

  async #openSource(): Promise<void> {
    const request = this.#sourceRequest;
    let source: FrameSource;
    let fallback: FallbackInfo | undefined;
    if (request.kind === 'camera') {
      try {
        source = await openCamera(request);
      } catch (error) {
        if (!(error instanceof CameraError) || !this.#options.fallbackToTestPattern) throw error;
        fallback = {
          reason: error.failure.reason,
          message: error.failure.message,
          requested: {
            kind: 'camera',
            ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
            width: request.width,
            height: request.height,
            frameRate: request.frameRate,
            reader: request.reader,
          },
        };
        source = new TestPatternSource(request);
      }
    } else if (request.kind === 'track') {
      source = await openTrackSource(request);
    } else {
      source = new TestPatternSource(request);
    }
    this.#frameSource = source;
    // A new source's timestamps have an origin of their own: place it on the shared timeline again.
    this.#slot?.clock.reanchor();
    this.#source = { ...source.info, fallback };
    if (fallback !== undefined) this.dispatchEvent(new CaptureSessionEvent('fallback', fallback));
    source.start(
      (frame, capturedAt, wallClockMs) => this.#onFrame(frame, capturedAt, wallClockMs),
      (error) => this.#fail(asWebError(error, 'camera-unavailable')),
    );
  }

  async #openRun(): Promise<void> {
    const source = this.#source;
    if (source === undefined) throw new WebError('invalid-state', 'no source is open');
    const request = this.#encoderRequest;
    const { bitrate, keyframeInterval } = encoderDefaults(request, source);
    const settings: EncoderSettings = {
      width: source.width,
      height: source.height,
      frameRate: source.frameRate,
      bitrate,
      keyframeInterval,
      preset: request.preset,
    };
    const picked = chooseEncoder(request.kind, {
      webcodecs: await webCodecsAvailability(settings),
      wasmInjected: this.#wasm !== undefined,
    });
    let run: Run | undefined;
    const callbacks = {
      onSample: (sample: EncodedSample) => {
        if (run !== undefined) this.#onSample(run, sample);
      },
      onError: (error: WebError) => this.#fail(error),
    };
    const encoder =
      picked.kind === 'webcodecs'
        ? await WebCodecsWorkerEncoder.open(settings, callbacks, this.#assets.webcodecsWorkerURL)
        : await WasmWorkerEncoder.open(await this.#loadWasm(), settings, callbacks, this.#assets);
    let target: VideoTarget;
    try {
      target =
        this.#slot?.open(this.#options.logStats) ??
        openOwnRecording({
          applicationId: this.#options.applicationId,
          sinks: this.#options.sinks.map((make) => make()),
          entityPath: this.#options.entityPath,
          timeline: this.#options.timeline,
          logStats: this.#options.logStats,
          onSinkFailed: (error) => this.dispatchEvent(new CaptureSessionEvent('sink-failed', error)),
          onAllSinksFailed: (error) => this.#fail(error),
        });
    } catch (error) {
      encoder.destroy();
      throw error;
    }
    run = {
      encoder,
      target,
      meter: new StatsMeter(performance.now(), this.#options.statsWindowMs),
      info: { kind: picked.kind, codec: encoder.codec, bitrate, keyframeInterval, why: picked.why },
      capturedAt: new Map(),
      closing: false,
    };
    this.#run = run;
    this.#lastStats = undefined;
    this.dispatchEvent(
      new CaptureSessionEvent('recording', {
        recordingId: target.recordingId,
        entityPath: target.entityPath,
        newRecording: target.newRecording,
        source,
        encoder: run.info,
      }),
    );
  }

  #loadWasm(): Promise<WasmEncoderModule> {
    const load = this.#wasm;
    if (load === undefined) throw new WebError('unsupported', 'the ffmpeg.wasm encoder was not injected');
    this.#wasmModule ??= load().catch((cause: unknown) => {
      this.#wasmModule = undefined;
      throw new WebError('unsupported', `could not load @camstream/encoder-wasm/browser: ${String(cause)}`, {
        cause,
      });
    });
    return this.#wasmModule;
  }

  #onFrame(frame: VideoFrame, capturedAt: number, wallClockMs: number | undefined): void {
    const run = this.#run;
    if (run === undefined || run.closing) {
      frame.close();
      return;
    }
    run.meter.captured(capturedAt);
    if (this.#frameSource instanceof TestPatternSource) run.meter.dropped(this.#frameSource.takeMissed());
    run.meter.dropped(run.encoder.takeDropped());
    const clock = run.target.clock;
    const timeUs = clock.timeOf(frame.timestamp, capturedAt);
    // Live: never queue up behind a slow encoder; and never send time backwards.
    if (run.encoder.inFlight >= this.#options.maxFramesInFlight || !clock.accept(timeUs)) {
      run.meter.dropped();
      frame.close();
      return;
    }
    // A stamped frame's wall clock is kept as it was drawn: it becomes the frame's log_time.
    run.capturedAt.set(
      timeUs,
      wallClockMs === undefined ? { atMs: capturedAt } : { atMs: capturedAt, wallClockMs },
    );
    run.encoder.encode(frame, timeUs);
  }

  #onSample(run: Run, sample: EncodedSample): void {
    if (run.target.closed) return;
    const now = performance.now();
    const key = toMicros(sample.pts);
    const captured = run.capturedAt.get(key);
    run.capturedAt.delete(key);
    const latencyMs = captured === undefined ? undefined : now - captured.atMs;
    run.meter.encoded(now, sample.data.byteLength, latencyMs);
    let stats: FrameStats | undefined;
    if (this.#options.logStats) {
      const rates = run.meter.rates(now);
      stats = {
        latencyMs,
        frameBytes: sample.data.byteLength,
        bitrate: rates.bitrate,
        fps: rates.encodeFps,
        droppedFrames: rates.droppedFrames,
      };
    }
    try {
      run.target.logSample(sample.data, sample.pts, captured, stats);
    } catch (error) {
      this.#fail(asWebError(error, 'encoder-failed'));
    }
  }

  #emitStats(): void {
    const run = this.#run;
    if (run === undefined || run.closing) return;
    this.#lastStats = run.meter.read(performance.now(), run.target.recordingId, run.target.entityPath);
    this.dispatchEvent(new CaptureSessionEvent('stats', this.#lastStats));
  }

  async #closeRun(run: Run): Promise<void> {
    run.closing = true;
    try {
      await run.encoder.close();
    } finally {
      run.encoder.destroy();
      run.capturedAt.clear();
      await run.target.close();
    }
  }

  /** Closes the run and the source; never throws (teardown must finish). */
  async #teardown(): Promise<void> {
    if (this.#statsTimer !== undefined) clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    const run = this.#run;
    this.#run = undefined;
    // The source first, so no frame arrives while the encoder flushes.
    this.#frameSource?.close();
    this.#frameSource = undefined;
    this.#source = undefined;
    if (run !== undefined) await this.#closeRun(run).catch(() => undefined);
  }

  /** Something failed while running: report it once, then stop. */
  #fail(error: WebError): void {
    if (this.#state !== 'running' && this.#state !== 'starting') return;
    this.dispatchEvent(new CaptureSessionEvent('error', error));
    void this.#serial(async () => {
      if (this.#state === 'idle') return;
      this.#setState('stopping');
      await this.#teardown();
      this.#setState('idle');
    }).catch(() => undefined);
  }
}
