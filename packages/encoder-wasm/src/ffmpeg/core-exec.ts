import type { FfmpegFailure } from '../errors.js';
import type { FFmpegCoreModule, StackExportNames } from './core-types.js';

/** Lines of ffmpeg's log kept for error messages. */
const LOG_TAIL_LINES = 20;

/** The result of one ffmpeg run. */
export interface ExecResult extends FfmpegFailure {}

/**
 * Runs ffmpeg many times on one instantiated `@ffmpeg/core` (any platform): collects the log tail and restores
 * the wasm stack pointer around every `exec`.
 */
export class CoreExec {
  /** The Emscripten module (FS, exec). */
  readonly core: FFmpegCoreModule;
  private readonly stackSave: () => number;
  private readonly stackRestore: (sp: number) => void;
  private log: string[] = [];

  constructor(core: FFmpegCoreModule, stack: StackExportNames) {
    this.core = core;
    this.stackSave = core.asm[stack.save] as () => number;
    this.stackRestore = core.asm[stack.restore] as (sp: number) => void;
    core.setLogger(({ message }) => {
      this.log.push(message);
      if (this.log.length > 2 * LOG_TAIL_LINES) this.log = this.log.slice(-LOG_TAIL_LINES);
    });
  }

  /**
   * Runs ffmpeg once (synchronous: blocks this thread). Every run ends in Emscripten's `abort()`, which never
   * restores the wasm stack pointer; without restoring it here an instance dies with "memory access out of
   * bounds" after ~165 runs (ffmpeg.wasm #820/#563).
   */
  exec(args: readonly string[]): ExecResult {
    this.log = [];
    const sp = this.stackSave();
    let exitCode: number;
    try {
      this.core.reset();
      exitCode = this.core.exec(...args);
    } finally {
      this.stackRestore(sp);
    }
    return { exitCode, logTail: this.log.filter((l) => l !== 'Aborted()').slice(-LOG_TAIL_LINES) };
  }

  /** Removes a MEMFS file if it exists (files persist between runs). */
  unlink(path: string): void {
    if (this.core.FS.analyzePath(path).exists) this.core.FS.unlink(path);
  }
}

/**
 * Instantiates `@ffmpeg/core` with its factory from a module compiled elsewhere (compiled once per thread or
 * process, so no thread compiles the 30 MB wasm again).
 */
export async function instantiateCore(
  factory: (options: Record<string, unknown>) => Promise<unknown>,
  module: WebAssembly.Module,
): Promise<FFmpegCoreModule> {
  return (await factory({
    instantiateWasm(
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      WebAssembly.instantiate(module, imports).then((instance) => done(instance, module));
      return {};
    },
  })) as FFmpegCoreModule;
}
