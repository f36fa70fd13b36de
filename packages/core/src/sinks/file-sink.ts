import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { STREAM_HEADER } from '../rerun/rrd/stream-header.js';

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /**
   * Bytes of whole messages held before a write (default 1 MiB; 0 writes every message at once). Only
   * whole messages are ever written, so a process killed at any moment leaves a loadable file that ends at
   * its last whole message.
   */
  bufferBytes?: number;
  /** `fsync` on `flush()` (default false). */
  sync?: boolean;
}

/**
 * Writes a recording to an `.rrd` file: StreamHeader, then whole messages, no footer (decision 0005).
 * Node only (`@camstream/core/node`).
 */
export class FileSink implements Sink {
  readonly path: string;
  #fd: number | undefined;
  readonly #bufferBytes: number;
  readonly #sync: boolean;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  /** Bytes written to the file so far. */
  bytesWritten = 0;

  constructor(path: string, options: FileSinkOptions = {}) {
    this.path = path;
    this.#bufferBytes = options.bufferBytes ?? 1 << 20;
    this.#sync = options.sync ?? false;
    this.#fd = openSync(path, 'w');
    this.#writeAll(STREAM_HEADER);
  }

  write(message: EncodedMessage): void {
    if (this.#fd === undefined) throw new Error(`FileSink(${this.path}) is closed`);
    if (this.#bufferBytes === 0 || message.bytes.byteLength >= this.#bufferBytes) {
      this.flush();
      this.#writeAll(message.bytes);
      return;
    }
    this.#held.push(message.bytes);
    this.#heldBytes += message.bytes.byteLength;
    if (this.#heldBytes >= this.#bufferBytes) this.flush();
  }

  flush(): void {
    if (this.#fd === undefined || this.#held.length === 0) return;
    const out = new Uint8Array(this.#heldBytes);
    let at = 0;
    for (const bytes of this.#held) {
      out.set(bytes, at);
      at += bytes.byteLength;
    }
    this.#held = [];
    this.#heldBytes = 0;
    this.#writeAll(out);
    if (this.#sync) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #writeAll(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.#fd!, bytes, done, bytes.byteLength - done);
    this.bytesWritten += bytes.byteLength;
  }
}
