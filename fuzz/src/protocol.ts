import type { Outcome } from './classify.js';

/** Layout of the shared control block: int32 slots, then the start time of the running input (float64). */
export const CONTROL = {
  /** 1 while an input runs. */
  running: 0,
  /** Bytes of the running input copied to the shared input buffer. */
  length: 1,
  /** Inputs finished so far in the current run (for a run cut short by a hang). */
  inputs: 2,
  typed: 3,
  untyped: 4,
  ints: 8,
  /** Byte offset of the float64 start time (ms since the epoch). */
  timeOffset: 32,
  bytes: 40,
} as const;

/** Largest input a worker can hand to the watchdog (bigger inputs are cut for the reproducer). */
export const MAX_INPUT_BYTES = 1 << 20;

/** What one target did in one worker run. */
export interface TargetStats {
  inputs: number;
  typed: number;
  untyped: number;
  /** Bytes of input fed. */
  bytes: number;
  elapsedMs: number;
  /** Typed errors by code. */
  codes: Record<string, number>;
  /** Seeds the target was given. */
  seeds: number;
}

/** An untyped failure, sent once per distinct signature. */
export interface FailureMessage {
  readonly type: 'failure';
  readonly target: string;
  readonly description: string;
  readonly signature: string;
  readonly stack: string;
  readonly input: Uint8Array;
}

export type ToWorker =
  | {
      readonly type: 'run';
      readonly target: string;
      readonly seed: number;
      readonly count: number;
      readonly ms: number;
    }
  | { readonly type: 'replay'; readonly target: string; readonly input: Uint8Array };

export type FromWorker =
  | { readonly type: 'ready' }
  | FailureMessage
  | { readonly type: 'done'; readonly target: string; readonly stats: TargetStats }
  | { readonly type: 'replayed'; readonly target: string; readonly outcome: Outcome; readonly ms: number }
  | { readonly type: 'fatal'; readonly error: string };
