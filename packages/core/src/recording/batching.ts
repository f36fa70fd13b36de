/**
 * How RecordingStream turns log calls into chunks.
 *
 * - `immediate`: one chunk per log call, sent at once. For live video: the viewer gets every frame as soon
 *   as it exists.
 * - `gop`: rows are held per entity and flushed as one chunk when a new video keyframe arrives on that
 *   entity (so a chunk is one GOP), when `maxBytes`/`maxRows` is reached, or on `flush()`/`close()`. For
 *   files: fewer, larger chunks.
 */
export type BatchingPolicy =
  | { readonly kind: 'immediate' }
  | { readonly kind: 'gop'; readonly maxBytes: number; readonly maxRows: number };

/** One chunk per log call. */
export const IMMEDIATE: BatchingPolicy = { kind: 'immediate' };

/**
 * One chunk per GOP. Defaults stay below the viewer's own compaction sizes times a few, and Rerun's 2 MiB
 * flush size times four, so a long GOP of large frames is still split.
 */
export function perGop(options: { maxBytes?: number; maxRows?: number } = {}): BatchingPolicy {
  return { kind: 'gop', maxBytes: options.maxBytes ?? 8 * 1024 * 1024, maxRows: options.maxRows ?? 4096 };
}
