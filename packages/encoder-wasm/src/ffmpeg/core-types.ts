/** The Emscripten file-system stream a device callback receives (only what the devices read). */
export interface EmStream {
  readonly node: unknown;
}

/** Callbacks of an Emscripten character device (`FS.registerDevice`). `buffer` is the wasm heap. */
export interface EmDeviceOps {
  open?(stream: EmStream): void;
  close?(stream: EmStream): void;
  read?(stream: EmStream, buffer: Int8Array, offset: number, length: number, position: number): number;
  write?(stream: EmStream, buffer: Int8Array, offset: number, length: number, position: number): number;
}

/** The part of Emscripten's `FS` the encoder uses. */
export interface EmFS {
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: EmDeviceOps): void;
  mkdev(path: string, dev: number): void;
  /** With `canOwn`, MEMFS keeps `data` itself as the file's contents instead of a copy. */
  writeFile(path: string, data: Uint8Array, opts?: { canOwn?: boolean }): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
  analyzePath(path: string): { exists: boolean };
}

/** The `@ffmpeg/core` module object (`createFFmpegCore()`'s result). */
export interface FFmpegCoreModule {
  readonly FS: EmFS;
  exec(...args: string[]): number;
  reset(): void;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
  ret: number;
  /** The wasm exports (minified names). */
  readonly asm: Record<string, unknown>;
}

/** Minified export names of `stackSave`/`stackRestore`, read from the core's JS (they change per build). */
export interface StackExportNames {
  readonly save: string;
  readonly restore: string;
}
