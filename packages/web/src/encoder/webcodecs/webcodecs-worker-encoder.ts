import { VideoCodec } from '@camstream/core/media';
import { WebError } from '../../errors.js';
import type { EncoderCallbacks, EncoderSettings, SessionEncoder } from '../session-encoder.js';
import { startWorker } from '../worker-start.js';
import type { FromWebCodecsWorker, ToWebCodecsWorker } from './webcodecs-worker-protocol.js';

/**
 * Starts the WebCodecs worker module beside this module (the `.ts` source in the workspace, `.js` beside the
 * bundle in dist), written as the literal pattern Vite and webpack bundle as a worker.
 */
function spawnWebCodecsWorker(): Worker {
  return new Worker(new URL('./webcodecs-worker.js', import.meta.url), {
    type: 'module',
    name: 'camstream-webcodecs',
  });
}

/**
 * The WebCodecs backend: a dedicated worker running `WebCodecsH264Encoder`; `VideoFrame`s are transferred
 * to it and Annex B samples come back (their buffers transferred).
 */
export class WebCodecsWorkerEncoder implements SessionEncoder {
  readonly kind = 'webcodecs' as const;
  readonly codec: string;
  readonly #worker: Worker;
  readonly #callbacks: EncoderCallbacks;
  #inFlight = 0;
  #closed: (() => void) | undefined;
  #done = false;

  /** Starts the worker and opens the encoder in it; rejects with the worker's `WebError`. */
  static async open(
    settings: EncoderSettings,
    callbacks: EncoderCallbacks,
    workerURL?: string | URL,
  ): Promise<WebCodecsWorkerEncoder> {
    const open: ToWebCodecsWorker = { type: 'open', settings };
    const { worker, ready } = await startWorker<FromWebCodecsWorker>(
      workerURL,
      spawnWebCodecsWorker,
      'camstream-webcodecs',
      open,
      (m) => m.type === 'opened',
    );
    return new WebCodecsWorkerEncoder(worker, ready.type === 'opened' ? ready.codec : '', callbacks);
  }

  private constructor(worker: Worker, codec: string, callbacks: EncoderCallbacks) {
    this.#worker = worker;
    this.codec = codec;
    this.#callbacks = callbacks;
    worker.onmessage = (event: MessageEvent<FromWebCodecsWorker>) => this.#onMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new WebError('worker-failed', `the WebCodecs worker crashed: ${event.message}`));
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** WebCodecs never drops a frame it accepted: the session's back-pressure keeps its queue short. */
  takeDropped(): number {
    return 0;
  }

  encode(frame: VideoFrame, timestampUs: number): void {
    if (this.#done) {
      frame.close();
      return;
    }
    this.#inFlight++;
    const message: ToWebCodecsWorker = { type: 'frame', frame, timestampUs };
    this.#worker.postMessage(message, [frame as unknown as Transferable]);
  }

  close(): Promise<void> {
    if (this.#done) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#closed = () => {
        this.destroy();
        resolve();
      };
      const message: ToWebCodecsWorker = { type: 'close' };
      this.#worker.postMessage(message);
    });
  }

  destroy(): void {
    this.#done = true;
    this.#worker.onmessage = null;
    this.#worker.onerror = null;
    this.#worker.terminate();
    const closed = this.#closed;
    this.#closed = undefined;
    closed?.();
  }

  #onMessage(message: FromWebCodecsWorker): void {
    switch (message.type) {
      case 'sample':
        this.#inFlight = Math.max(0, this.#inFlight - 1);
        this.#callbacks.onSample({
          codec: VideoCodec.H264,
          codecString: message.codecString,
          data: message.data,
          pts: message.pts,
          isKeyframe: message.isKeyframe,
          index: message.index,
        });
        return;
      case 'error':
        this.#fail(new WebError(message.code, message.message));
        return;
      case 'closed':
        this.#closed?.();
        return;
      case 'opened':
        return;
    }
  }

  #fail(error: WebError): void {
    if (this.#done) return;
    this.destroy();
    this.#callbacks.onError(error);
  }
}
