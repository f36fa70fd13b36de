import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VideoCodecName } from '@camstream/core';
import { CliError, type CliErrorCode } from '../errors.js';
import type { InputFile } from './input-file.js';
import type { DemuxedSample, VideoSampleReader } from './video-samples.js';

/** How often the demuxer worker says it is alive. */
export const HEARTBEAT_MS = 100;

/** Main thread → demuxer worker. */
export type DemuxRequest =
  | { readonly type: 'open'; readonly id: number; readonly file: InputFile }
  | { readonly type: 'pull'; readonly id: number; readonly count: number }
  | { readonly type: 'close'; readonly id: number };

/** Demuxer worker → main thread. */
export type DemuxReply =
  | { readonly type: 'alive' }
  | { readonly type: 'open'; readonly id: number; readonly codec: VideoCodecName; readonly container: string }
  | { readonly type: 'sample'; readonly id: number; readonly sample: DemuxedSample }
  | { readonly type: 'end'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly code: CliErrorCode; readonly message: string };

type JobReply =
  | Exclude<DemuxReply, { type: 'alive' }>
  | { readonly type: 'failed'; readonly error: CliError };

/** Limits of the demuxer worker. */
export interface DemuxerLimits {
  /** No heartbeat for this long: the demuxer is stuck in a loop; the worker is stopped. Default 10 s. */
  readonly stallMs: number;
  /** Heap the worker may use: a damaged index can make the demuxer allocate without end. Default 2048 MB. */
  readonly maxMemoryMb: number;
}

const DEFAULT_LIMITS: DemuxerLimits = { stallMs: 10_000, maxMemoryMb: 2048 };
/** Samples the worker may send ahead of the consumer. */
const READ_AHEAD = 16;

let limits = DEFAULT_LIMITS;
let shared: DemuxerWorker | undefined;

/** Sets the demuxer worker's limits (the next file starts a worker with them). */
export function setDemuxerLimits(next: Partial<DemuxerLimits>): void {
  limits = { ...DEFAULT_LIMITS, ...next };
  shared?.stop();
  shared = undefined;
}

/** Starts the demuxer worker ahead of the first file, and waits until it has loaded. */
export async function warmDemuxer(): Promise<void> {
  await demuxer().ready;
}

function demuxer(): DemuxerWorker {
  if (shared === undefined || shared.dead) shared = new DemuxerWorker(limits);
  return shared;
}

/**
 * Opens `file` in the demuxer worker (one per process, started on first use, idle workers do not keep the process
 * alive). A worker that stops answering or runs out of memory is stopped and the file refused with a `CliError`
 * naming it; the next file gets a new worker.
 */
export function openDemuxed(file: InputFile): Promise<VideoSampleReader> {
  return demuxer().open(file);
}

/**
 * The worker's entry. Built, it is `dist/demux-worker.js` beside this module's chunk. From sources (vitest, tsx)
 * Node 20 cannot load TypeScript in a worker on its own: a two-line bootstrap registers tsx there first, with the
 * source condition so workspace packages resolve to `src` (as encoder-wasm's workers do, decision 0007).
 */
function workerEntry(): { filename: URL | string; eval: boolean; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return { filename: new URL('./demux-worker.js', here), eval: false, execArgv: [] };
  const tsxApi = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./demux-worker.ts', here).href;
  return {
    filename: `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
    execArgv: ['--conditions=@camstream/source'],
  };
}

function replyError(reply: JobReply): CliError {
  if (reply.type === 'failed') return reply.error;
  if (reply.type === 'error') return new CliError(reply.code, reply.message);
  return new CliError('runtime', `the demuxer worker answered ${reply.type} out of turn`);
}

class DemuxerWorker {
  readonly #worker: Worker;
  readonly #limits: DemuxerLimits;
  readonly #jobs = new Map<
    number,
    { readonly file: InputFile; readonly listener: (reply: JobReply) => void }
  >();
  readonly ready: Promise<void>;
  #nextId = 1;
  #lastHeard = Date.now();
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #stalled = false;
  dead = false;

  constructor(workerLimits: DemuxerLimits) {
    this.#limits = workerLimits;
    const entry = workerEntry();
    this.#worker = new Worker(entry.filename, {
      eval: entry.eval,
      execArgv: entry.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: workerLimits.maxMemoryMb },
    });
    this.#worker.unref();
    let loaded: () => void = () => {};
    let failed: (error: CliError) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      failed = reject;
    });
    this.ready.catch(() => {}); // also reported to every job; nobody may be waiting here
    this.#worker.on('message', (reply: DemuxReply) => {
      this.#lastHeard = Date.now();
      if (reply.type === 'alive') loaded();
      else this.#jobs.get(reply.id)?.listener(reply);
    });
    const die = (cause: Error) => {
      const error = this.#fail(cause);
      failed(error);
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', (code) => die(new Error(`the demuxer worker exited with code ${code}`)));
  }

  stop(): void {
    this.dead = true;
    void this.#worker.terminate();
  }

  /** Every open job ends with a CliError; the worker is gone. */
  #fail(cause: Error): CliError {
    const outOfMemory = (cause as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const why = this.#stalled
      ? `the demuxer stopped responding for ${this.#limits.stallMs / 1000} s`
      : outOfMemory
        ? `reading it needed more than ${this.#limits.maxMemoryMb} MB`
        : undefined;
    this.dead = true;
    clearInterval(this.#watchdog);
    for (const { file, listener } of this.#jobs.values()) {
      listener({
        type: 'failed',
        error:
          why === undefined
            ? new CliError('runtime', `reading ${file.path} failed: ${cause.message}`, { cause })
            : new CliError('input', `${file.path} is damaged or truncated: ${why}`, { cause }),
      });
    }
    this.#jobs.clear();
    return new CliError('runtime', `the demuxer worker did not start: ${cause.message}`, { cause });
  }

  #post(request: DemuxRequest): void {
    if (!this.dead) this.#worker.postMessage(request);
  }

  #begin(id: number, file: InputFile, listener: (reply: JobReply) => void): void {
    this.#jobs.set(id, { file, listener });
    if (this.#jobs.size > 1) return;
    // While a file is being read, the worker keeps the process alive and its heartbeat is watched.
    this.#worker.ref();
    this.#lastHeard = Date.now();
    const every = Math.max(10, Math.min(500, this.#limits.stallMs / 4));
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.#lastHeard <= this.#limits.stallMs) return;
      // A synchronous loop never returns to the worker's event loop: only terminate() stops it.
      this.#stalled = true;
      this.stop();
    }, every);
  }

  #end(id: number): void {
    if (!this.#jobs.delete(id) || this.#jobs.size > 0) return;
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#worker.unref();
  }

  async open(file: InputFile): Promise<VideoSampleReader> {
    await this.ready;
    const id = this.#nextId++;
    const inbox: JobReply[] = [];
    let wake: (() => void) | undefined;
    this.#begin(id, file, (reply) => {
      inbox.push(reply);
      wake?.();
      wake = undefined;
    });
    const next = async (): Promise<JobReply> => {
      while (inbox.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      return inbox.shift() as JobReply;
    };
    this.#post({
      type: 'open',
      id,
      file: { path: file.path, size: file.size, head: file.head, kind: file.kind },
    });
    if (this.dead)
      this.#jobs
        .get(id)
        ?.listener({ type: 'failed', error: new CliError('runtime', 'the demuxer worker is gone') });
    const opened = await next();
    if (opened.type !== 'open') {
      this.#end(id);
      throw replyError(opened);
    }
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#post({ type: 'close', id });
      this.#end(id);
    };
    const post = (request: DemuxRequest) => this.#post(request);
    async function* samples(): AsyncGenerator<DemuxedSample> {
      try {
        post({ type: 'pull', id, count: READ_AHEAD });
        for (;;) {
          const reply = await next();
          if (reply.type === 'end') return;
          if (reply.type !== 'sample') throw replyError(reply);
          post({ type: 'pull', id, count: 1 });
          yield reply.sample;
        }
      } finally {
        finish();
      }
    }
    return { codec: opened.codec, container: opened.container, samples: samples(), close: finish };
  }
}
