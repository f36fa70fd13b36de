import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { STREAM_HEADER, STREAM_HEADER_LENGTH } from '../rerun/rrd/stream-header.js';

/**
 * Collects a recording as one RRD stream in memory (a growable buffer: amortised one copy per message).
 * `bytes()` is a complete stream at any moment.
 */
export class MemorySink implements Sink {
  #buffer: Uint8Array;
  #length = STREAM_HEADER_LENGTH;
  /** Number of messages written. */
  messageCount = 0;

  /** @param initialCapacity bytes to reserve up front (grows by doubling). */
  constructor(initialCapacity = 1 << 20) {
    this.#buffer = new Uint8Array(Math.max(initialCapacity, 64));
    this.#buffer.set(STREAM_HEADER, 0);
  }

  write(message: EncodedMessage): void {
    const bytes = message.bytes;
    const needed = this.#length + bytes.byteLength;
    if (needed > this.#buffer.byteLength) {
      let capacity = this.#buffer.byteLength * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.#buffer.subarray(0, this.#length), 0);
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#length);
    this.#length = needed;
    this.messageCount++;
  }

  flush(): void {}

  close(): void {}

  /** The recording so far as a complete RRD stream (a view; copy it to keep it past further writes). */
  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Bytes written so far, stream header included. */
  get byteLength(): number {
    return this.#length;
  }
}
