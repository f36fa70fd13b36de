import { type ScreenRead, shownFrames } from '../../e2e/harness/screen-recorder.js';
import { median, percentile } from '../lib.js';

/** Seconds at each end of the window whose medians give the drift. */
export const DRIFT_WINDOW_S = 10;

/** What the screen showed over one measured window. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Median latency of the last {@link DRIFT_WINDOW_S} s minus that of the first (by the time shown). */
  readonly drift: number;
  /** Screencast frames read in the window. */
  readonly reads: number;
  /** Screencast frames whose stamp did not read (dropped, never counted as a latency), by reason. */
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  /** Distinct stamped frames seen: the latencies are theirs, each at its first appearance. */
  readonly frames: number;
  /** Screen updates per second in the window (screencast frames). */
  readonly updatesPerSecond: number;
}

/** Latency figures over the reads of one window `[fromMs, toMs]` (compositor time). */
export function summarise(reads: readonly ScreenRead[], fromMs: number, toMs: number): LatencySummary {
  const inWindow = reads.filter((r) => r.shownAtMs >= fromMs && r.shownAtMs <= toMs);
  const droppedBy: Record<string, number> = {};
  for (const r of inWindow) if (r.error !== undefined) droppedBy[r.error] = (droppedBy[r.error] ?? 0) + 1;
  const frames = shownFrames(inWindow);
  const latencies = frames.map((f) => f.latencyMs);
  const head = frames.filter((f) => f.shownAtMs < fromMs + DRIFT_WINDOW_S * 1000).map((f) => f.latencyMs);
  const tail = frames.filter((f) => f.shownAtMs > toMs - DRIFT_WINDOW_S * 1000).map((f) => f.latencyMs);
  const dropped = Object.values(droppedBy).reduce((a, b) => a + b, 0);
  return {
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
    drift: head.length === 0 || tail.length === 0 ? Number.NaN : median(tail) - median(head),
    reads: inWindow.length,
    dropped,
    droppedBy,
    frames: frames.length,
    updatesPerSecond: inWindow.length / ((toMs - fromMs) / 1000),
  };
}

/** One step of a frame's way: its spread over a window and how it drifted. */
export interface StepSummary {
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
  /** Median of the last {@link DRIFT_WINDOW_S} s minus that of the first (by arrival at the page). */
  readonly drift: number;
}

/** A frame's message as the page received it, and the times it carries. */
export interface FrameWay {
  /** When the page received the message, wall-clock ms. */
  readonly receivedAtMs: number;
  /** The time stamped into the frame, when known. */
  readonly stampMs: number | undefined;
  /** Its `log_time`: when the producer read (captured) the frame. */
  readonly readMs: number;
  /** The time in its RowId: when the producer logged it (after encoding). */
  readonly loggedMs: number;
  /** Whether it is the first row of its message (the row whose RowId the viewer's own Latency reads). */
  readonly firstInMessage: boolean;
}

/** The steps of the frames' way to the page over one window (frames received in `[fromMs, toMs]`). */
export interface WaySummary {
  readonly stampedToRead: StepSummary;
  readonly readToLogged: StepSummary;
  readonly loggedToReceived: StepSummary;
  readonly stampedToReceived: StepSummary;
  /**
   * The viewer's own "Latency" (re_entity_db 0.33 `IngestionStatistics`): per message, its first row's RowId
   * time → ingestion, averaged over the last second. Taken here to the page's receipt, so it reads low by the
   * wait until the viewer's next frame ingests it (at most one frame of the viewer's).
   */
  readonly viewerLabel: StepSummary;
  /** Frames received in the window. */
  readonly frames: number;
}

/** The viewer's rolling average: the mean of the values of the last second, at each new value. */
const VIEWER_LABEL_WINDOW_MS = 1000;

function rollingSecondMean(ways: readonly FrameWay[]): FrameWay[] {
  const firsts = ways.filter((w) => w.firstInMessage);
  let start = 0;
  let sum = 0;
  return firsts.map((w, i) => {
    sum += w.receivedAtMs - w.loggedMs;
    while ((firsts[start] as FrameWay).receivedAtMs < w.receivedAtMs - VIEWER_LABEL_WINDOW_MS) {
      const old = firsts[start++] as FrameWay;
      sum -= old.receivedAtMs - old.loggedMs;
    }
    // A way whose logged → received is the mean: `step` reads it back.
    return { ...w, loggedMs: w.receivedAtMs - sum / (i + 1 - start) };
  });
}

function step(
  ways: readonly FrameWay[],
  value: (w: FrameWay) => number | undefined,
  fromMs: number,
  toMs: number,
): StepSummary {
  const points = ways.flatMap((w) => {
    const v = value(w);
    return v === undefined ? [] : [{ atMs: w.receivedAtMs, v }];
  });
  const values = points.map((p) => p.v);
  const head = points.filter((p) => p.atMs < fromMs + DRIFT_WINDOW_S * 1000).map((p) => p.v);
  const tail = points.filter((p) => p.atMs > toMs - DRIFT_WINDOW_S * 1000).map((p) => p.v);
  return {
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    drift: head.length === 0 || tail.length === 0 ? Number.NaN : median(tail) - median(head),
  };
}

/** Summarises the frames' way to the page: stamped → read → logged → received. */
export function summariseWay(allWays: readonly FrameWay[], fromMs: number, toMs: number): WaySummary {
  const ways = allWays.filter((w) => w.receivedAtMs >= fromMs && w.receivedAtMs <= toMs);
  const since = (from: (w: FrameWay) => number | undefined, to: (w: FrameWay) => number) => (w: FrameWay) => {
    const start = from(w);
    return start === undefined ? undefined : to(w) - start;
  };
  return {
    stampedToRead: step(
      ways,
      since(
        (w) => w.stampMs,
        (w) => w.readMs,
      ),
      fromMs,
      toMs,
    ),
    readToLogged: step(
      ways,
      since(
        (w) => w.readMs,
        (w) => w.loggedMs,
      ),
      fromMs,
      toMs,
    ),
    loggedToReceived: step(
      ways,
      since(
        (w) => w.loggedMs,
        (w) => w.receivedAtMs,
      ),
      fromMs,
      toMs,
    ),
    stampedToReceived: step(
      ways,
      since(
        (w) => w.stampMs,
        (w) => w.receivedAtMs,
      ),
      fromMs,
      toMs,
    ),
    viewerLabel: step(rollingSecondMean(ways), (w) => w.receivedAtMs - w.loggedMs, fromMs, toMs),
    frames: ways.length,
  };
}
