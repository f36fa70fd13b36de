import type { WarmupRun } from '../ffmpeg/warmup.js';
import type { FrameRingLayout } from './frame-ring.js';

/** Input device of the ring-mode run (the same name as Node's live worker's). */
export const RING_INPUT = '/dev/camstream-in';
/** Output device of the ring-mode run. */
export const RING_OUTPUT = '/dev/camstream-out';
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
  /** Ring mode: the shared frame ring and ffmpeg arguments reading RING_INPUT, writing RING_OUTPUT. */
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

/** Messages from the browser worker. */
export type BrowserWorkerMessage =
  | { readonly type: 'ready'; readonly warmupMs: number }
  /** The worker could not start (core JS unreachable, wrong core build). */
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'data'; readonly bytes: Uint8Array }
  /** Ring mode: `consumed` frames have been read in full; every packet written before this is complete. */
  | { readonly type: 'frame-end'; readonly consumed: number }
  | {
      readonly type: 'run-end';
      readonly exitCode: number;
      readonly logTail: readonly string[];
      readonly restart: boolean;
    }
  | {
      readonly type: 'segment-done';
      readonly bytes: Uint8Array;
      readonly count: number;
      readonly exitCode: number;
      readonly logTail: readonly string[];
      readonly ms: number;
    };
