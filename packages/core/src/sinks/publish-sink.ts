import { CamstreamError } from '../errors.js';
import type { EncodedMessage, Sink } from '../model/pipeline.js';
import { type BatchingPolicy, VIEWER_BATCHING } from '../recording/batching.js';

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
  /**
   * The sink gives up (fails with `peer-unreachable`) once the server has been unreachable this long **and**
   * its buffer overflowed meanwhile (whole GOPs were dropped), ms (default 60 s). A server that restarts
   * within that time, or a short outage the buffer covers, loses nothing.
   */
  readonly giveUpAfterMs?: number;
  /**
   * How the recording batches what this sink publishes (its {@link Sink.batching}). Default
   * {@link VIEWER_BATCHING} (100 ms), which keeps the server's hosted page live on a machine without a GPU;
   * `IMMEDIATE` sends each frame at once.
   */
  readonly batching?: BatchingPolicy;
}

const OPEN = 1;

/** Close codes with which a server refuses what it was sent: retrying would not help. */
const REFUSED = new Map([
  [1003, 'it does not take this kind of data'],
  [1007, 'it could not read a message'],
  [1008, 'policy violation'],
  [1009, 'a message was too big'],
]);

/**
 * A core {@link Sink} that publishes to the camstream server's WebSocket endpoint: every message goes out as
 * one complete one-message RRD stream (`EncodedMessage.asStream()`, zero-copy). Store info, blueprint and
 * static chunks are re-sent after a reconnect; temporal data waits in a bounded buffer (oldest GOPs dropped,
 * counted in {@link PublishSink.dropped}).
 *
 * It fails (decision 0014) with a {@link CamstreamError} thrown from its next call when the server refuses
 * the recording (`peer-refused`: a 401/403 on the upgrade, or a close code 1003/1007/1008/1009), when the
 * server stays unreachable (`peer-unreachable`, see {@link PublishSinkOptions.giveUpAfterMs}), and from
 * `close()` when what was buffered could not be sent within `closeTimeoutMs`. Socket events never throw.
 */
export class PublishSink implements Sink {
  /** How the recording batches what this sink publishes ({@link PublishSinkOptions.batching}). */
  readonly batching: BatchingPolicy;
  readonly #url: string;
  readonly #options: PublishSinkOptions;
  readonly #kept: EncodedMessage[] = [];
  #pending: EncodedMessage[] = [];
  #pendingBytes = 0;
  #socket: WebSocketLike | undefined;
  #closing = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** When the server became unreachable (the first failed connection since the last open one). */
  #downSince: number | undefined;
  #droppedWhileDown = 0;
  /** Why the last connection failed, from its error event (a refused upgrade shows only there). */
  #lastError: string | undefined;
  #failure: CamstreamError | undefined;
  #failureThrown = false;
  /** Whether a connection was ever open (else the server got nothing, not even the store info). */
  #opened = false;
  /** Messages dropped because the buffer was full. */
  dropped = 0;
  /** Messages sent. */
  sent = 0;

  constructor(url: string, options: PublishSinkOptions) {
    this.#url = url;
    this.#options = options;
    this.batching = options.batching ?? VIEWER_BATCHING;
    this.#connect();
  }

  /** @throws {CamstreamError} `peer-refused` or `peer-unreachable` once the sink failed. */
  write(message: EncodedMessage): void {
    this.#throwFailure();
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
      if (this.#downSince !== undefined) this.#droppedWhileDown += end;
    }
  }

  /**
   * Resolves when the socket's send buffer has drained (or it is not connected).
   * @throws {CamstreamError} `peer-refused` or `peer-unreachable` once the sink failed.
   */
  async flush(): Promise<void> {
    this.#throwFailure();
    const deadline = Date.now() + (this.#options.closeTimeoutMs ?? 5_000);
    while (Date.now() < deadline) {
      const s = this.#socket;
      if (s === undefined || s.readyState !== OPEN) return;
      if (s.bufferedAmount === 0 && this.#pending.length === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Waits for what is buffered to go out (a connection being made included), then closes the socket.
   * @throws {CamstreamError} a failure not reported yet, or `peer-unreachable` when buffered messages could
   * not be sent within `closeTimeoutMs`.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    if (this.#failure !== undefined) {
      this.#stop();
      if (!this.#failureThrown) this.#throwFailure();
      return;
    }
    const deadline = Date.now() + (this.#options.closeTimeoutMs ?? 5_000);
    while (
      Date.now() < deadline &&
      this.#failure === undefined &&
      this.#pending.length > 0 &&
      this.#socket?.readyState !== OPEN
    )
      await new Promise((r) => setTimeout(r, 10));
    if (this.#failure === undefined) await this.flush();
    const left = this.#pending.length;
    const unsent = this.#socket?.readyState === OPEN ? this.#socket.bufferedAmount : 0;
    this.#stop();
    this.#throwFailure();
    if (left > 0 || unsent > 0 || !this.#opened) {
      const what =
        left > 0 ? `${left} messages` : unsent > 0 ? `${unsent} bytes` : 'the recording (it never connected)';
      throw new CamstreamError(
        'peer-unreachable',
        `${what} did not reach ${this.#url} within ${this.#options.closeTimeoutMs ?? 5_000} ms of the end`,
      );
    }
  }

  #stop(): void {
    this.#closing = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(1000, 'done');
    } catch {
      // already closing
    }
  }

  #send(message: EncodedMessage): void {
    // The core allocates its buffers itself, never on a SharedArrayBuffer, which WebSocket.send refuses.
    this.#socket?.send(message.asStream() as ArrayBufferBytes);
    this.sent++;
  }

  #connect(): void {
    if (this.#closing || this.#failure !== undefined) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(this.#url);
      socket.binaryType = 'arraybuffer';
    } catch (error) {
      // A URL the WebSocket class refuses: retrying will not help.
      this.#fail('peer-refused', `cannot open ${this.#url}: ${(error as Error).message}`, error);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#opened = true;
      this.#downSince = undefined;
      this.#droppedWhileDown = 0;
      this.#lastError = undefined;
      try {
        for (const m of this.#kept) this.#send(m);
        const pending = this.#pending;
        this.#pending = [];
        this.#pendingBytes = 0;
        for (const m of pending) this.#send(m);
      } catch (error) {
        this.#fail('peer-refused', `cannot send to ${this.#url}: ${(error as Error).message}`, error);
      }
    };
    socket.onerror = (event: { message?: unknown }) => {
      if (typeof event?.message === 'string') this.#lastError = event.message;
    };
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.#socket !== socket || this.#closing) return;
      this.#socket = undefined;
      // ws reports a refused upgrade as "Unexpected server response: 401"; a browser cannot tell it apart.
      const status = /Unexpected server response: (40[13])/.exec(this.#lastError ?? '')?.[1];
      if (status !== undefined) {
        const why = status === '401' ? 'a valid access token' : 'an allowed origin';
        this.#fail('peer-refused', `${this.#url} refused the connection (HTTP ${status}); it needs ${why}`);
        return;
      }
      const refused = event?.code === undefined ? undefined : REFUSED.get(event.code);
      if (refused !== undefined) {
        this.#fail(
          'peer-refused',
          `${this.#url} refused the recording (close code ${event.code}: ${event.reason || refused})`,
        );
        return;
      }
      const now = Date.now();
      this.#downSince ??= now;
      const down = now - this.#downSince;
      if (down >= (this.#options.giveUpAfterMs ?? 60_000) && this.#droppedWhileDown > 0) {
        this.#fail(
          'peer-unreachable',
          `${this.#url} has been unreachable for ${Math.round(down / 1000)} s and the buffer overflowed (${this.#droppedWhileDown} messages dropped)${this.#lastError === undefined ? '' : `: ${this.#lastError}`}`,
        );
        return;
      }
      this.#retry = setTimeout(() => this.#connect(), this.#options.retryIntervalMs ?? 500);
    };
  }

  /** Keeps a failure for the next call (never thrown from a socket event) and stops the connection. */
  #fail(code: 'peer-refused' | 'peer-unreachable', message: string, cause?: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = new CamstreamError(code, message, cause === undefined ? undefined : { cause });
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(1000, 'giving up');
    } catch {
      // already closing
    }
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return;
    this.#failureThrown = true;
    throw this.#failure;
  }
}

/** A {@link PublishSink} to `url` (`ws://HOST:PORT/publish`) using the injected WebSocket class. */
export function publishSink(url: string, options: PublishSinkOptions): PublishSink {
  return new PublishSink(url, options);
}
