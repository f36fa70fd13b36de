import { micros } from '@camstream/core';
import { WebError } from '../../errors.js';
import type { SessionAssets } from '../../session/session-types.js';
import type { EncoderCallbacks, EncoderSettings, SessionEncoder } from '../session-encoder.js';
import { startWorker } from '../worker-start.js';
import type { FromI420Worker, ToI420Worker } from './i420-worker-protocol.js';
import type { WasmEncoderModule, WasmLiveEncoder } from './wasm-module.js';

/** Starts the I420 worker module beside this module, as the literal pattern bundlers recognise. */
function spawnI420Worker(): Worker {
  return new Worker(new URL('./i420-worker.js', import.meta.url), { type: 'module', name: 'camstream-i420' });
}

/**
 * The ffmpeg.wasm backend: frames go to an I420 worker (read-back and conversion off the main thread), the
 * packed pictures to the injected `BrowserLiveEncoder`, which encodes in its own worker.
 */
export class WasmWorkerEncoder implements SessionEncoder {
  readonly kind = 'wasm' as const;
  #codec = 'avc1';
  readonly #worker: Worker;
  readonly #encoder: WasmLiveEncoder;
  readonly #settings: EncoderSettings;
  readonly #callbacks: EncoderCallbacks;
  readonly #pump: Promise<void>;
  #inFlight = 0;
  #dropped = 0;
  #converting = 0;
  #drained: (() => void) | undefined;
  #index = 0;
  #done = false;

  /** Loads the injected module, opens its encoder and starts the I420 worker. */
  static async open(
    module: WasmEncoderModule,
    settings: EncoderSettings,
    callbacks: EncoderCallbacks,
    assets: SessionAssets,
  ): Promise<WasmWorkerEncoder> {
    const { ffmpegCoreURL: coreURL, ffmpegWasmURL: wasmURL } = assets;
    if (coreURL === undefined || wasmURL === undefined) {
      throw new WebError(
        'invalid-argument',
        "the wasm encoder needs assets.ffmpegCoreURL and assets.ffmpegWasmURL (the URLs of @ffmpeg/core's dist/esm/ffmpeg-core.js and ffmpeg-core.wasm; with Vite: import ffmpegCoreURL from '@ffmpeg/core?url')",
      );
    }
    const { worker } = await startWorker<FromI420Worker>(
      assets.i420WorkerURL,
      spawnI420Worker,
      'camstream-i420',
      { type: 'hello' },
      (m) => m.type === 'ready',
    );
    // Set once the instance exists; the encoder reports the frames it drops when its queue is full.
    let self: WasmWorkerEncoder | undefined;
    try {
      const encoder = await module.BrowserLiveEncoder.open({
        coreURL,
        wasmURL,
        onDrop: () => self?.noteDropped(),
        width: settings.width,
        height: settings.height,
        fpsNum: settings.frameRate,
        pixelFormat: 'I420',
        bitrate: settings.bitrate,
        gop: settings.keyframeInterval,
        ...(settings.preset === undefined ? {} : { preset: settings.preset }),
        ...(assets.ffmpegWorkerURL === undefined ? {} : { workerURL: assets.ffmpegWorkerURL }),
      });
      self = new WasmWorkerEncoder(worker, encoder, settings, callbacks);
      return self;
    } catch (cause) {
      worker.terminate();
      throw cause instanceof WebError
        ? cause
        : new WebError('encoder-failed', `could not open the ffmpeg.wasm encoder: ${String(cause)}`, {
            cause,
          });
    }
  }

  private constructor(
    worker: Worker,
    encoder: WasmLiveEncoder,
    settings: EncoderSettings,
    callbacks: EncoderCallbacks,
  ) {
    this.#worker = worker;
    this.#encoder = encoder;
    this.#settings = settings;
    this.#callbacks = callbacks;
    worker.onmessage = (event: MessageEvent<FromI420Worker>) => this.#onConverted(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new WebError('worker-failed', `the I420 worker crashed: ${event.message}`));
    };
    this.#pump = this.#deliver();
  }

  /** The stream's codec string, known from the first sample (`avc1` before it). */
  get codec(): string {
    return this.#codec;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  encode(frame: VideoFrame, timestampUs: number): void {
    if (this.#done) {
      frame.close();
      return;
    }
    this.#inFlight++;
    this.#converting++;
    const message: ToI420Worker = {
      type: 'frame',
      frame,
      width: this.#settings.width,
      height: this.#settings.height,
      timestampUs,
    };
    this.#worker.postMessage(message, [frame as unknown as Transferable]);
  }

  async close(): Promise<void> {
    if (this.#done) return;
    // Let the frames being converted reach the encoder, then flush it.
    if (this.#converting > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    this.#worker.terminate();
    try {
      await this.#encoder.close();
      await this.#pump;
    } finally {
      this.#done = true;
    }
  }

  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    this.#worker.onmessage = null;
    this.#worker.onerror = null;
    this.#worker.terminate();
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
    void Promise.resolve(
      this.#encoder.abort === undefined ? this.#encoder.close() : this.#encoder.abort(),
    ).catch(() => undefined);
  }

  /** Counts a frame the encoder dropped (it will never come back as a sample). */
  noteDropped(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#dropped++;
  }

  /** Frames the encoder dropped since the last call (its queue was full). */
  takeDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  #onConverted(message: FromI420Worker): void {
    if (message.type === 'ready') return;
    this.#converting = Math.max(0, this.#converting - 1);
    if (message.type === 'error') {
      this.#fail(new WebError(message.code, message.message));
      return;
    }
    try {
      const result = this.#encoder.encode({
        format: 'I420',
        width: this.#settings.width,
        height: this.#settings.height,
        data: message.data,
        pts: micros(message.timestampUs),
        index: this.#index++,
      });
      if (result instanceof Promise) result.catch((error: unknown) => this.#fail(asWebError(error)));
    } catch (error) {
      this.#fail(asWebError(error));
    }
    if (this.#converting === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained?.();
    }
  }

  async #deliver(): Promise<void> {
    try {
      for await (const sample of this.#encoder.samples()) {
        this.#inFlight = Math.max(0, this.#inFlight - 1);
        this.#codec = sample.codecString;
        this.#callbacks.onSample(sample);
      }
    } catch (error) {
      this.#fail(asWebError(error));
    }
  }

  #fail(error: WebError): void {
    if (this.#done) return;
    this.destroy();
    this.#callbacks.onError(error);
  }
}

function asWebError(error: unknown): WebError {
  return error instanceof WebError
    ? error
    : new WebError(
        'encoder-failed',
        `ffmpeg.wasm encoder: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
}
