import { Worker } from 'node:worker_threads';
import { EncoderError } from '../errors.js';
import { loadCoreAssets } from '../ffmpeg/wasm-module.js';
import { AsyncQueue } from '../sample-queue.js';
import { workerEntry } from '../worker/entry.js';
import {
  CONTROL_ABORT,
  CONTROL_BYTES,
  CONTROL_CONSUMED,
  type DecodeWorkerData,
  type DecodeWorkerMessage,
} from './decode-protocol.js';

/** What {@link DecodeRun.start} needs besides the core. */
export type DecodeRunInput = Omit<DecodeWorkerData, 'assets' | 'control'>;

/**
 * One decode worker, seen from the main thread: its messages in order (an async iterable), the consumer's
 * acknowledgements that let it decode further, and a `stop()` that always leaves no thread behind.
 */
export class DecodeRun {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly queue = new AsyncQueue<DecodeWorkerMessage>();
  private readonly exited: Promise<void>;
  private ended = false;

  private constructor(worker: Worker, control: Int32Array) {
    this.worker = worker;
    this.control = control;
    this.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: DecodeWorkerMessage) => {
      if (message.type === 'end' || message.type === 'failed') this.ended = true;
      this.queue.push(message);
    });
    worker.on('error', (error) => {
      this.queue.fail(
        new EncoderError('worker-crashed', `the decode worker failed: ${error.message}`, { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (!this.ended)
        this.queue.fail(
          new EncoderError(
            'worker-crashed',
            `the decode worker exited (code ${code}) before the end of the file`,
          ),
        );
    });
  }

  /** Starts the worker on the shared compiled core. */
  static async start(input: DecodeRunInput): Promise<DecodeRun> {
    const assets = await loadCoreAssets();
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const data: DecodeWorkerData = { ...input, assets, control };
    const entry = workerEntry('decode-worker');
    const worker = new Worker(entry.filename, {
      eval: entry.eval,
      workerData: data,
      execArgv: [...entry.execArgv],
    });
    return new DecodeRun(worker, new Int32Array(control));
  }

  /** The worker's messages, in order; throws `worker-crashed` or the reason given to {@link fail}. */
  messages(): AsyncIterable<DecodeWorkerMessage> {
    return this.queue;
  }

  /** The consumer took one frame: the worker may decode one more. */
  frameTaken(): void {
    Atomics.add(this.control, CONTROL_CONSUMED, 1);
    Atomics.notify(this.control, CONTROL_CONSUMED);
  }

  /** Ends the message stream with `error` (e.g. `aborted`) and stops the worker. */
  fail(error: EncoderError): void {
    this.ended = true;
    this.queue.fail(error);
    void this.stop();
  }

  /** Stops the worker (wakes it if it waits for the consumer, then terminates it) and waits until it is gone. */
  async stop(): Promise<void> {
    this.ended = true;
    Atomics.store(this.control, CONTROL_ABORT, 1);
    Atomics.notify(this.control, CONTROL_CONSUMED);
    await this.worker.terminate();
    await this.exited;
  }
}
