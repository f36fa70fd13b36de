import { errorMessage, micros } from '@camstream/core/media';
import { WebError } from '../../errors.js';
import type { SessionAssets } from '../../session/session-options.js';
import type { EncoderCallbacks, EncoderSettings, SessionEncoder } from '../session-encoder.js';
import { startWorker } from '../worker-start.js';
import { frameToI420 } from './frame-to-i420.js';
import type { FromI420Worker, ToI420Worker } from './i420-worker-protocol.js';
import type { WasmEncoderModule, WasmLiveEncoder } from './wasm-module.js';

/** Starts the I420 worker module beside this module, as the literal pattern bundlers recognise. */
function spawnI420Worker(): Worker {
  return new Worker(new URL('./i420-worker.js', import.meta.url), { type: 'module', name: 'camstream-i420' });
}

/** Formats `copyTo` reads as packed I420 with no conversion: a plain copy, cheap enough for the main thread. */
const PLAIN_I420 = new Set<VideoPixelFormat | null>(['I420', 'I420A']);

/**
 * The ffmpeg.wasm backend: frames become packed I420 pictures for the injected `BrowserLiveEncoder`, which
 * encodes in its own worker. I420 frames (most cameras) are copied out on the main thread, a plain `copyTo`;
 * others (NV12, RGBA, GPU-backed) go to an I420 worker for the read-back and conversion. Skipping the worker
 * saves a round trip through the main thread's event loop, which the viewer keeps busy.
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
  /** The I420 worker's pending conversions, oldest first (it answers in order). */
  readonly #converting: { resolve: (data: Uint8Array) => void; reject: (error: WebError) => void }[] = [];
  /** Frames reach the encoder in capture order, whichever way they were converted. */
  #delivered: Promise<void> = Promise.resolve();
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
    const { width, height } = this.#settings;
    let picture: Promise<Uint8Array>;
    if (PLAIN_I420.has(frame.format)) {
      picture = frameToI420(frame, width, height).finally(() => frame.close());
    } else {
      picture = new Promise((resolve, reject) => this.#converting.push({ resolve, reject }));
      const message: ToI420Worker = { type: 'frame', frame, width, height, timestampUs };
      this.#worker.postMessage(message, [frame as unknown as Transferable]);
    }
    // Handled by the chain below, maybe only after earlier frames: not an unhandled rejection meanwhile.
    picture.catch(() => undefined);
    this.#delivered = this.#delivered
      .then(() => picture)
      .then(
        (data) => this.#submit(data, timestampUs),
        (error: unknown) => this.#fail(asWebError(error)),
      );
  }

  async close(): Promise<void> {
    if (this.#done) return;
    // Let the frames being converted reach the encoder, then flush it.
    await this.#delivered;
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
    for (const pending of this.#converting.splice(0)) {
      pending.reject(new WebError('encoder-failed', 'the encoder was stopped'));
    }
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
    const pending = this.#converting.shift();
    if (message.type === 'error') {
      const error = new WebError(message.code, message.message);
      pending?.reject(error);
      this.#fail(error);
      return;
    }
    pending?.resolve(message.data);
  }

  #submit(data: Uint8Array, timestampUs: number): void {
    if (this.#done) return;
    try {
      const result = this.#encoder.encode({
        format: 'I420',
        width: this.#settings.width,
        height: this.#settings.height,
        data,
        pts: micros(timestampUs),
        index: this.#index++,
      });
      if (result instanceof Promise) result.catch((error: unknown) => this.#fail(asWebError(error)));
    } catch (error) {
      this.#fail(asWebError(error));
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
    : new WebError('encoder-failed', `ffmpeg.wasm encoder: ${errorMessage(error)}`, {
        cause: error,
      });
}
