import type { FullQueuePolicy } from '../live/live-session.js';
import type { LiveEncoderBaseOptions, LiveEncoderBaseStats } from '../live/live-worker-encoder.js';

/**
 * How a {@link BrowserLiveEncoderOptions} encoder feeds ffmpeg: `ring` (one long exec fed through a
 * `SharedArrayBuffer`; needs `crossOriginIsolated`) or `segments` (one exec per N-frame IDR-led segment).
 */
export type BrowserEncoderMode = 'ring' | 'segments';

/** What the browser live encoder does with a frame when its input queue is full (same as Node's). */
export type BrowserFullQueuePolicy = FullQueuePolicy;

/** Options of `BrowserLiveEncoder.open()`: the Node encoder's H.264 and queue options plus where the assets are. */
export interface BrowserLiveEncoderOptions extends LiveEncoderBaseOptions {
  /**
   * URL of `@ffmpeg/core`'s ESM build (`dist/esm/ffmpeg-core.js`). Required: a bare package specifier cannot
   * be turned into a URL in a bundler-neutral way. With Vite: `import coreURL from '@ffmpeg/core?url'`.
   */
  readonly coreURL: string | URL;
  /** URL of `ffmpeg-core.wasm`. With Vite: `import wasmURL from '@ffmpeg/core/wasm?url'`. */
  readonly wasmURL: string | URL;
  /**
   * URL of this package's module worker. Default: `new URL('./worker.js', import.meta.url)` (Vite and webpack
   * rewrite that form; a static server serves the built `dist/browser/worker.js`).
   */
  readonly workerURL?: string | URL;
  /** `auto` (default): `ring` when `crossOriginIsolated`, else `segments`. `ring` throws when not isolated. */
  readonly mode?: 'auto' | BrowserEncoderMode;
  /** Frames per segment in `segments` mode. Default 3: (N−1) frame times of added latency. */
  readonly segmentFrames?: number;
  /** Frame slots in the ring (`ring` mode). Default 3 (one being read, one ready, one for an end marker). */
  readonly ringSlots?: number;
}

/** Counters of a browser live encoder. */
export interface BrowserLiveEncoderStats extends LiveEncoderBaseStats {
  /** Which feeding mode runs. */
  readonly mode: BrowserEncoderMode;
  /** ffmpeg runs that have ended (segments mode: one per segment), warm-up excluded. */
  readonly execs: number;
}
