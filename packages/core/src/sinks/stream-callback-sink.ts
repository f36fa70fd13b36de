import type { EncodedMessage, Sink } from '../model/pipeline.js';
import type { BatchingPolicy } from '../recording/batching.js';
import { concatStream } from '../rerun/rrd/encode.js';

/** When a {@link StreamCallbackSink} hands bytes over. */
export type StreamCallbackMode = 'per-message' | 'on-flush';

/**
 * Hands complete RRD streams to a callback: what the web viewer's `LogChannel.send_rrd` needs (every call
 * decoded on its own, so every call starts with `RRF2` and holds whole messages).
 *
 * - `per-message` (default, live): one call per message, as soon as it is logged; zero-copy.
 * - `on-flush`: messages are held and handed over as one stream on `flush()`/`close()`.
 *
 * `batching` is how the recording batches what it writes here ({@link Sink.batching}; default: the
 * recording's policy).
 */
export class StreamCallbackSink implements Sink {
  readonly #callback: (rrd: Uint8Array, messages: readonly EncodedMessage[]) => void;
  readonly #mode: StreamCallbackMode;
  /** How the recording batches what it writes here, when given. */
  readonly batching?: BatchingPolicy;
  #held: EncodedMessage[] = [];

  constructor(
    callback: (rrd: Uint8Array, messages: readonly EncodedMessage[]) => void,
    options: { mode?: StreamCallbackMode; batching?: BatchingPolicy } = {},
  ) {
    this.#callback = callback;
    this.#mode = options.mode ?? 'per-message';
    if (options.batching !== undefined) this.batching = options.batching;
  }

  write(message: EncodedMessage): void {
    if (this.#mode === 'per-message') this.#callback(message.asStream(), [message]);
    else this.#held.push(message);
  }

  flush(): void {
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#callback(concatStream(held), held);
  }

  close(): void {
    this.flush();
  }
}
