import { median, percentile } from '../lib.js';
import type { ScreenRead } from './screen-recorder.js';

/** Seconds at each end of the window whose medians give the drift. */
export const DRIFT_WINDOW_S = 10;

/** One stamped frame as it first reached the screen. */
export interface ShownFrame {
  readonly stampMs: number;
  readonly shownAtMs: number;
  /** `shownAtMs − stampMs`. */
  readonly latencyMs: number;
}

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

/**
 * Each stamped frame at its first appearance on screen: a frame that stays up over several screen updates
 * (the viewer redraws, nothing new arrived) is counted once, when it was first shown.
 */
export function shownFrames(reads: readonly ScreenRead[]): ShownFrame[] {
  const first = new Map<number, number>();
  for (const r of reads) {
    if (r.stampMs === undefined) continue;
    const seen = first.get(r.stampMs);
    if (seen === undefined || r.shownAtMs < seen) first.set(r.stampMs, r.shownAtMs);
  }
  return [...first]
    .map(([stampMs, shownAtMs]) => ({ stampMs, shownAtMs, latencyMs: shownAtMs - stampMs }))
    .sort((a, b) => a.shownAtMs - b.shownAtMs);
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
