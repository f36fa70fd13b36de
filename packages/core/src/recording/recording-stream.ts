import { isKeyframeSample } from '../bitstream/keyframe.js';
import { errorMessage, RecordingError } from '../errors.js';
import { applicationIdProblem } from '../model/application-id.js';
import { VideoStream, VideoStreamComponents } from '../model/archetypes.js';
import { VideoCodec } from '../model/codec.js';
import type { AsComponents } from '../model/components.js';
import { normalizeEntityPath } from '../model/entity-path.js';
import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { resolveTimeValue, type TimelineKind, type TimeValue } from '../model/timeline.js';
import { ArrowMsgEncoder, encodeSetStoreInfo } from '../rerun/rrd/encode.js';
import { newRecordingId, type StoreId } from '../rerun/store.js';
import { TuidGenerator } from '../rerun/tuid.js';
import { type BatchingPolicy, batchingKey, IMMEDIATE } from './batching.js';
import {
  batchByteLength,
  ChunkBuilder,
  NO_TIMELINES,
  type PendingRow,
  rowLayoutKey,
  type TimelineSet,
  timelineSet,
} from './chunk-builder.js';

/** Options of {@link RecordingStream}. */
export interface RecordingStreamOptions {
  /**
   * Application id: groups recordings in the viewer (e.g. `camstream_capture`). Non-empty, at most 180 bytes,
   * of ASCII letters, digits, `_`, `-`, space, `[`, `]` and `:` (no dots): newer Rerun viewers rename any
   * other id. The constructor throws `invalid-argument` otherwise.
   */
  applicationId: string;
  /** Recording id; a random UUID by default. */
  recordingId?: string;
  /** Sinks to write to from the start. More can be added with {@link RecordingStream.addSink}. */
  sinks?: readonly Sink[];
  /**
   * Default chunking policy of the sinks: `IMMEDIATE` (default, live), `perGop()` or `microBatch()` (files,
   * `--connect`). A sink may have its own (its `batching`, or {@link AddSinkOptions}).
   */
  batching?: BatchingPolicy;
  /** Add Rerun's automatic `log_time` timestamp timeline to every temporal row (default true). */
  logTime?: boolean;
  /** Shown by the viewer as the recording's source (default `camstream`). */
  sourceName?: string;
  /** Wall clock in ns since 1970, for RowIds and `log_time`; injectable for tests. */
  clock?: () => bigint;
  /**
   * Called once for each sink that fails (throws from `write`, `flush` or `close`, or rejects): that sink is
   * already out of the recording and closed; every other sink goes on (decision 0014). Called synchronously
   * from the call that found the failure (a `log`, a batching timer, `flush`, `close`); what it throws is
   * ignored. Without it, `close()` rejects with `sink-failed` once every other sink has closed.
   */
  onSinkError?: (failure: SinkFailure) => void;
}

/** A sink that failed and was taken out of its {@link RecordingStream}. */
export interface SinkFailure {
  readonly sink: Sink;
  /** What the sink threw (or rejected with). */
  readonly error: unknown;
  /** The call that failed. */
  readonly during: 'write' | 'flush' | 'close';
}

/** Options of {@link RecordingStream.addSink}. */
export interface AddSinkOptions {
  /** How this sink's chunks are batched (default: the sink's own `batching`, else the stream's). Decision 0010. */
  batching?: BatchingPolicy;
}

/** Options of {@link RecordingStream.log}. */
export interface LogOptions {
  /** Static data: visible at all times, latest wins. Never for video samples. */
  static?: boolean;
}

/** Sinks that share a batching policy, and the rows held for them. */
interface Lane {
  readonly policy: BatchingPolicy;
  readonly sinks: Sink[];
  readonly pending: Map<string, ChunkBuilder>;
  /** The `micro` policy's delay timer; unref'd, so it never keeps a process alive. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface VideoEntityState {
  readonly lastTimes: Map<string, bigint>;
}

const LOG_TIME = 'log_time';

function defaultClock(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms * 1000)) * 1000n;
}

/**
 * Logs archetypes to Rerun, shaped like the Python SDK's `RecordingStream`: `setTime`, `log`, `flush`,
 * `close`. Every log call becomes chunk rows; chunks become RRD messages that go to every sink.
 *
 * @example
 * ```ts
 * const rec = new RecordingStream({ applicationId: 'camera', sinks: [memory] });
 * rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
 * rec.setTime('time', { duration: sample.pts });
 * rec.log('video_stream', VideoStream.fromFields({ sample: sample.data }));
 * await rec.close();
 * ```
 */
export class RecordingStream {
  /** The recording's store id (every message carries it). */
  readonly storeId: StoreId;
  readonly #sinks: Sink[] = [];
  /** One lane per distinct batching policy, keyed by {@link batchingKey}. */
  readonly #lanes = new Map<string, Lane>();
  readonly #tuids: TuidGenerator;
  readonly #encoder: ArrowMsgEncoder;
  readonly #batching: BatchingPolicy;
  readonly #logTime: boolean;
  readonly #clock: () => bigint;
  readonly #storeInfo: EncodedMessage;
  /** Latest static chunk per entity+component layout, replayed to sinks added later. */
  readonly #statics = new Map<string, EncodedMessage>();
  readonly #times = new Map<string, { kind: TimelineKind; value: bigint }>();
  /** The current timelines (with `log_time`), rebuilt only when one is added or removed. */
  #timelineSet: TimelineSet | undefined;
  readonly #entityPaths = new Map<string, string>();
  readonly #timelineKinds = new Map<string, TimelineKind>();
  /** Codec logged per video entity, to find keyframes in its samples. */
  readonly #videoCodecs = new Map<string, number>();
  readonly #videoEntities = new Map<string, VideoEntityState>();
  readonly #onSinkError: ((failure: SinkFailure) => void) | undefined;
  readonly #failures: SinkFailure[] = [];
  /** An unexpected error of a batching timer, thrown from the next call instead of from the timer. */
  #timerError: unknown;
  #closed = false;

  constructor(options: RecordingStreamOptions) {
    const idProblem =
      typeof options.applicationId === 'string'
        ? applicationIdProblem(options.applicationId)
        : `is a ${typeof options.applicationId}, not a string`;
    if (idProblem !== undefined) {
      // Newer Rerun viewers refuse an empty id and rename other invalid ones (model/application-id.ts).
      throw new RecordingError(
        'invalid-argument',
        `applicationId ${idProblem}; expected a name such as "camstream" or "robot_arm:front"`,
      );
    }
    this.#clock = options.clock ?? defaultClock;
    this.#onSinkError = options.onSinkError;
    this.#tuids = new TuidGenerator({ clock: this.#clock });
    this.storeId = {
      kind: 'recording',
      applicationId: options.applicationId,
      recordingId: options.recordingId ?? newRecordingId(),
    };
    this.#encoder = new ArrowMsgEncoder(this.storeId);
    this.#batching = options.batching ?? IMMEDIATE;
    this.#logTime = options.logTime ?? true;
    if (this.#logTime) this.#timelineKinds.set(LOG_TIME, 'timestamp');
    this.#storeInfo = encodeSetStoreInfo(
      this.storeId,
      this.#tuids.next(),
      options.sourceName !== undefined ? { name: options.sourceName } : {},
    );
    for (const sink of options.sinks ?? []) this.addSink(sink);
  }

  /**
   * Adds a sink. It first receives the store info and the latest static data logged so far. Its chunks are
   * batched by `options.batching` (default: the sink's own `batching`, else the stream's policy); sinks with
   * equal policies share chunks.
   */
  addSink(sink: Sink, options: AddSinkOptions = {}): void {
    this.#assertOpen('addSink');
    const policy = options.batching ?? sink.batching ?? this.#batching;
    const key = batchingKey(policy);
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { policy, sinks: [], pending: new Map(), timer: undefined };
      this.#lanes.set(key, lane);
    }
    lane.sinks.push(sink);
    this.#sinks.push(sink);
    try {
      sink.write(this.#storeInfo);
      for (const message of this.#statics.values()) sink.write(message);
    } catch (error) {
      this.#fail(sink, error, 'write');
    }
  }

  /** The sinks that failed so far, in order (each one was taken out and reported once). */
  get failedSinks(): readonly SinkFailure[] {
    return this.#failures;
  }

  /** Sets the time for following log calls on `timeline` (e.g. `setTime('time', { duration: pts })`). */
  setTime(timeline: string, time: TimeValue): void {
    this.#assertOpen('setTime');
    const { kind, value } = resolveTimeValue(timeline, time);
    const known = this.#timelineKinds.get(timeline);
    if (known !== undefined && known !== kind) {
      throw new RecordingError(
        'timeline-kind-changed',
        `timeline "${timeline}" is a ${known} timeline; it cannot take a ${kind} time`,
      );
    }
    this.#timelineKinds.set(timeline, kind);
    const current = this.#times.get(timeline);
    if (current === undefined) {
      this.#times.set(timeline, { kind, value });
      this.#timelineSet = undefined;
    } else current.value = value;
  }

  /** Stops logging on `timeline` until it is set again. */
  disableTimeline(timeline: string): void {
    if (this.#times.delete(timeline)) this.#timelineSet = undefined;
  }

  /** Clears every timeline set with {@link RecordingStream.setTime}. */
  resetTime(): void {
    this.#times.clear();
    this.#timelineSet = undefined;
  }

  /** Logs an archetype on an entity at the current time (or as static data). */
  log(entityPath: string, archetype: AsComponents, options: LogOptions = {}): void {
    this.#assertOpen('log');
    const entity = this.#entityPath(entityPath);
    const isStatic = options.static ?? false;
    const batches = archetype.batches;
    if (batches.length === 0) return;
    const sample = archetype instanceof VideoStream ? archetype.sample : undefined;
    const hasSample = batches.some((b) => b.descriptor === VideoStreamComponents.sample);
    const codec = batches.find((b) => b.descriptor === VideoStreamComponents.codec)?.data.values[0];
    if (typeof codec === 'number') this.#videoCodecs.set(entity, codec);
    const timelines = isStatic ? NO_TIMELINES : this.#currentTimelines();
    if (hasSample && timelines.names.length === 0) {
      throw new RecordingError(
        'static-video-sample',
        isStatic
          ? `VideoStream sample logged as static on ${entity}: static data keeps only the latest sample, so P-frames could not decode; log samples on a timeline`
          : `VideoStream sample on ${entity} has no timeline (log_time is off and setTime() was not called), so it would be static data; call setTime() first`,
      );
    }

    const now = this.#clock();
    const rowId = new Uint8Array(16);
    this.#tuids.nextInto(rowId, 0, now);
    const times: bigint[] = [];
    for (const name of timelines.names) times.push(this.#times.get(name)?.value ?? now);
    if (hasSample) this.#checkVideoTime(entity, timelines, times);

    const row: PendingRow = {
      rowId,
      timelines,
      times,
      batches,
      byteLength: batchByteLength(batches),
      hasKeyframe: sample !== undefined && this.#isKeyframe(entity, archetype as VideoStream, sample),
    };

    if (isStatic) {
      // Static data goes to every sink at once, whatever its batching: one chunk, encoded once.
      const builder = new ChunkBuilder(entity);
      builder.add(row);
      const message = this.#emit(builder, this.#sinks);
      this.#statics.set(`${entity}\u0000${rowLayoutKey(row)}`, message);
      return;
    }
    for (const lane of this.#lanes.values()) this.#addToLane(lane, entity, row);
  }

  #addToLane(lane: Lane, entity: string, row: PendingRow): void {
    const policy = lane.policy;
    if (policy.kind === 'immediate') {
      const builder = new ChunkBuilder(entity);
      builder.add(row);
      this.#emit(builder, lane.sinks);
      return;
    }
    const pending = lane.pending;
    const key = `${entity}\u0000${row.timelines.key}`;
    let builder = pending.get(key);
    // A new GOP starts a new chunk on its entity (micro batches too: a late joiner's replay starts at the chunk
    // that holds the latest keyframe, which must not also carry the frames before it). Entities without video
    // are flushed with it, so that their rows (e.g. stats) follow the video GOP by GOP and none of their chunks
    // reaches back before the keyframe; other video entities keep their own GOPs.
    if (row.hasKeyframe) {
      if (builder !== undefined && builder.rows.length > 0) this.#emit(builder, lane.sinks);
      for (const [k, other] of pending) {
        if (other !== builder && !this.#videoEntities.has(other.entityPath) && other.rows.length > 0) {
          this.#emit(other, lane.sinks);
          pending.delete(k);
        }
      }
      pending.delete(key);
      builder = undefined;
    }
    if (builder === undefined) {
      builder = new ChunkBuilder(entity);
      pending.set(key, builder);
    }
    builder.add(row);
    if (builder.byteLength >= policy.maxBytes || builder.rows.length >= policy.maxRows) {
      pending.delete(key);
      this.#emit(builder, lane.sinks);
    }
    if (policy.kind === 'micro' && lane.timer === undefined && pending.size > 0 && lane.sinks.length > 0) {
      // Rerun's flush tick: whatever is held goes out at most maxDelayMs after it was logged.
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        // Sink failures are caught per sink; anything else must not escape a timer either.
        try {
          if (!this.#closed) this.#flushLane(lane);
        } catch (error) {
          this.#timerError ??= error;
        }
      }, policy.maxDelayMs);
      lane.timer.unref?.();
    }
  }

  /** Sends pending chunks and flushes every sink (a sink that fails is taken out, see `onSinkError`). */
  async flush(): Promise<void> {
    this.#throwTimerError();
    this.#flushPending();
    await Promise.all([...this.#sinks].map((s) => this.#call(s, 'flush')));
  }

  /**
   * Flushes and closes every sink; later calls throw `recording-closed`. Idempotent.
   * @throws {RecordingError} `sink-failed` when a sink failed during the recording and no `onSinkError`
   * handler was given (after every other sink was flushed and closed); its `cause` is the first failure's error.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushPending();
    this.#closed = true;
    for (const lane of this.#lanes.values()) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    for (const sink of [...this.#sinks]) await this.#call(sink, 'flush');
    for (const sink of [...this.#sinks]) await this.#call(sink, 'close');
    this.#throwTimerError();
    const first = this.#failures[0];
    if (first !== undefined && this.#onSinkError === undefined) {
      const others = this.#failures.length - 1;
      throw new RecordingError(
        'sink-failed',
        `${sinkName(first.sink)} failed on ${first.during}(): ${errorMessage(first.error)}${others > 0 ? ` (and ${others} more sink${others > 1 ? 's' : ''})` : ''}; the other sinks received the whole recording (pass onSinkError to handle sink failures yourself)`,
        { cause: first.error },
      );
    }
  }

  /** Whether {@link RecordingStream.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one sink call; a failure (thrown or rejected) takes the sink out. */
  async #call(sink: Sink, during: 'flush' | 'close'): Promise<void> {
    try {
      await sink[during]();
    } catch (error) {
      this.#fail(sink, error, during);
    }
  }

  /**
   * Takes a failed sink out of the recording (it receives nothing more), closes it best-effort and reports it
   * once. Nothing here throws: it runs in timers too.
   */
  #fail(sink: Sink, error: unknown, during: SinkFailure['during']): void {
    const at = this.#sinks.indexOf(sink);
    if (at < 0) return; // already taken out
    this.#sinks.splice(at, 1);
    for (const [key, lane] of this.#lanes) {
      const i = lane.sinks.indexOf(sink);
      if (i < 0) continue;
      lane.sinks.splice(i, 1);
      if (lane.sinks.length === 0) {
        // Nobody left to batch for.
        clearTimeout(lane.timer);
        this.#lanes.delete(key);
      }
    }
    const failure: SinkFailure = { sink, error, during };
    this.#failures.push(failure);
    if (during !== 'close') {
      try {
        Promise.resolve(sink.close()).catch(() => {});
      } catch {
        // best-effort: the sink already failed
      }
    }
    try {
      this.#onSinkError?.(failure);
    } catch {
      // documented: a handler's own error is ignored, the recording goes on
    }
  }

  #throwTimerError(): void {
    if (this.#timerError === undefined) return;
    const error = this.#timerError;
    this.#timerError = undefined;
    throw error;
  }

  #assertOpen(what: string): void {
    this.#throwTimerError();
    if (this.#closed) {
      throw new RecordingError(
        'recording-closed',
        `${what}() after close(): recording ${this.storeId.recordingId} is closed`,
      );
    }
  }

  #entityPath(path: string): string {
    let entity = this.#entityPaths.get(path);
    if (entity === undefined) {
      entity = normalizeEntityPath(path);
      if (this.#entityPaths.size >= 1024) this.#entityPaths.clear();
      this.#entityPaths.set(path, entity);
    }
    return entity;
  }

  #currentTimelines(): TimelineSet {
    if (this.#timelineSet === undefined) {
      const entries: [string, TimelineKind][] = [...this.#times].map(([name, t]) => [name, t.kind]);
      // A log_time the user sets replaces the automatic one (one column per timeline name).
      if (this.#logTime && !this.#times.has(LOG_TIME)) entries.push([LOG_TIME, 'timestamp']);
      this.#timelineSet = timelineSet(entries);
    }
    return this.#timelineSet;
  }

  /** The caller's `isKeyframe` if given, else Rerun's own rule read from the sample (SPS + IDR). */
  #isKeyframe(entity: string, archetype: VideoStream, sample: Uint8Array): boolean {
    const explicit = archetype.batches.find((b) => b.descriptor === VideoStreamComponents.isKeyframe);
    if (explicit !== undefined) return explicit.data.values[0] === true;
    const codec = this.#videoCodecs.get(entity);
    if (codec === VideoCodec.H264) return isKeyframeSample(sample, 'h264');
    if (codec === VideoCodec.H265) return isKeyframeSample(sample, 'h265');
    return false;
  }

  #checkVideoTime(entity: string, timelines: TimelineSet, times: readonly bigint[]): void {
    let state = this.#videoEntities.get(entity);
    if (state === undefined) {
      state = { lastTimes: new Map() };
      this.#videoEntities.set(entity, state);
    }
    const names = timelines.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name === LOG_TIME) continue;
      if (times[i]! < 0n) {
        throw new RecordingError(
          'negative-time',
          `video sample on ${entity} at ${name}=${times[i]} is before 0; the viewer cannot play negative times, start the timeline at 0`,
        );
      }
      const last = state.lastTimes.get(name);
      if (last !== undefined && times[i]! < last) {
        throw new RecordingError(
          'decreasing-time',
          `video sample on ${entity} at ${name}=${times[i]} is earlier than the previous sample (${last}); the viewer needs non-decreasing times`,
        );
      }
    }
    for (let i = 0; i < names.length; i++) state.lastTimes.set(names[i]!, times[i]!);
  }

  #flushPending(): void {
    for (const lane of this.#lanes.values()) this.#flushLane(lane);
  }

  #flushLane(lane: Lane): void {
    for (const builder of lane.pending.values()) if (builder.rows.length > 0) this.#emit(builder, lane.sinks);
    lane.pending.clear();
  }

  #emit(builder: ChunkBuilder, sinks: readonly Sink[]): EncodedMessage {
    const { chunk, timeRanges, hasKeyframe } = builder.build(this.#tuids.next());
    const message = this.#encoder.encode(chunk, { timeRanges, hasKeyframe });
    for (let i = 0; i < sinks.length; i++) {
      const sink = sinks[i]!;
      try {
        sink.write(message);
      } catch (error) {
        this.#fail(sink, error, 'write');
        if (sinks[i] !== sink) i--; // it left this very array
      }
    }
    return message;
  }
}

/** A sink's name for messages: its class and, for a file, its path. */
function sinkName(sink: Sink): string {
  const own = (sink as { constructor?: { name?: string } }).constructor?.name;
  const name = own === undefined || own === '' || own === 'Object' ? 'a sink' : own;
  const path = (sink as { path?: unknown }).path;
  return typeof path === 'string' ? `${name} (${path})` : name;
}
