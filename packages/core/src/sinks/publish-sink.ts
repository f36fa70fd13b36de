import type { EncodedMessage, Sink } from '../model/pipeline.js';

/**
 * Bytes on a plain `ArrayBuffer` (not a `SharedArrayBuffer`, which `WebSocket.send` refuses); spelled without
 * `Uint8Array<ArrayBuffer>` so it reads the same under TypeScript 5.4 and 6.
 */
export type ArrayBufferBytes = Uint8Array & { readonly buffer: ArrayBuffer };

/** The part of the WebSocket API {@link publishSink} uses (the browser's `WebSocket` and `ws` both have it). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: ArrayBufferBytes): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** A WebSocket class: `globalThis.WebSocket` in browsers, `ws`'s `WebSocket` in Node 20. */
export type WebSocketClass = new (url: string) => WebSocketLike;

/** Options of {@link publishSink}. */
export interface PublishSinkOptions {
  /** The WebSocket implementation (injected: Node 20 has none built in). */
  readonly WebSocket: WebSocketClass;
  /** Wait between connection attempts (default 500 ms). */
  readonly retryIntervalMs?: number;
  /** Temporal bytes held while not connected (default 32 MiB); past it the oldest whole GOPs go. */
  readonly maxBufferedBytes?: number;
  /** How long `close()` waits for buffered data to go out (default 5 s). */
  readonly closeTimeoutMs?: number;
}

const OPEN = 1;

/**
 * A core {@link Sink} that publishes to the camstream server's WebSocket endpoint: every message goes out as
 * one complete one-message RRD stream (`EncodedMessage.asStream()`, zero-copy). Store info, blueprint and
 * static chunks are re-sent after a reconnect; temporal data waits in a bounded buffer (oldest GOPs dropped,
 * counted in {@link PublishSink.dropped}).
 */
export class PublishSink implements Sink {
  readonly #url: string;
  readonly #options: PublishSinkOptions;
  readonly #kept: EncodedMessage[] = [];
  #pending: EncodedMessage[] = [];
  #pendingBytes = 0;
  #socket: WebSocketLike | undefined;
  #closing = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Messages dropped because the buffer was full. */
  dropped = 0;
  /** Messages sent. */
  sent = 0;

  constructor(url: string, options: PublishSinkOptions) {
    this.#url = url;
    this.#options = options;
    this.#connect();
  }

  write(message: EncodedMessage): void {
    if (this.#closing) return;
    const keep = message.kind !== 'arrow_msg' || message.isStatic || message.storeId.kind === 'blueprint';
    if (keep) this.#kept.push(message);
    if (this.#socket?.readyState === OPEN) {
      this.#send(message);
      return;
    }
    if (keep) return; // sent on open with the rest of the kept messages
    this.#pending.push(message);
    this.#pendingBytes += message.payload.byteLength;
    const max = this.#options.maxBufferedBytes ?? 32 * 2 ** 20;
    while (this.#pendingBytes > max && this.#pending.length > 0) {
      let end = this.#pending.findIndex((m, i) => i > 0 && m.hasKeyframe);
      if (end < 0) end = this.#pending.length;
      for (const m of this.#pending.splice(0, end)) this.#pendingBytes -= m.payload.byteLength;
      this.dropped += end;
    }
  }

  /** Resolves when the socket's send buffer has drained (or it is not connected). */
  async flush(): Promise<void> {
    const deadline = Date.now() + (this.#options.closeTimeoutMs ?? 5_000);
    while (Date.now() < deadline) {
      const s = this.#socket;
      if (s === undefined || s.readyState !== OPEN) return;
      if (s.bufferedAmount === 0 && this.#pending.length === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for what is buffered to go out (a connection being made included), then closes the socket. */
  async close(): Promise<void> {
    if (this.#closing) return;
    const deadline = Date.now() + (this.#options.closeTimeoutMs ?? 5_000);
    while (Date.now() < deadline && this.#pending.length > 0 && this.#socket?.readyState !== OPEN)
      await new Promise((r) => setTimeout(r, 10));
    await this.flush();
    this.#closing = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#socket?.close(1000, 'done');
  }

  #send(message: EncodedMessage): void {
    // The core allocates its buffers itself, never on a SharedArrayBuffer, which WebSocket.send refuses.
    this.#socket?.send(message.asStream() as ArrayBufferBytes);
    this.sent++;
  }

  #connect(): void {
    if (this.#closing) return;
    const socket = new this.#options.WebSocket(this.#url);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onopen = () => {
      for (const m of this.#kept) this.#send(m);
      const pending = this.#pending;
      this.#pending = [];
      this.#pendingBytes = 0;
      for (const m of pending) this.#send(m);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.#socket !== socket || this.#closing) return;
      this.#socket = undefined;
      this.#retry = setTimeout(() => this.#connect(), this.#options.retryIntervalMs ?? 500);
    };
  }
}

/** A {@link PublishSink} to `url` (`ws://HOST:PORT/publish`) using the injected WebSocket class. */
export function publishSink(url: string, options: PublishSinkOptions): PublishSink {
  return new PublishSink(url, options);
}
