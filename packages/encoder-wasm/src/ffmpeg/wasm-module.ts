import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { StackExportNames } from './core-types.js';
import { freeBytes } from './free-buffer.js';
import { findStackExports } from './stack-exports.js';

export { findStackExports };

const require = createRequire(import.meta.url);

/** What every worker needs to start an ffmpeg core without compiling or parsing anything again. */
export interface CoreAssets {
  /** ffmpeg-core.wasm compiled once in this thread; workers instantiate it (structured-cloned, code shared). */
  readonly module: WebAssembly.Module;
  readonly stack: StackExportNames;
}

let assets: Promise<CoreAssets> | undefined;

/**
 * Compiles `@ffmpeg/core`'s wasm once per process and finds its stack-pointer exports. Cached: every encoder
 * and pool shares the result (worker start-up ~0.1 s instead of ~0.5 s, JIT-warmed code shared).
 */
export function loadCoreAssets(): Promise<CoreAssets> {
  assets ??= (async () => {
    const wasmPath = require.resolve('@ffmpeg/core/wasm');
    const jsPath = require.resolve('@ffmpeg/core');
    const [wasm, js] = await Promise.all([readFile(wasmPath), readFile(jsPath, 'utf8')]);
    const module = await WebAssembly.compile(wasm);
    // The module keeps its own copy of the bytes; the 31 MB read from disk would otherwise wait for a GC.
    freeBytes(wasm);
    return { module, stack: findStackExports(js) };
  })();
  assets.catch(() => {
    assets = undefined;
  });
  return assets;
}
