import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** How to start one of this package's worker entry points (decision 0007). */
export interface WorkerEntry {
  /** What to pass as `new Worker(…)`'s first argument (a module URL, or a bootstrap script with `eval`). */
  readonly filename: URL | string;
  /** Whether `filename` is a script to evaluate rather than a file. */
  readonly eval: boolean;
  /** `execArgv` the worker needs. */
  readonly execArgv: readonly string[];
}

/**
 * Where a worker entry lives. Built (tsdown), this module is inside `dist/index.js` and the entries sit beside it
 * as `dist/<name>.js`: loaded as they are. From sources (vitest, tsx, the `@camstream/source` condition) it is
 * `src/worker/entry.ts` and the entries are `src/worker/<name>.ts`: Node 20 cannot strip types and vitest does
 * not transform worker threads, and on Node 20 `--import tsx` in a worker's `execArgv` does not reach the
 * worker's own entry module, so a two-line bootstrap registers tsx in the worker and then imports the entry,
 * with the source condition so workspace packages resolve to `src` too.
 */
export function workerEntry(name: 'live-worker' | 'batch-worker' | 'decode-worker'): WorkerEntry {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: new URL(`./${name}.js`, here), eval: false, execArgv: [] };
  // tsx's ESM API (its CJS build cannot register ESM hooks from an eval'd worker script).
  const tsxApi = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL(`./${name}.ts`, here).href;
  return {
    filename: `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
    execArgv: ['--conditions=@camstream/source'],
  };
}

/** A worker module for piscina: its file URL, the `execArgv` and `workerData` its threads need (decision 0007). */
export interface PoolEntry {
  readonly filename: string;
  readonly execArgv: readonly string[];
  readonly workerData: { readonly entry: string } | undefined;
}

/**
 * The batch worker for piscina. From sources, piscina's threads load `dev-bootstrap.mjs` (plain JS), which
 * registers tsx and imports the TypeScript entry: `--import tsx` in `execArgv` does not reach modules a Node 20
 * worker imports.
 */
export function poolEntry(name: 'batch-worker'): PoolEntry {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return { filename: new URL(`./${name}.js`, here).href, execArgv: [], workerData: undefined };
  return {
    filename: new URL('./dev-bootstrap.mjs', here).href,
    execArgv: ['--conditions=@camstream/source'],
    workerData: { entry: new URL(`./${name}.ts`, here).href },
  };
}
