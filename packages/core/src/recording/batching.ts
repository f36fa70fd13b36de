import { RecordingError } from '../errors.js';

/**
 * How RecordingStream turns log calls into chunks. A policy belongs to a sink (decision 0010):
 * `RecordingStream.addSink(sink, { batching })`; the stream's own policy is the default.
 *
 * - `immediate`: one chunk per log call, sent at once. For live video: the viewer gets every frame as soon
 *   as it exists.
 * - `gop`: rows are held per entity and flushed as one chunk when a new video keyframe arrives on that
 *   entity (so a chunk is one GOP), when `maxBytes`/`maxRows` is reached, or on `flush()`/`close()`. For
 *   files: fewer, larger chunks.
 * - `micro`: Rerun's own micro-batching: rows are held per entity and flushed when `maxRows` or `maxBytes` is
 *   reached, or `maxDelayMs` after the first held row (a timer), or on `flush()`/`close()`. Unlike Rerun's, a
 *   video keyframe always starts a new chunk on its entity and flushes the rows held for entities without
 *   video, so no chunk reaches back before the keyframe a late joiner is replayed from.
 */
export type BatchingPolicy =
  | { readonly kind: 'immediate' }
  | { readonly kind: 'gop'; readonly maxBytes: number; readonly maxRows: number }
  | {
      readonly kind: 'micro';
      readonly maxBytes: number;
      readonly maxRows: number;
      readonly maxDelayMs: number;
    };

/** One chunk per log call. */
export const IMMEDIATE: BatchingPolicy = { kind: 'immediate' };

/**
 * One chunk per GOP. Defaults stay below the viewer's own compaction sizes times a few, and Rerun's 2 MiB
 * flush size times four, so a long GOP of large frames is still split.
 */
export function perGop(options: { maxBytes?: number; maxRows?: number } = {}): BatchingPolicy {
  return { kind: 'gop', maxBytes: options.maxBytes ?? 8 * 1024 * 1024, maxRows: options.maxRows ?? 4096 };
}

/** Options of {@link microBatch}; the defaults are Rerun's (`RERUN_FLUSH_TICK_SECS`, `RERUN_FLUSH_NUM_BYTES`). */
export interface MicroBatchOptions {
  /** Rows held per entity before a chunk is sent (default: no limit, as Rerun). */
  maxRows?: number;
  /** Bytes held per entity before a chunk is sent (default 1 MiB). */
  maxBytes?: number;
  /** Longest time a row is held, ms (default 200; Rerun uses 8 for gRPC). */
  maxDelayMs?: number;
}

/**
 * Rerun-style micro-batching by rows, bytes and time.
 * @throws {RecordingError} `invalid-argument` for a limit that is not a positive number (a `maxDelayMs` of 0 is allowed: flush on the
 * next tick).
 */
export function microBatch(options: MicroBatchOptions = {}): BatchingPolicy {
  const maxRows = options.maxRows ?? Number.MAX_SAFE_INTEGER;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxDelayMs = options.maxDelayMs ?? 200;
  for (const [name, value, min] of [
    ['maxRows', maxRows, 1],
    ['maxBytes', maxBytes, 1],
    ['maxDelayMs', maxDelayMs, 0],
  ] as const) {
    if (!Number.isFinite(value) || value < min) {
      throw new RecordingError(
        'invalid-argument',
        `microBatch: ${name} must be a number ≥ ${min}, got ${value}`,
      );
    }
  }
  return { kind: 'micro', maxRows, maxBytes, maxDelayMs };
}

/**
 * 100 ms micro-batches, for sinks that feed a live web viewer (`publishSink`, the web package's `viewerSink`,
 * the CLI's `--serve`). A viewer without a GPU draws two to four times a second and takes in messages for about
 * 10 ms each time (re_viewer 0.33), so one message per frame made it fall seconds behind; batched, it kept up
 * (`pnpm bench latency`, decision 0010). A keyframe still starts a new chunk.
 */
export const VIEWER_BATCHING: BatchingPolicy = microBatch({ maxDelayMs: 100 });

/** A key equal for policies that batch the same way (sinks with equal policies share their chunks). */
export function batchingKey(policy: BatchingPolicy): string {
  switch (policy.kind) {
    case 'immediate':
      return 'immediate';
    case 'gop':
      return `gop:${policy.maxBytes}:${policy.maxRows}`;
    case 'micro':
      return `micro:${policy.maxBytes}:${policy.maxRows}:${policy.maxDelayMs}`;
  }
}
