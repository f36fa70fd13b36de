/**
 * The fuzz worker: runs one target's inputs in a tight loop. Before each input it copies the bytes into
 * shared memory and stamps the start time, so the main thread's watchdog can stop a hung input and still
 * save it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { classify, type Outcome } from './classify.js';
import { nextInput } from './mutate.js';
import {
  CONTROL,
  type FailureMessage,
  type FromWorker,
  type TargetStats,
  type ToWorker,
} from './protocol.js';
import { Rng } from './rng.js';
import type { Corpus } from './seeds.js';
import { type Harness, targetByName } from './targets.js';

const data = workerData as {
  corpus: Corpus;
  tmp: string;
  control: SharedArrayBuffer;
  input: SharedArrayBuffer;
};
const control = new Int32Array(data.control, 0, CONTROL.ints);
const startedAt = new Float64Array(data.control, CONTROL.timeOffset, 1);
const inputCopy = new Uint8Array(data.input);
const port = parentPort as NonNullable<typeof parentPort>;
const harnesses = new Map<string, Harness>();

function post(message: FromWorker): void {
  port.postMessage(message);
}

async function harnessFor(name: string): Promise<Harness> {
  let harness = harnesses.get(name);
  if (harness === undefined) {
    const target = targetByName(name);
    if (target === undefined) throw new Error(`unknown target ${name}`);
    harness = await target.load(data.tmp);
    harnesses.set(name, harness);
  }
  return harness;
}

function begin(input: Uint8Array): void {
  const n = Math.min(input.length, inputCopy.length);
  inputCopy.set(n === input.length ? input : input.subarray(0, n));
  control[CONTROL.length] = n;
  startedAt[0] = Date.now();
  Atomics.store(control, CONTROL.running, 1);
}

function finish(): void {
  Atomics.store(control, CONTROL.running, 0);
}

const OK: Outcome = { kind: 'ok' };

/** Runs one input; synchronous targets stay synchronous (no promise per input). */
function runOne(harness: Harness, input: Uint8Array): Outcome | Promise<Outcome> {
  begin(input);
  let result: void | Promise<void>;
  try {
    result = harness.run(input);
  } catch (error) {
    finish();
    return classify(error, harness.typed);
  }
  if (result === undefined) {
    finish();
    return OK;
  }
  return result.then(
    () => {
      finish();
      return OK;
    },
    (error: unknown) => {
      finish();
      return classify(error, harness.typed);
    },
  );
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const harness = await harnessFor(message.target);
  const seeds = harness.seeds(data.corpus);
  const rng = new Rng(message.seed);
  const stats: TargetStats = {
    inputs: 0,
    typed: 0,
    untyped: 0,
    bytes: 0,
    elapsedMs: 0,
    codes: {},
    seeds: seeds.length,
  };
  const signatures = new Set<string>();
  const t0 = performance.now();
  const deadline = t0 + message.ms;
  control[CONTROL.inputs] = 0;
  control[CONTROL.typed] = 0;
  control[CONTROL.untyped] = 0;
  while (stats.inputs < message.count) {
    if ((stats.inputs & 7) === 0 && performance.now() >= deadline) break;
    const input = nextInput(rng, seeds, harness.hints);
    if (harness.prepare) await harness.prepare();
    let outcome = runOne(harness, input);
    if (outcome instanceof Promise) outcome = await outcome;
    stats.inputs++;
    stats.bytes += input.length;
    if (outcome.kind === 'typed') {
      stats.typed++;
      stats.codes[outcome.code] = (stats.codes[outcome.code] ?? 0) + 1;
    } else if (outcome.kind === 'untyped') {
      stats.untyped++;
      if (!signatures.has(outcome.signature)) {
        signatures.add(outcome.signature);
        const failure: FailureMessage = {
          type: 'failure',
          target: message.target,
          description: outcome.description,
          signature: outcome.signature,
          stack: outcome.stack,
          input: input.slice(),
        };
        post(failure);
      }
    }
    control[CONTROL.inputs] = stats.inputs;
    control[CONTROL.typed] = stats.typed;
    control[CONTROL.untyped] = stats.untyped;
  }
  stats.elapsedMs = performance.now() - t0;
  harness.close?.();
  harnesses.delete(message.target);
  post({ type: 'done', target: message.target, stats });
}

async function replay(message: Extract<ToWorker, { type: 'replay' }>): Promise<void> {
  const harness = await harnessFor(message.target);
  if (harness.prepare) await harness.prepare();
  const t0 = performance.now();
  let outcome = runOne(harness, message.input);
  if (outcome instanceof Promise) outcome = await outcome;
  const ms = performance.now() - t0;
  harness.close?.();
  harnesses.delete(message.target);
  post({ type: 'replayed', target: message.target, outcome, ms });
}

port.on('message', (message: ToWorker) => {
  const job = message.type === 'run' ? run(message) : replay(message);
  job.catch((error: unknown) => {
    post({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
post({ type: 'ready' });
