// What a live worker says to the main thread, on every platform (Node worker thread, browser Web Worker). How
// the worker is started and how frames reach it are the platform's (worker/protocol.ts, browser/protocol.ts);
// frames and end markers are the input device's `InputMessage` whichever way they travel (a MessagePort, the
// shared ring).

/** Input device of the long live run (Node, and the browser's ring mode). */
export const LIVE_INPUT = '/dev/camstream-in';
/** Output device of the long live run. */
export const LIVE_OUTPUT = '/dev/camstream-out';

/** Messages a live worker posts to the main thread. */
export type LiveWorkerMessage =
  | { readonly type: 'ready'; readonly warmupMs: number }
  /** The worker could not start (browser: the core's JS unreachable, or a wrong core build). */
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'data'; readonly bytes: Uint8Array }
  /** `consumed` input frames have been read in full; every packet written before this is complete. */
  | { readonly type: 'frame-end'; readonly consumed: number }
  /** One run of the long live exec ended: for good, or to restart with an IDR (`restart`). */
  | {
      readonly type: 'run-end';
      readonly exitCode: number;
      readonly logTail: readonly string[];
      readonly restart: boolean;
      readonly runMs: number;
    }
  /** Browser segments mode: one segment of `count` frames encoded as one independent exec. */
  | {
      readonly type: 'segment-done';
      readonly bytes: Uint8Array;
      readonly count: number;
      readonly exitCode: number;
      readonly logTail: readonly string[];
      readonly ms: number;
    };
