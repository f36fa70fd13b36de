import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CamstreamError } from '../errors.js';
import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { STREAM_HEADER } from '../rerun/rrd/stream-header.js';

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Bytes of whole messages gathered before a write (default 1 MiB; 0 writes every message at once). */
  bufferBytes?: number;
  /** `fsync` on `flush()` and `close()` (default false). */
  sync?: boolean;
}

/**
 * Writes a recording to an `.rrd` file: StreamHeader, then messages, no footer (decision 0005). Node only
 * (`@camstream/core/node`).
 *
 * Messages are written whole, each write ending on a message boundary, so a process killed at any moment
 * leaves a file that loads up to its last complete message; at worst the last message is cut short, which
 * Rerun drops (and `decodeRrd` reports as `rrd-truncated`). Messages are copied into the sink's own buffer
 * as they arrive, so other sinks may do what they like with theirs.
 */
export class FileSink implements Sink {
  readonly path: string;
  #fd: number | undefined;
  readonly #staging: Uint8Array;
  #staged = 0;
  readonly #sync: boolean;
  #unsynced = false;
  /** Bytes written to the file so far. */
  bytesWritten = 0;

  constructor(path: string, options: FileSinkOptions = {}) {
    this.path = path;
    this.#staging = new Uint8Array(Math.max(0, options.bufferBytes ?? 1 << 20));
    this.#sync = options.sync ?? false;
    this.#fd = openSync(path, 'w');
    this.#writeAll(STREAM_HEADER);
  }

  write(message: EncodedMessage): void {
    if (this.#fd === undefined) {
      throw new CamstreamError('sink-closed', `cannot write to ${this.path}: the FileSink is closed`);
    }
    const bytes = message.bytes;
    if (this.#staged + bytes.byteLength > this.#staging.byteLength) this.#writeStaged();
    if (bytes.byteLength > this.#staging.byteLength) {
      this.#writeAll(bytes);
      return;
    }
    this.#staging.set(bytes, this.#staged);
    this.#staged += bytes.byteLength;
  }

  flush(): void {
    if (this.#fd === undefined) return;
    this.#writeStaged();
    if (this.#sync && this.#unsynced) {
      fsyncSync(this.#fd);
      this.#unsynced = false;
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #writeStaged(): void {
    if (this.#staged === 0) return;
    this.#writeAll(this.#staging.subarray(0, this.#staged));
    this.#staged = 0;
  }

  #writeAll(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.#fd!, bytes, done, bytes.byteLength - done);
    this.bytesWritten += bytes.byteLength;
    this.#unsynced = true;
  }
}
