import type { MessagePort } from 'node:worker_threads';
import type { WarmupRun } from '../ffmpeg/warmup.js';
import type { CoreAssets } from '../ffmpeg/wasm-module.js';

/** `workerData` of the Node live worker: how it is started (what it says back is `LiveWorkerMessage`). */
export interface LiveWorkerData {
  readonly assets: CoreAssets;
  /** ffmpeg arguments reading `LIVE_INPUT` and writing `LIVE_OUTPUT` (`live/live-protocol.ts`). */
  readonly args: readonly string[];
  /** Frames and end markers come through here. */
  readonly input: MessagePort;
  /** Int32Array over it: the main thread bumps index 0 after every post. */
  readonly signal: SharedArrayBuffer;
  /** Arguments and frame size of the warm-up run, if any. */
  readonly warmup: WarmupRun | undefined;
}

/** A batch task: `frames` packed raw frames encoded as one independent segment. */
export interface BatchTask {
  readonly assets: CoreAssets;
  readonly args: readonly string[];
  readonly frames: Uint8Array;
  /** Set for a warm-up task (its output is discarded). */
  readonly warmup?: boolean;
  /** Move `frames` back in the result (the caller transferred it and reuses the buffer for its next segment). */
  readonly returnFrames?: boolean;
}

/** A batch task's result: Annex B bytes, or ffmpeg's failure. */
export type BatchResult =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      readonly ms: number;
      /** The task's `frames`, moved back when `returnFrames` asked for it. */
      readonly frames?: Uint8Array;
    }
  | { readonly ok: false; readonly exitCode: number; readonly logTail: readonly string[] };

/** MEMFS paths of a batch task. */
export const BATCH_INPUT = '/segment.raw';
export const BATCH_OUTPUT = '/segment.h264';
