// How the browser live worker is started and fed. What it says back is the shared `LiveWorkerMessage`
// (live/live-protocol.ts); ring mode runs on the shared LIVE_INPUT/LIVE_OUTPUT devices.
import type { WarmupRun } from '../ffmpeg/warmup.js';
import type { FrameRingLayout } from './frame-ring.js';

/** MEMFS input of a segment run. */
export const SEGMENT_INPUT = '/segment.raw';
/** MEMFS output of a segment run. */
export const SEGMENT_OUTPUT = '/segment.h264';

/** The first message to the browser worker: where the core is and what to run. */
export interface BrowserWorkerInit {
  readonly type: 'init';
  readonly coreURL: string;
  /** ffmpeg-core.wasm, compiled once per page by the main thread (`core-module.ts`). */
  readonly module: WebAssembly.Module;
  /** Ring mode: the shared frame ring and ffmpeg arguments reading LIVE_INPUT, writing LIVE_OUTPUT. */
  readonly ring: { readonly layout: FrameRingLayout; readonly args: readonly string[] } | undefined;
  /** Segments mode: ffmpeg arguments reading SEGMENT_INPUT, writing SEGMENT_OUTPUT. */
  readonly segmentArgs: readonly string[] | undefined;
  readonly warmup: WarmupRun | undefined;
}

/** Segments mode: `count` packed frames to encode as one independent segment. */
export interface BrowserWorkerSegment {
  readonly type: 'segment';
  readonly frames: Uint8Array;
  readonly count: number;
}

/** Messages to the browser worker. */
export type BrowserWorkerRequest = BrowserWorkerInit | BrowserWorkerSegment;
