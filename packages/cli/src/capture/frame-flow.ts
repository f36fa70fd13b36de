import type { RawFrame } from '@camstream/core';

// Small async-iterable adapters between a source and the encoder: stop on abort, stop at a limit, pace.

/**
 * Yields `source`'s items until `signal` aborts; then calls `onAbort` (which should make the source stop, e.g.
 * kill its ffmpeg) without waiting for a read that may never complete.
 */
export async function* untilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): AsyncGenerator<T, void, undefined> {
  if (signal === undefined) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const next = iterator.next();
    const result = await nextOrAbort(next, signal);
    if (result === 'aborted') {
      // The pending read fails or ends once the source is closed; nobody waits for it.
      next.catch(() => {});
      onAbort();
      return;
    }
    if (result.done === true) return;
    yield result.value;
  }
}

/**
 * `next`, or `'aborted'` as soon as `signal` fires. Not `Promise.race` with one long-lived abort promise: every
 * race leaves a reaction on it that holds the race's result, so every item read (a frame's pixels) stayed
 * reachable until the signal fired.
 */
function nextOrAbort<T>(next: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Yields at most `maxFrames` frames and frames before `maxPts`; calls `onLimit` when it stops early. */
export async function* limitFrames(
  source: AsyncIterable<RawFrame>,
  limits: { readonly maxFrames?: number | undefined; readonly maxPts?: bigint | undefined },
  onLimit: () => void,
): AsyncGenerator<RawFrame, void, undefined> {
  let count = 0;
  if (limits.maxFrames === 0) return;
  for await (const frame of source) {
    if (limits.maxPts !== undefined && frame.pts >= limits.maxPts) break;
    yield frame;
    if (limits.maxFrames !== undefined && ++count >= limits.maxFrames) break;
  }
  onLimit();
}

/** Frames {@link paced} yielded late: the source could not make them at its rate. */
export interface PaceCounters {
  late: number;
}

/** Slack for timers on a busy machine before a frame counts as late, ms. */
const LATE_SLACK_MS = 20;

/**
 * Yields each frame no earlier than its PTS after the first (real-time pacing); ends early on abort. A frame
 * that arrives after the next one was due (plus timer slack) is yielded at once and counted in
 * `counters.late`: the source cannot keep the rate, and the video falls behind the wall clock. `startMs`
 * (`performance.now()` time) is when the first frame is due, for several sources paced from one start;
 * default: when it arrives.
 */
export async function* paced(
  source: AsyncIterable<RawFrame>,
  signal: AbortSignal | undefined,
  counters?: PaceCounters,
  startMs?: number,
): AsyncGenerator<RawFrame, void, undefined> {
  let start: number | undefined;
  let firstPts = 0n;
  let previous: bigint | undefined;
  for await (const frame of source) {
    if (start === undefined) {
      start = startMs ?? performance.now();
      firstPts = frame.pts;
    }
    const due = start + Number(frame.pts - firstPts) / 1e6;
    const wait = due - performance.now();
    if (wait > 1) {
      if (!(await sleep(wait, signal))) return;
    } else {
      // Behind: still let timers and I/O run (the encoder's samples, the server's viewers), or a source that
      // cannot keep up would hold the event loop until it ends.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted === true) return;
    }
    const interval = previous === undefined ? 0 : Number(frame.pts - previous) / 1e6;
    if (counters !== undefined && -wait > interval + LATE_SLACK_MS) counters.late++;
    previous = frame.pts;
    yield frame;
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
