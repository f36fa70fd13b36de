import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { CamstreamError, errorMessage } from '../errors.js';
import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { STREAM_HEADER } from '../rerun/rrd/stream-header.js';

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Bytes of whole messages gathered before a write (default 1 MiB; 0 writes every message at once). */
  bufferBytes?: number;
  /**
   * Longest a message waits in the buffer before it is written, ms (default 50; `Infinity`: only when the
   * buffer fills, on `flush()` and `close()`). This bounds what a crash (`kill -9`) can lose by time, not by
   * bytes: a slow stream's buffer may take minutes to fill.
   */
  maxDelayMs?: number;
  /**
   * `fsync` after each timed write and on `flush()`/`close()` (default false), so what was written also
   * survives a power loss: at most one `fsync` per `maxDelayMs`. The timed ones run off the main thread (a
   * slow disk does not stall the event loop); `flush()` and `close()` wait for theirs.
   */
  sync?: boolean;
}

/**
 * Writes a recording to an `.rrd` file: StreamHeader, then messages, no footer (decision 0005). Node only
 * (`@camstream/core/node`).
 *
 * Messages are written whole, each write ending on a message boundary, and at most `maxDelayMs` after they
 * arrive (decision 0014), so a process killed at any moment leaves a file that loads up to its last complete
 * message and lacks at most the last `maxDelayMs`; at worst the last message is cut short, which Rerun drops
 * (and `decodeRrd` reports as `rrd-truncated`). Messages are copied into the sink's own buffer as they arrive,
 * so other sinks may do what they like with theirs.
 *
 * A write that fails (a full disk, an I/O error) cuts the file back to its last whole message, closes it and
 * throws a `write-failed` {@link CamstreamError} (its `cause` is the system error, e.g. `code: 'ENOSPC'`); a
 * timed write that fails keeps that error and throws it from the next `write`, `flush` or `close`.
 */
export class FileSink implements Sink {
  readonly path: string;
  #fd: number | undefined;
  readonly #staging: Uint8Array;
  #staged = 0;
  /** End offset in the staging buffer of each staged message, to cut a partial write back to a boundary. */
  #ends: number[] = [];
  readonly #sync: boolean;
  readonly #maxDelayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unsynced = false;
  /** Whether a timed `fsync` runs (on libuv's thread pool). */
  #syncing = false;
  #failure: CamstreamError | undefined;
  #failureThrown = false;
  /** Bytes written to the file so far (after a failed write: what the file was cut back to). */
  bytesWritten = 0;

  /**
   * Creates (or truncates) `path` and writes the stream header.
   * @throws the system error of `open` or `write` (e.g. `ENOENT`, `EACCES`, `ENOSPC`).
   * @throws {CamstreamError} `invalid-argument` for a negative or NaN `maxDelayMs`.
   */
  constructor(path: string, options: FileSinkOptions = {}) {
    const maxDelayMs = options.maxDelayMs ?? 50;
    if (!(maxDelayMs >= 0)) {
      throw new CamstreamError('invalid-argument', `FileSink: maxDelayMs must be ≥ 0, got ${maxDelayMs}`);
    }
    this.path = path;
    this.#staging = new Uint8Array(Math.max(0, options.bufferBytes ?? 1 << 20));
    this.#sync = options.sync ?? false;
    this.#maxDelayMs = maxDelayMs;
    this.#fd = openSync(path, 'w');
    try {
      writeAllSync(this.#fd, STREAM_HEADER);
    } catch (error) {
      closeSync(this.#fd);
      this.#fd = undefined;
      throw error;
    }
    this.bytesWritten = STREAM_HEADER.byteLength;
  }

  /** @throws {CamstreamError} `write-failed` (the file could not be written), `sink-closed` after `close()`. */
  write(message: EncodedMessage): void {
    this.#throwFailure();
    if (this.#fd === undefined) {
      throw new CamstreamError('sink-closed', `cannot write to ${this.path}: the FileSink is closed`);
    }
    const bytes = message.bytes;
    if (this.#staged + bytes.byteLength > this.#staging.byteLength) {
      this.#writeStaged();
      this.#throwFailure();
    }
    if (bytes.byteLength > this.#staging.byteLength) {
      this.#write(bytes, [bytes.byteLength]);
      this.#throwFailure();
      // With sync, the timer's fsync covers this write too.
      if (this.#sync) this.#arm();
      return;
    }
    this.#staging.set(bytes, this.#staged);
    this.#staged += bytes.byteLength;
    this.#ends.push(this.#staged);
    this.#arm();
  }

  /** Writes what is staged (and `fsync`s with `sync`). @throws {CamstreamError} `write-failed`. */
  flush(): void {
    this.#throwFailure();
    if (this.#fd === undefined) return;
    this.#writeStaged();
    this.#syncIfAsked();
    this.#throwFailure();
  }

  /**
   * Flushes and closes the file. Idempotent.
   * @throws {CamstreamError} `write-failed` when the last write failed, or a timed write failed and no call
   * has reported it yet.
   */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#failure !== undefined) {
      if (this.#failureThrown) return;
      this.#throwFailure();
    }
    if (this.#fd === undefined) return;
    this.flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Starts the delay timer unless it runs; unref'd, so it never keeps a process alive. */
  #arm(): void {
    if (this.#timer !== undefined || !Number.isFinite(this.#maxDelayMs)) return;
    this.#timer = setTimeout(() => this.#onTimer(), this.#maxDelayMs);
    this.#timer.unref?.();
  }

  /** The delay timer: a failure is kept for the next call, never thrown from here. */
  #onTimer(): void {
    this.#timer = undefined;
    if (this.#fd === undefined || this.#failure !== undefined) return;
    this.#writeStaged();
    this.#syncInBackground();
  }

  /** The timer's `fsync`, on libuv's thread pool: a slow disk must not stall live viewers and the encoder. */
  #syncInBackground(): void {
    if (!this.#sync || !this.#unsynced || this.#syncing || this.#fd === undefined) return;
    const fd = this.#fd;
    this.#syncing = true;
    this.#unsynced = false;
    fsync(fd, (error) => {
      this.#syncing = false;
      if (this.#fd !== fd || this.#failure !== undefined) return; // closed meanwhile
      if (error !== null) this.#fail(error, this.bytesWritten);
      else if (this.#unsynced) this.#arm(); // written meanwhile: the next tick syncs it
    });
  }

  /** `fsync` now (`flush()`, `close()`): also when a timed one runs, which may have started before a write. */
  #syncIfAsked(): void {
    if (!this.#sync || this.#fd === undefined || (!this.#unsynced && !this.#syncing)) return;
    try {
      fsyncSync(this.#fd);
      this.#unsynced = false;
    } catch (error) {
      this.#fail(error, this.bytesWritten);
    }
  }

  #writeStaged(): void {
    if (this.#staged === 0) return;
    const ends = this.#ends;
    const bytes = this.#staging.subarray(0, this.#staged);
    this.#staged = 0;
    this.#ends = [];
    this.#write(bytes, ends);
  }

  /** Writes whole messages (`ends`: each one's end offset in `bytes`); on failure, cuts back to a boundary. */
  #write(bytes: Uint8Array, ends: readonly number[]): void {
    const fd = this.#fd;
    if (fd === undefined || this.#failure !== undefined) return;
    let done = 0;
    try {
      while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
    } catch (error) {
      let whole = 0;
      for (const end of ends) if (end <= done) whole = end;
      this.#fail(error, this.bytesWritten + whole);
      return;
    }
    this.bytesWritten += bytes.byteLength;
    this.#unsynced = true;
  }

  /** Cuts the file back to `keep` bytes (a message boundary), closes it and keeps the error for the caller. */
  #fail(error: unknown, keep: number): void {
    const fd = this.#fd!;
    this.#fd = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#staged = 0;
    this.#ends = [];
    let cut = true;
    try {
      ftruncateSync(fd, keep);
      this.bytesWritten = keep;
    } catch {
      cut = false;
    }
    try {
      closeSync(fd);
    } catch {
      // the descriptor is gone either way
    }
    const why = errorMessage(error);
    this.#failure = new CamstreamError(
      'write-failed',
      cut
        ? `cannot write ${this.path}: ${why}; the file was cut back to its last whole message (${keep} bytes), which loads`
        : `cannot write ${this.path}: ${why}; the file could not be cut back and may end in a partial message`,
      { cause: error },
    );
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return;
    this.#failureThrown = true;
    throw this.#failure;
  }
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}
