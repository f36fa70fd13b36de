import { RecordingError } from '../errors.js';

/** The three kinds of Rerun timelines. */
export type TimelineKind = 'sequence' | 'duration' | 'timestamp';

/**
 * A time point on one timeline, as given to `RecordingStream.setTime`. Exactly one key.
 * `sequence` is a frame/step number; `duration` and `timestamp` are nanoseconds (timestamp: since 1970).
 */
export type TimeValue = { sequence: bigint | number } | { duration: bigint } | { timestamp: bigint };

/** A resolved time: its kind and `bigint` value. */
export interface TimePoint {
  readonly kind: TimelineKind;
  readonly value: bigint;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Validates a {@link TimeValue} and returns its kind and value. */
export function resolveTimeValue(timeline: string, time: TimeValue): TimePoint {
  if (typeof timeline !== 'string' || timeline.length === 0) {
    throw new RecordingError('invalid-timeline', 'timeline name is empty; expected e.g. "time" or "frame"');
  }
  const keys = Object.keys(time);
  if (keys.length !== 1) {
    throw new RecordingError(
      'invalid-timeline',
      `time for timeline "${timeline}" must have exactly one of sequence, duration, timestamp; got {${keys.join(', ')}}`,
    );
  }
  let kind: TimelineKind;
  let raw: unknown;
  if ('sequence' in time) {
    kind = 'sequence';
    raw = time.sequence;
  } else if ('duration' in time) {
    kind = 'duration';
    raw = time.duration;
  } else if ('timestamp' in time) {
    kind = 'timestamp';
    raw = time.timestamp;
  } else {
    throw new RecordingError(
      'invalid-timeline',
      `unknown time kind {${keys.join(', ')}} for timeline "${timeline}"`,
    );
  }
  let value: bigint;
  if (typeof raw === 'bigint') value = raw;
  else if (kind === 'sequence' && typeof raw === 'number' && Number.isSafeInteger(raw)) value = BigInt(raw);
  else {
    throw new RecordingError(
      'invalid-timeline',
      `${kind} time for timeline "${timeline}" must be a bigint${kind === 'sequence' ? ' or a safe integer' : ' of nanoseconds (see seconds(), millis())'}; got ${String(raw)}`,
    );
  }
  // i64::MIN is Rerun's marker for static data.
  if (value === I64_MIN) {
    throw new RecordingError(
      'invalid-timeline',
      `time ${value} on timeline "${timeline}" is i64::MIN, which Rerun reserves for static data; log with { static: true } instead`,
    );
  }
  if (value < I64_MIN || value > I64_MAX) {
    throw new RecordingError(
      'invalid-timeline',
      `time ${value} on timeline "${timeline}" is outside the i64 range`,
    );
  }
  return { kind, value };
}
