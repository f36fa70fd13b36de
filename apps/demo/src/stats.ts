/** What the stats panel shows (from the session's `stats` events). */
export interface StreamStats {
  /** Samples encoded and logged this session. */
  readonly frames: number;
  /** Source frames delivered per second (camera or pattern). */
  readonly captureFps: number;
  /** Samples encoded per second. */
  readonly fps: number;
  /** Encoded kilobits per second. */
  readonly kbps: number;
  /** Frame captured → sample logged, median, ms; `undefined` before the first sample. */
  readonly latencyMs: number | undefined;
  /** Source frames skipped because the encoder or the page fell behind. */
  readonly dropped: number;
}
