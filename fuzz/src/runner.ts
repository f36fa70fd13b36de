import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Outcome } from './classify.js';
import {
  CONTROL,
  type FailureMessage,
  type FromWorker,
  MAX_INPUT_BYTES,
  type TargetStats,
  type ToWorker,
} from './protocol.js';
import { fnv1a } from './rng.js';
import type { Corpus } from './seeds.js';
import { SELF_TEST_TARGETS, TARGETS } from './targets.js';

/** Default watchdog: an input still running after this long is a hang. */
export const DEFAULT_HANG_MS = 1000;
/** A target that hung this often is stopped: each hang costs seconds, and one loop is enough to fix. */
const DEFAULT_MAX_HANGS = 3;

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  /** Target names, in order. */
  readonly targets: readonly string[];
  /** Wall-clock budget of the whole run, split evenly over the targets (and jobs). */
  readonly seconds?: number;
  /** Inputs per target (with or without `seconds`; whichever ends first). */
  readonly count?: number;
  /** Seed of the input generators: the same seed, the same inputs. */
  readonly seed: number;
  /** Worker threads running targets side by side. */
  readonly jobs: number;
  /** An input running longer than this is a hang (the watchdog stops the worker). */
  readonly hangMs: number;
  /** Confirmed hangs after which a target is stopped (default 3). */
  readonly maxHangs?: number;
  /** Where reproducers go; undefined: nowhere. */
  readonly crashDir: string | undefined;
  readonly corpus: Corpus;
  /** Progress lines (failures as they are found, targets as they finish). */
  readonly log?: (line: string) => void;
}

/** A distinct failure: an untyped error (one per signature), a hang, or a worker that died. */
export interface Failure {
  readonly target: string;
  readonly kind: 'untyped' | 'hang' | 'crash';
  readonly description: string;
  readonly stack: string;
  readonly input: Uint8Array | undefined;
  /** The saved reproducer, if any. */
  file: string | undefined;
}

/** The figures of one target. */
export interface TargetResult {
  readonly name: string;
  inputs: number;
  typed: number;
  untyped: number;
  hangs: number;
  elapsedMs: number;
  bytes: number;
  seeds: number;
  /** Worker restarts after a hang or a crash. */
  restarts: number;
  codes: Record<string, number>;
}

/** What a run found. */
export interface FuzzResult {
  readonly targets: TargetResult[];
  readonly failures: Failure[];
  /** Inputs that passed the watchdog's limit once but not when replayed alone (a busy machine, not a hang). */
  readonly stalls: string[];
  readonly wallMs: number;
}

type Exchange =
  | { readonly kind: 'done'; readonly stats: TargetStats }
  | { readonly kind: 'replayed'; readonly outcome: Outcome; readonly ms: number }
  | {
      readonly kind: 'hang';
      readonly input: Uint8Array;
      readonly inputs: number;
      readonly typed: number;
      readonly ms: number;
    }
  | {
      readonly kind: 'crash';
      readonly error: string;
      readonly input: Uint8Array | undefined;
      readonly inputs: number;
      readonly typed: number;
    };

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/** One worker thread and the shared memory its watchdog reads. */
class WorkerHost {
  readonly #control = new SharedArrayBuffer(CONTROL.bytes);
  readonly #input = new SharedArrayBuffer(MAX_INPUT_BYTES);
  readonly #ints = new Int32Array(this.#control, 0, CONTROL.ints);
  readonly #started = new Float64Array(this.#control, CONTROL.timeOffset, 1);
  readonly #worker: Worker;
  #dead = false;

  private constructor(corpus: Corpus, tmp: string) {
    this.#worker = new Worker(BOOT, {
      workerData: { corpus, tmp, control: this.#control, input: this.#input },
      execArgv: ['--conditions=@camstream/source'],
      // Whatever a parser prints (warnings for damaged files) is not the fuzzer's output.
      stdout: true,
      stderr: true,
    });
    this.#worker.stdout.resume();
    this.#worker.stderr.resume();
    this.#worker.on('exit', () => {
      this.#dead = true;
    });
  }

  /** Starts a worker and waits until it has loaded. */
  static async start(corpus: Corpus, tmp: string): Promise<WorkerHost> {
    const host = new WorkerHost(corpus, tmp);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        host.#worker.off('message', onMessage);
        host.#worker.off('error', reject);
        resolve();
      };
      host.#worker.on('message', onMessage);
      host.#worker.once('error', reject);
    });
    return host;
  }

  get dead(): boolean {
    return this.#dead;
  }

  #runningInput(): Uint8Array | undefined {
    if (Atomics.load(this.#ints, CONTROL.running) !== 1) return undefined;
    return new Uint8Array(this.#input, 0, this.#ints[CONTROL.length]).slice();
  }

  /** Sends one job; resolves when it ends, or when the watchdog or a crash ends the worker. */
  exchange(message: ToWorker, hangMs: number, onFailure: (f: FailureMessage) => void): Promise<Exchange> {
    const worker = this.#worker;
    return new Promise<Exchange>((resolve) => {
      let settled = false;
      const settle = (result: Exchange) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(result);
      };
      const partial = () => ({
        inputs: this.#ints[CONTROL.inputs] ?? 0,
        typed: this.#ints[CONTROL.typed] ?? 0,
      });
      const onMessage = (m: FromWorker) => {
        if (m.type === 'failure') onFailure(m);
        else if (m.type === 'done') settle({ kind: 'done', stats: m.stats });
        else if (m.type === 'replayed') settle({ kind: 'replayed', outcome: m.outcome, ms: m.ms });
        else if (m.type === 'fatal')
          settle({ kind: 'crash', error: m.error, input: undefined, ...partial() });
      };
      const onError = (error: Error) => {
        const input = this.#runningInput();
        settle({ kind: 'crash', error: error.stack ?? String(error), input, ...partial() });
        void this.terminate();
      };
      const onExit = (code: number) => {
        settle({
          kind: 'crash',
          error: `worker exited with code ${code}`,
          input: this.#runningInput(),
          ...partial(),
        });
      };
      const watchdog = setInterval(
        () => {
          const input = this.#runningInput();
          const ms = Date.now() - (this.#started[0] ?? 0);
          if (input === undefined || ms <= hangMs) return;
          // A synchronous infinite loop never returns to the event loop: only terminate() stops it.
          settle({ kind: 'hang', input, ms, ...partial() });
          void this.terminate();
        },
        Math.max(10, Math.min(100, hangMs / 10)),
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.#dead = true;
    await this.#worker.terminate();
  }
}

/** A folder for targets that read files: in memory where the machine has /dev/shm. */
function scratchDir(): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, 'camstream-fuzz-'));
}

function reproducerName(target: string, input: Uint8Array): string {
  return `${target}-${createHash('sha256').update(input).digest('hex').slice(0, 12)}`;
}

/** Writes `<target>-<hash>.bin` and its one-line description `<target>-<hash>.txt`. */
function saveReproducer(dir: string, target: string, input: Uint8Array, description: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${reproducerName(target, input)}.bin`);
  writeFileSync(file, input);
  writeFileSync(file.replace(/\.bin$/, '.txt'), `${target}: ${description}\n`);
  return file;
}

function emptyResult(name: string): TargetResult {
  return {
    name,
    inputs: 0,
    typed: 0,
    untyped: 0,
    hangs: 0,
    elapsedMs: 0,
    bytes: 0,
    seeds: 0,
    restarts: 0,
    codes: {},
  };
}

/**
 * Runs the targets on generated and mutated inputs, `jobs` workers side by side, each target for its share of
 * `seconds` or for `count` inputs. Untyped failures and hangs are collected (one per distinct signature)
 * and saved as reproducers.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const log = options.log ?? (() => {});
  const names = options.targets.length > 0 ? options.targets : TARGETS.map((t) => t.name);
  const jobs = Math.max(1, Math.min(options.jobs, names.length));
  const msPerTarget =
    options.seconds === undefined ? Number.POSITIVE_INFINITY : (options.seconds * 1000 * jobs) / names.length;
  const countPerTarget = options.count ?? Number.POSITIVE_INFINITY;
  const maxHangs = options.maxHangs ?? DEFAULT_MAX_HANGS;
  if (!Number.isFinite(msPerTarget) && !Number.isFinite(countPerTarget)) {
    throw new Error('give a time (seconds) or a count');
  }
  const results = new Map(names.map((n) => [n, emptyResult(n)]));
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const stalls: string[] = [];
  const tmp = scratchDir();

  const record = (
    target: string,
    kind: Failure['kind'],
    description: string,
    stack: string,
    input: Uint8Array | undefined,
    key: string,
  ) => {
    if (seen.has(key)) return;
    seen.add(key);
    const failure: Failure = { target, kind, description, stack, input, file: undefined };
    if (input !== undefined && options.crashDir !== undefined) {
      failure.file = saveReproducer(options.crashDir, target, input, `${kind}: ${description}`);
    }
    failures.push(failure);
    log(`  ✗ ${target}: ${kind}: ${description}${failure.file ? ` → ${failure.file}` : ''}`);
  };
  const onFailure = (m: FailureMessage) =>
    record(m.target, 'untyped', m.description, m.stack, m.input, `${m.target}|${m.signature}`);

  const queue = [...names];
  const lane = async () => {
    let host: WorkerHost | undefined;
    try {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const result = results.get(name) as TargetResult;
        let count = countPerTarget;
        let ms = msPerTarget;
        while (count > 0 && ms > 0 && result.hangs < maxHangs) {
          if (host === undefined || host.dead) host = await WorkerHost.start(options.corpus, tmp);
          const started = Date.now();
          const seed = (options.seed ^ fnv1a(new TextEncoder().encode(name))) + result.restarts * 0x9e3779b9;
          const r = await host.exchange(
            { type: 'run', target: name, seed: seed >>> 0, count, ms },
            options.hangMs,
            onFailure,
          );
          if (r.kind === 'done') {
            const s = r.stats;
            result.inputs += s.inputs;
            result.typed += s.typed;
            result.untyped += s.untyped;
            result.bytes += s.bytes;
            result.elapsedMs += s.elapsedMs;
            result.seeds = s.seeds;
            for (const [code, n] of Object.entries(s.codes))
              result.codes[code] = (result.codes[code] ?? 0) + n;
            break;
          }
          if (r.kind === 'replayed') throw new Error('unexpected replay answer');
          // The run was cut short: count what it did, then go on in a new worker with what is left.
          host = undefined;
          result.restarts++;
          result.inputs += r.inputs + 1;
          result.typed += r.typed;
          result.elapsedMs += Date.now() - started;
          count -= r.inputs + 1;
          ms -= Date.now() - started;
          if (r.kind === 'hang') {
            // Confirm alone in a fresh worker: a busy machine can stall one input; a real hang stalls again.
            const confirm = await WorkerHost.start(options.corpus, tmp);
            const again = await confirm.exchange(
              { type: 'replay', target: name, input: r.input },
              options.hangMs,
              onFailure,
            );
            if (again.kind === 'hang') {
              result.hangs++;
              const hash = reproducerName(name, r.input);
              record(
                name,
                'hang',
                `input still running after ${options.hangMs} ms (twice)`,
                '',
                r.input,
                `hang|${hash}`,
              );
            } else {
              host = confirm.dead ? undefined : confirm;
              stalls.push(
                `${name}: one input took over ${options.hangMs} ms, then ${again.kind === 'replayed' ? `${again.ms.toFixed(0)} ms` : again.kind} alone`,
              );
              if (again.kind === 'replayed' && again.outcome.kind === 'untyped') {
                result.untyped++;
                record(
                  name,
                  'untyped',
                  again.outcome.description,
                  again.outcome.stack,
                  r.input,
                  `${name}|${again.outcome.signature}`,
                );
              }
            }
          } else {
            result.untyped++;
            const firstLine = r.error.split('\n')[0] ?? r.error;
            record(
              name,
              'crash',
              `worker died: ${firstLine}`,
              r.error,
              r.input,
              `${name}|crash|${firstLine.replace(/\d+/g, '#')}`,
            );
          }
        }
        const stopped = result.hangs >= maxHangs ? ' (stopped: too many hangs)' : '';
        log(
          `  ${name}: ${result.inputs} inputs, ${result.typed} typed, ${result.untyped} untyped, ${result.hangs} hangs${stopped}`,
        );
      }
    } finally {
      await host?.terminate();
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, lane));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    targets: names.map((n) => results.get(n) as TargetResult),
    failures,
    stalls,
    wallMs: Date.now() - t0,
  };
}

/** What replaying one saved input gave. */
export interface ReplayResult {
  readonly target: string;
  readonly outcome:
    | Outcome
    | { readonly kind: 'hang'; readonly ms: number }
    | { readonly kind: 'crash'; readonly error: string };
  readonly ms: number;
}

/** The target a reproducer belongs to, from its file name `<target>-<hash>.bin`. */
export function targetOfReproducer(file: string): string | undefined {
  const name = basename(file);
  return [...TARGETS, ...SELF_TEST_TARGETS]
    .sort((a, b) => b.name.length - a.name.length)
    .find((t) => name.startsWith(`${t.name}-`))?.name;
}

/** Runs one saved input once, in a worker under the watchdog. */
export async function replay(target: string, input: Uint8Array, hangMs: number): Promise<ReplayResult> {
  const tmp = scratchDir();
  const empty: Corpus = { h264: [], h265: [], containers: [], rrd: [], y4m: [] };
  const host = await WorkerHost.start(empty, tmp);
  try {
    const r = await host.exchange({ type: 'replay', target, input }, hangMs, () => {});
    if (r.kind === 'replayed') return { target, outcome: r.outcome, ms: r.ms };
    if (r.kind === 'hang') return { target, outcome: { kind: 'hang', ms: r.ms }, ms: r.ms };
    if (r.kind === 'crash') return { target, outcome: { kind: 'crash', error: r.error }, ms: 0 };
    throw new Error('unexpected answer to a replay');
  } finally {
    await host.terminate();
    rmSync(tmp, { recursive: true, force: true });
  }
}
