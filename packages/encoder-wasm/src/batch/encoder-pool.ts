import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { EncoderError } from '../errors.js';
import { fillWarmupNoise } from '../ffmpeg/warmup.js';
import { type CoreAssets, loadCoreAssets } from '../ffmpeg/wasm-module.js';
import { encodeArgs, type H264EncoderOptions, resolveOptions } from '../options.js';
import { poolEntry } from '../worker/entry.js';
import { BATCH_INPUT, BATCH_OUTPUT, type BatchResult, type BatchTask } from '../worker/protocol.js';

/** Options of {@link EncoderPool.open}. */
export interface EncoderPoolOptions {
  /** Worker threads. Default: the machine's available parallelism. */
  readonly threads?: number;
  /**
   * Warm every thread with a short encode at this size before `open()` resolves: the first segment in a cold
   * thread runs 2–3× slower while the JIT tiers up.
   */
  readonly warmup?: H264EncoderOptions;
}

/** A pool of ffmpeg.wasm worker threads (piscina) sharing one compiled module; batch segments run on it. */
export class EncoderPool {
  /** Number of threads. */
  readonly threads: number;
  private readonly piscina: Piscina<BatchTask, BatchResult>;
  private readonly assets: CoreAssets;
  private closed = false;

  private constructor(piscina: Piscina<BatchTask, BatchResult>, assets: CoreAssets, threads: number) {
    this.piscina = piscina;
    this.assets = assets;
    this.threads = threads;
  }

  /** Starts the threads (and warms them when asked). */
  static async open(options: EncoderPoolOptions = {}): Promise<EncoderPool> {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 1)
      throw new EncoderError('invalid-options', `threads must be a positive integer, got ${threads}`);
    const assets = await loadCoreAssets();
    const entry = poolEntry('batch-worker');
    const piscina = new Piscina<BatchTask, BatchResult>({
      filename: entry.filename,
      execArgv: [...entry.execArgv],
      workerData: entry.workerData,
      minThreads: threads,
      maxThreads: threads,
      // Each thread holds a warm core; keep them for the pool's life.
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
    const pool = new EncoderPool(piscina, assets, threads);
    if (options.warmup) await pool.warmUp(options.warmup);
    return pool;
  }

  /** One short encode per thread (run concurrently so each thread gets one). */
  async warmUp(options: H264EncoderOptions, frames = 8): Promise<void> {
    const o = resolveOptions(options);
    const args = encodeArgs(o, BATCH_INPUT, BATCH_OUTPUT);
    const data = new Uint8Array(o.frameBytes * frames);
    fillWarmupNoise(data, 0);
    await Promise.all(Array.from({ length: this.threads }, () => this.run(args, data, { warmup: true })));
  }

  /**
   * Encodes packed raw frames with `args` (reading `BATCH_INPUT`, writing `BATCH_OUTPUT`) on a free thread;
   * throws `encoder-failed` with ffmpeg's exit code and log tail, `worker-crashed` if the thread died. With
   * `transfer`, `frames.buffer` is moved to the worker (detached here); with `reuse` as well, it comes back as
   * the result's `frames` once the segment is encoded.
   */
  async run(
    args: readonly string[],
    frames: Uint8Array,
    options: { readonly warmup?: boolean; readonly transfer?: boolean; readonly reuse?: boolean } = {},
  ): Promise<{ bytes: Uint8Array; ms: number; frames?: Uint8Array }> {
    if (this.closed) throw new EncoderError('encoder-closed', 'the encoder pool is closed');
    let result: BatchResult;
    try {
      const transfer = options.transfer ?? false;
      const task: BatchTask = {
        assets: this.assets,
        args,
        frames,
        warmup: options.warmup ?? false,
        returnFrames: transfer && (options.reuse ?? false),
      };
      // Transferring the segment's buffer saves copying megabytes of raw frames into the worker.
      const transferList = transfer ? [frames.buffer as ArrayBuffer] : [];
      result = await this.piscina.run(task, { transferList });
    } catch (error) {
      throw new EncoderError('worker-crashed', `a batch worker failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!result.ok) throw EncoderError.ffmpeg('batch segment', result);
    return result.frames === undefined
      ? { bytes: result.bytes, ms: result.ms }
      : { bytes: result.bytes, ms: result.ms, frames: result.frames };
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.close({ force: true });
  }
}
