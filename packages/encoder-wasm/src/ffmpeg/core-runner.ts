import createFFmpegCore from '@ffmpeg/core';
import { CoreExec, type ExecResult, instantiateCore } from './core-exec.js';
import type { StackExportNames } from './core-types.js';

export type { ExecResult };

/**
 * One `@ffmpeg/core` instance in this Node thread, with the three things it needs to run in Node and to run many
 * times: the `self` shim, the shared compiled module, and the stack pointer restored around every `exec`
 * ({@link CoreExec}).
 */
export class CoreRunner extends CoreExec {
  /** Instantiates the core from a module compiled elsewhere (see `loadCoreAssets`). */
  static async create(module: WebAssembly.Module, stack: StackExportNames): Promise<CoreRunner> {
    // The core is built for browser workers and reads self.location.href while its factory runs.
    const g = globalThis as { self?: unknown };
    g.self ??= { location: { href: import.meta.url } };
    return new CoreRunner(await instantiateCore(createFFmpegCore, module), stack);
  }
}
