import { RecordingStream } from '@camstream/core';
import type { Sink } from '@camstream/core/media';
import { errorMessage } from '@camstream/core/media';
import { WebError } from '../errors.js';
import { checkedApplicationId } from './application-id.js';
import { CameraClock, TimelineOrigin } from './camera-clock.js';
import { EntityClaims } from './entity-claims.js';
import { CaptureSessionEvent } from './session-events.js';
import { TypedEventTarget } from './typed-event-target.js';
import { VideoLogger, type VideoTarget } from './video-target.js';

/** Options of {@link SharedRecording}. */
export interface SharedRecordingOptions {
  /**
   * Where the recording goes, e.g. `[viewerSink(viewer.open_channel('camstream'))]` and/or
   * `[publishSink(url, { WebSocket })]`. At least one. Sinks, not factories: the recording opens once; it closes
   * them when it closes.
   */
  readonly sinks: readonly Sink[];
  /** Application id (default `camstream_web`); the rule of `CaptureSessionOptions.applicationId`. */
  readonly applicationId?: string;
  /** Recording id (default a random UUID). */
  readonly recordingId?: string;
  /** Timeline every camera's samples are logged on (default `time`, a duration from the first frame). */
  readonly timeline?: string;
}

/** The events a {@link SharedRecording} dispatches, by type. */
export interface SharedRecordingEventMap {
  /** One sink failed and was taken out; the recording goes on with the others. */
  'sink-failed': CaptureSessionEvent<WebError>;
  /** Every sink failed: the recording is closed, and each session logging into it stopped with an `error`. */
  error: CaptureSessionEvent<WebError>;
}

/** What a session on a shared recording lets the recording do to it. */
export interface SharedRecordingMember {
  /** Stop the session (the recording is closing). */
  stop(): Promise<void>;
  /** The recording cannot take the session's video any more (every sink failed): the session stops. */
  fail(error: WebError): void;
}

/** A camera's claim on its entity in a {@link SharedRecording}: what a `CaptureSession` holds from create to dispose. */
export interface CameraSlot {
  /** The entity, as given. */
  readonly entityPath: string;
  readonly recordingId: string;
  /** This camera's place on the recording's timeline; kept across the session's runs (encoder switches). */
  readonly clock: CameraClock;
  /** Throws `invalid-state` when the recording is closed (or the slot released): nothing can be logged. */
  ensureOpen(): void;
  /** Logs the codec and returns the target one run logs into; throws as {@link CameraSlot.ensureOpen}. */
  open(logStats: boolean): VideoTarget;
  /** Gives the entity back (the session was disposed). */
  release(): void;
}

let claimSlot: (recording: SharedRecording, entityPath: string, member: SharedRecordingMember) => CameraSlot;

/**
 * Claims `entityPath` in `recording` for one camera's session. Throws `invalid-argument` when another camera has
 * the path, a parent or a child of it, or the path is not one Rerun takes; `invalid-state` when the recording
 * is closed. Internal: `CaptureSession.create({ recording, entityPath })` calls it.
 */
export function claimCameraSlot(
  recording: SharedRecording,
  entityPath: string,
  member: SharedRecordingMember,
): CameraSlot {
  return claimSlot(recording, entityPath, member);
}

/**
 * One recording that several `CaptureSession`s log into, one camera each, on one timeline: one embedded viewer
 * (or server) shows them side by side. Decision 0011, "Several cameras in one recording".
 *
 * Each camera is a `CaptureSession` created with `{ recording, entityPath }`: it keeps its own source, encoder
 * worker, stats and events. Starting, stopping or disposing one session (adding or removing a camera) does not
 * touch the others, and the recording id stays. A switch of one session's encoder or source restarts that
 * camera's stream at a keyframe on its entity, in this recording.
 *
 * Events (`addEventListener`): `sink-failed` (one sink out, the others go on) and `error` (every sink failed;
 * the recording closed and its sessions stopped).
 *
 * @example
 * ```ts
 * const recording = new SharedRecording({ sinks: [viewerSink(viewer.open_channel('cameras'))] });
 * const front = await CaptureSession.create({ recording, entityPath: 'cameras/front', source: { kind: 'camera', deviceId: a } });
 * const rear = await CaptureSession.create({ recording, entityPath: 'cameras/rear', source: { kind: 'camera', deviceId: b } });
 * await Promise.all([front.start(), rear.start()]);
 * await rear.dispose(); // the front camera goes on, in the same recording
 * await recording.close(); // stops the front camera too, then closes the sinks
 * ```
 */
export class SharedRecording extends TypedEventTarget<SharedRecordingEventMap> {
  /** The recording's id (every camera's video is in it). */
  readonly recordingId: string;
  /** The timeline every camera logs on. */
  readonly timeline: string;
  readonly #rec: RecordingStream;
  readonly #claims = new EntityClaims();
  readonly #members = new Map<string, SharedRecordingMember>();
  readonly #origin = new TimelineOrigin();
  #closing: Promise<void> | undefined;
  /** Why every sink failed, once they all have. */
  #failure: WebError | undefined;

  static {
    claimSlot = (recording, entityPath, member) => recording.#claim(entityPath, member);
  }

  /**
   * Opens the recording (its store info goes to the sinks at once). Throws `WebError` `invalid-argument` saying
   * which option is wrong and what is expected, `sink-failed` when every sink refused the store info.
   */
  constructor(options: SharedRecordingOptions) {
    super();
    const sinks = options.sinks;
    if (!Array.isArray(sinks) || sinks.length === 0 || sinks.some((s) => typeof s?.write !== 'function')) {
      throw new WebError(
        'invalid-argument',
        'sinks must be a non-empty array of Sinks, e.g. [viewerSink(channel)] (sinks, not factories: the recording opens once)',
      );
    }
    const applicationId = checkedApplicationId(options.applicationId);
    const timeline = options.timeline ?? 'time';
    if (typeof timeline !== 'string' || timeline.length === 0 || timeline === 'log_time') {
      throw new WebError(
        'invalid-argument',
        `timeline must be a name other than "log_time" (which is the capture wall clock), got ${JSON.stringify(timeline)}`,
      );
    }
    this.timeline = timeline;
    let failed = 0;
    this.#rec = new RecordingStream({
      applicationId,
      ...(options.recordingId === undefined ? {} : { recordingId: options.recordingId }),
      sinks,
      // A sink fails alone (decision 0014); with none left, nothing records and every camera stops.
      onSinkError: ({ error }) => {
        failed++;
        const why = errorMessage(error);
        if (failed < sinks.length) {
          const event = new CaptureSessionEvent(
            'sink-failed',
            new WebError('sink-failed', `a sink stopped: ${why}; the other sinks go on`, { cause: error }),
          );
          // A sink that refused the store info fails inside the constructor: tell listeners added right after.
          if (this.#rec === undefined) queueMicrotask(() => this.dispatchEvent(event));
          else this.dispatchEvent(event);
        } else {
          this.#failAll(new WebError('sink-failed', `every sink failed, the last: ${why}`, { cause: error }));
        }
      },
    });
    this.recordingId = this.#rec.storeId.recordingId;
    // Every sink refused the recording's first message: there is no recording to share.
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** The entity paths of the cameras (sessions) on this recording, as they were given. */
  get entityPaths(): readonly string[] {
    return this.#claims.paths;
  }

  /** Whether {@link SharedRecording.close} was called or every sink failed. */
  get closed(): boolean {
    return this.#closing !== undefined || this.#failure !== undefined;
  }

  /**
   * Stops every session still logging into the recording (as their `stop()`), then flushes and closes the
   * recording and its sinks. Idempotent. Sessions stay claimed until disposed; starting one again rejects with
   * `invalid-state`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#members.values()].map((m) => m.stop().catch(() => undefined)));
      await this.#rec.close();
    })();
    return this.#closing;
  }

  #claim(entityPath: string, member: SharedRecordingMember): CameraSlot {
    if (this.closed) {
      throw new WebError('invalid-state', 'this SharedRecording is closed; open a new one for new cameras');
    }
    const normalized = this.#claims.claim(entityPath);
    this.#members.set(normalized, member);
    const clock = new CameraClock(this.#origin);
    const statsEntity = `stats${normalized}`;
    let released = false;
    const ensureOpen = (): void => {
      if (this.closed || released) {
        throw new WebError(
          'invalid-state',
          released
            ? `the camera on ${JSON.stringify(entityPath)} left its SharedRecording`
            : `the SharedRecording of ${JSON.stringify(entityPath)} is closed; open a new one`,
        );
      }
    };
    return {
      entityPath,
      recordingId: this.recordingId,
      clock,
      ensureOpen,
      open: (logStats) => {
        ensureOpen();
        const rec = this.#rec;
        const logger = new VideoLogger(rec, {
          entityPath,
          timeline: this.timeline,
          statsEntity: logStats ? statsEntity : undefined,
        });
        logger.logCodec();
        let closed = false;
        return {
          recordingId: this.recordingId,
          entityPath,
          newRecording: false,
          clock,
          get closed() {
            return closed || rec.closed;
          },
          logSample: (data, timeNs, captured, stats) => {
            if (!closed && !rec.closed) logger.logSample(data, timeNs, captured, stats);
          },
          // The recording goes on; with immediate batching every sample has already reached the sinks.
          close: async () => {
            closed = true;
          },
        };
      },
      release: () => {
        if (released) return;
        released = true;
        this.#claims.release(normalized);
        this.#members.delete(normalized);
      },
    };
  }

  /** Every sink failed: each camera's session stops with `error`, the recording ends. */
  #failAll(error: WebError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    // Still in the constructor (the store info failed): it throws instead, and has no listeners or cameras yet.
    if (this.#rec === undefined) return;
    this.dispatchEvent(new CaptureSessionEvent('error', error));
    for (const member of this.#members.values()) member.fail(error);
    void this.#rec.close().catch(() => undefined);
  }
}
