import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { STREAM_HEADER, STREAM_HEADER_LENGTH } from '../rerun/rrd/stream-header.js';

/**
 * Keeps a recording in memory. Writing only keeps a reference to each message (no copy on the logging path);
 * {@link MemorySink.bytes} joins them into one complete RRD stream when asked, once per change.
 */
export class MemorySink implements Sink {
  #messages: Uint8Array[] = [];
  #length = STREAM_HEADER_LENGTH;
  #joined: Uint8Array | undefined;

  write(message: EncodedMessage): void {
    this.#messages.push(message.bytes);
    this.#length += message.bytes.byteLength;
    this.#joined = undefined;
  }

  flush(): void {}

  close(): void {}

  /** Number of messages written. */
  get messageCount(): number {
    return this.#messages.length;
  }

  /** The messages written so far, each MessageHeader + payload, in order (no stream header). */
  messages(): readonly Uint8Array[] {
    return this.#messages;
  }

  /** The recording so far as one complete RRD stream. */
  bytes(): Uint8Array {
    if (this.#joined !== undefined) return this.#joined;
    const out = new Uint8Array(this.#length);
    out.set(STREAM_HEADER, 0);
    let at = STREAM_HEADER_LENGTH;
    for (const m of this.#messages) {
      out.set(m, at);
      at += m.byteLength;
    }
    this.#joined = out;
    return out;
  }

  /** Size of {@link MemorySink.bytes}, stream header included. */
  get byteLength(): number {
    return this.#length;
  }

  /** Forgets everything written (the next {@link MemorySink.bytes} is a bare stream header). */
  clear(): void {
    this.#messages = [];
    this.#length = STREAM_HEADER_LENGTH;
    this.#joined = undefined;
  }
}
