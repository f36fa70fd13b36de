/**
 * `pnpm fuzz [--seconds N | --count N] [--target NAME ...] [--seed N] [--jobs N]` and `pnpm fuzz --replay FILE`.
 * Exit code 1 on any untyped failure or hang, 2 on bad flags.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, writeFuzzResults } from './src/report.js';
import { DEFAULT_HANG_MS, fuzz, replay, targetOfReproducer } from './src/runner.js';
import { makeCorpus } from './src/seeds.js';
import { TARGETS, targetByName } from './src/targets.js';

/** Default length of a run: long enough for well over 10^6 inputs on a 2-core machine. */
const DEFAULT_SECONDS = 120;
const CRASH_DIR = join(import.meta.dirname, 'crashes');

const usage = `usage: pnpm fuzz [--seconds N | --count N] [--target NAME ...] [--seed N] [--jobs N]
       pnpm fuzz --replay FILE [--target NAME]

  --seconds N   wall-clock budget of the whole run, shared by the targets (default ${DEFAULT_SECONDS})
  --count N     inputs per target instead
  --target NAME fuzz only this target (repeatable); one of:
                ${TARGETS.map((t) => t.name).join(', ')}
  --seed N      seed of the input generators (default 1): the same seed gives the same inputs
  --jobs N      worker threads side by side (default: the number of CPUs, at most 2)
  --hang-ms N   an input running longer is a hang (default ${DEFAULT_HANG_MS})
  --replay FILE run one saved reproducer (fuzz/crashes/<target>-<hash>.bin) and show what it does`;

function fail(message: string): never {
  console.error(`fuzz: ${message}\n\n${usage}`);
  process.exit(2);
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) fail(`--${flag} ${value} is not a positive integer`);
  return n;
}

let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
const options = {
  seconds: { type: 'string' },
  count: { type: 'string' },
  target: { type: 'string', multiple: true },
  seed: { type: 'string' },
  jobs: { type: 'string' },
  'hang-ms': { type: 'string' },
  replay: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
try {
  parsed = parseArgs({ options, args: process.argv.slice(2).filter((a) => a !== '--') });
} catch (error) {
  fail((error as Error).message);
}
const flags = parsed.values;
if (flags.help) {
  console.log(usage);
  process.exit(0);
}
for (const name of flags.target ?? []) {
  if (targetByName(name) === undefined) fail(`unknown target ${name}`);
}
const hangMs = positiveInt('hang-ms', flags['hang-ms']) ?? DEFAULT_HANG_MS;

if (flags.replay !== undefined) {
  // pnpm runs the script inside fuzz/: a relative path is the caller's.
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), flags.replay);
  const target = flags.target?.[0] ?? targetOfReproducer(file);
  if (target === undefined) fail(`cannot tell the target from ${file}; add --target NAME`);
  let input: Uint8Array;
  try {
    input = new Uint8Array(readFileSync(file));
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const r = await replay(target, input, hangMs);
  const o = r.outcome;
  if (o.kind === 'ok') console.log(`${target}: ok (${r.ms.toFixed(1)} ms): the input is accepted`);
  else if (o.kind === 'typed') console.log(`${target}: typed error ${o.code} (${r.ms.toFixed(1)} ms)`);
  else if (o.kind === 'untyped') console.log(`${target}: UNTYPED FAILURE: ${o.description}\n\n${o.stack}`);
  else if (o.kind === 'hang') console.log(`${target}: HANG: still running after ${o.ms} ms`);
  else console.log(`${target}: WORKER DIED: ${o.error}`);
  process.exit(o.kind === 'ok' || o.kind === 'typed' ? 0 : 1);
}

const seconds = positiveInt('seconds', flags.seconds);
const count = positiveInt('count', flags.count);
if (seconds !== undefined && count !== undefined) fail('give --seconds or --count, not both');
const seed = flags.seed === undefined ? 1 : Number(flags.seed);
if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed ${flags.seed} is not a non-negative integer`);
const jobs = positiveInt('jobs', flags.jobs) ?? Math.min(2, availableParallelism());
const targets = flags.target ?? TARGETS.map((t) => t.name);

const started = new Date();
console.log(`fuzz: making seeds (ffmpeg, RecordingStream, test pattern)…`);
const seedStart = performance.now();
const corpus = await makeCorpus();
const seedMs = performance.now() - seedStart;
const budget = count !== undefined ? `${count} inputs per target` : `${seconds ?? DEFAULT_SECONDS} s`;
console.log(`fuzz: ${targets.length} targets, ${budget}, seed ${seed}, ${jobs} job(s)`);
const result = await fuzz({
  targets,
  ...(count !== undefined ? { count } : { seconds: seconds ?? DEFAULT_SECONDS }),
  seed,
  jobs,
  hangMs,
  crashDir: CRASH_DIR,
  corpus,
  log: (line) => console.log(line),
});
console.log(`\n${formatTable(result)}`);
for (const stall of result.stalls) console.log(`note: ${stall}`);
if (result.failures.length > 0) {
  console.log('\nfailures (replay with: pnpm fuzz --replay FILE):');
  for (const f of result.failures)
    console.log(`  ${f.target}: ${f.kind}: ${f.description}${f.file ? `\n    ${f.file}` : ''}`);
}
// A run of every target is the recorded one.
if (flags.target === undefined) {
  const files = writeFuzzResults(result, { started, seed, jobs, seedMs, budget, hangMs });
  console.log(`\nresults: ${files.join(', ')}`);
}
process.exit(result.failures.length > 0 ? 1 : 0);
