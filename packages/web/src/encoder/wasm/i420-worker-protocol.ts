/** Main thread → I420 worker: `frame` is transferred and closed by the worker. */
export interface ToI420Worker {
  readonly type: 'frame';
  readonly frame: VideoFrame;
  readonly width: number;
  readonly height: number;
  /** Recording-relative time, µs. */
  readonly timestampUs: number;
}

/** I420 worker → main thread: the packed picture (buffer transferred), or why it failed. */
export type FromI420Worker =
  | { readonly type: 'ready' }
  | { readonly type: 'i420'; readonly data: Uint8Array; readonly timestampUs: number }
  | { readonly type: 'error'; readonly code: 'encoder-failed'; readonly message: string };
