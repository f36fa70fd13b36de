import type { EncodedSample, RawFrame } from '@camstream/core/media';

/**
 * Options this package passes to `BrowserLiveEncoder.open` of `@camstream/encoder-wasm/browser` (its
 * `H264EncoderOptions` plus asset URLs). Typed structurally so `@camstream/web` (MIT) never imports the GPL
 * package, not even its types.
 */
export interface WasmEncoderOpenOptions {
  readonly width: number;
  readonly height: number;
  /** Frame rate numerator (the denominator stays 1). */
  readonly fpsNum: number;
  /** Always `I420`: the session converts frames in its own worker. */
  readonly pixelFormat: 'I420';
  readonly bitrate?: number;
  readonly gop?: number;
  readonly preset?: string;
  /** `@ffmpeg/core`'s ESM JS (required by the encoder: no bundler-neutral default exists). */
  readonly coreURL: string | URL;
  /** `@ffmpeg/core`'s `.wasm`. */
  readonly wasmURL: string | URL;
  readonly workerURL?: string | URL;
  /** Called for each frame the encoder drops because its queue is full. */
  readonly onDrop?: (frame: RawFrame) => void;
}

/** What the session uses of a `BrowserLiveEncoder` (core's `Encoder`). */
export interface WasmLiveEncoder {
  encode(frame: RawFrame): void | Promise<void>;
  requestKeyframe(): void;
  close(): Promise<void>;
  samples(): AsyncIterable<EncodedSample>;
  /** Stops at once, dropping queued frames (optional: `close()` is used when absent). */
  abort?(): void | Promise<void>;
}

/** The module `wasm: () => import('@camstream/encoder-wasm/browser')` resolves to, as far as this package needs. */
export interface WasmEncoderModule {
  readonly BrowserLiveEncoder: {
    open(options: WasmEncoderOpenOptions): Promise<WasmLiveEncoder>;
  };
}
