import { create } from '@bufbuild/protobuf';
import {
  type EncodedMessage,
  MessageProxyService,
  type Sink,
  type WriteMessagesRequest,
  WriteMessagesRequestSchema,
} from '@camstream/core';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { rawLogMsg } from '../replay/raw-log-msg.js';
import { proxyOrigin } from './proxy-url.js';

/** Options of {@link connectSink}. */
export interface ConnectSinkOptions {
  /** Wait between connection attempts while the server is not up (default 100 ms, like Rerun's SDKs). */
  readonly retryIntervalMs?: number;
  /** Temporal bytes held while disconnected (default 32 MiB); past it the oldest whole GOPs are dropped. */
  readonly maxBufferedBytes?: number;
  /** How long `close()` waits for the buffer to reach the server (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** Access token of the server, sent as `authorization: Bearer <token>`. */
  readonly token?: string;
  /** How long `flush()` waits for the buffer to drain (default 1 s; it never fails, data stays buffered). */
  readonly flushTimeoutMs?: number;
}

/** Counters of a {@link ConnectSink}. */
export interface ConnectSinkStats {
  /** Messages handed to a WriteMessages call. */
  readonly sent: number;
  /** Messages dropped because the buffer was full (whole GOPs). */
  readonly droppedMessages: number;
  /** GOPs dropped because the buffer was full. */
  readonly droppedGops: number;
  /** WriteMessages calls opened. */
  readonly attempts: number;
  /** Whether a call has ended cleanly (everything was delivered) at least once. */
  readonly delivered: boolean;
}

interface Outgoing {
  readonly seq: number;
  readonly request: WriteMessagesRequest;
  readonly size: number;
  readonly keep: boolean;
  readonly hasKeyframe: boolean;
}

const FATAL = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.InvalidArgument,
  Code.Unimplemented,
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A core {@link Sink} that streams a RecordingStream to a Rerun proxy (`rerun+http://HOST:PORT/proxy`) with
 * one `WriteMessages` call over h2c, as `rr.connect_grpc()` does. Store info, blueprint and static chunks are
 * re-sent first on every (re)connection; temporal data waits in a bounded buffer while the server is not up
 * (the oldest whole GOPs are dropped and counted). Delivery is at-least-once: messages of a call that failed
 * are sent again.
 */
export class ConnectSink implements Sink {
  readonly #client;
  readonly #retry: number;
  readonly #max: number;
  readonly #closeTimeout: number;
  readonly #flushTimeout: number;
  readonly #headers: Record<string, string>;
  /** Store info, blueprint and static chunks: sent first on every connection. */
  readonly #kept: Outgoing[] = [];
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #seq = 0;
  #wake: (() => void) | undefined;
  #closing = false;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  #sent = 0;
  #droppedMessages = 0;
  #droppedGops = 0;
  #attempts = 0;
  #delivered = false;
  #error: ConnectError | undefined;

  constructor(url: string, options: ConnectSinkOptions = {}) {
    const transport = createGrpcTransport({ baseUrl: proxyOrigin(url) });
    this.#client = createClient(MessageProxyService, transport);
    this.#retry = options.retryIntervalMs ?? 100;
    this.#max = options.maxBufferedBytes ?? 32 * 2 ** 20;
    this.#closeTimeout = options.closeTimeoutMs ?? 5_000;
    this.#flushTimeout = options.flushTimeoutMs ?? 1_000;
    this.#headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
    this.#done = this.#run();
  }

  /** The error that stopped the sink for good (wrong token, refused data), if any. */
  get error(): ConnectError | undefined {
    return this.#error;
  }

  /** Counters so far. */
  get stats(): ConnectSinkStats {
    return {
      sent: this.#sent,
      droppedMessages: this.#droppedMessages,
      droppedGops: this.#droppedGops,
      attempts: this.#attempts,
      delivered: this.#delivered,
    };
  }

  write(message: EncodedMessage): void {
    if (this.#closing) return;
    const keep = message.kind !== 'arrow_msg' || message.isStatic || message.storeId.kind === 'blueprint';
    const item: Outgoing = {
      seq: this.#seq++,
      request: create(WriteMessagesRequestSchema, { logMsg: rawLogMsg(message.kind, message.payload) }),
      size: message.payload.byteLength,
      keep,
      hasKeyframe: message.hasKeyframe,
    };
    if (keep) this.#kept.push(item);
    this.#queue.push(item);
    if (!keep) {
      this.#queuedBytes += item.size;
      if (this.#queuedBytes > this.#max) this.#dropOldestGop();
    }
    this.#wake?.();
  }

  /** Resolves once everything written so far was handed to the connection, or after `flushTimeoutMs`. */
  async flush(): Promise<void> {
    const deadline = Date.now() + this.#flushTimeout;
    while (this.#queue.length > 0 && Date.now() < deadline && !this.#abort.signal.aborted) await sleep(10);
  }

  /** Sends what is buffered, ends the call and waits for the server's answer (at most `closeTimeoutMs`). */
  async close(): Promise<void> {
    if (this.#closing) return this.#done;
    this.#closing = true;
    this.#wake?.();
    const timer = setTimeout(() => this.#abort.abort(), this.#closeTimeout);
    try {
      await this.#done;
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      this.#attempts++;
      const yielded: Outgoing[] = [];
      try {
        await this.#client.writeMessages(this.#requests(yielded), {
          signal: this.#abort.signal,
          headers: this.#headers,
        });
        this.#delivered = true;
        if (this.#closing && this.#queue.length === 0) return;
      } catch (error) {
        if (error instanceof ConnectError && FATAL.has(error.code)) {
          // A wrong token will not get better by retrying.
          this.#error = error;
          this.#queue = [];
          this.#queuedBytes = 0;
          return;
        }
        // Not up yet, or the connection broke: put back what this call took (at-least-once), retry.
        const back = yielded.filter((m) => !m.keep);
        this.#queue = [...back, ...this.#queue];
        this.#queuedBytes += back.reduce((n, m) => n + m.size, 0);
        this.#sent -= yielded.length;
        while (this.#queuedBytes > this.#max && this.#dropOldestGop()) {}
        if (this.#abort.signal.aborted) return;
        await sleep(this.#retry);
      }
    }
  }

  async *#requests(yielded: Outgoing[]): AsyncGenerator<WriteMessagesRequest> {
    const snapshot = this.#seq;
    for (const item of this.#kept.filter((m) => m.seq < snapshot)) {
      yielded.push(item);
      this.#sent++;
      yield item.request;
    }
    for (;;) {
      const item = this.#queue.shift();
      if (item === undefined) {
        if (this.#closing) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      if (item.keep && item.seq < snapshot) continue; // already sent above
      if (!item.keep) this.#queuedBytes -= item.size;
      yielded.push(item);
      this.#sent++;
      yield item.request;
    }
  }

  /** Drops temporal data from the front up to the next keyframe. Returns whether anything was dropped. */
  #dropOldestGop(): boolean {
    const temporal = this.#queue.filter((m) => !m.keep);
    if (temporal.length === 0) return false;
    let end = temporal.findIndex((m, i) => i > 0 && m.hasKeyframe);
    if (end < 0) end = temporal.length;
    const drop = new Set(temporal.slice(0, end));
    this.#queue = this.#queue.filter((m) => !drop.has(m));
    for (const m of drop) this.#queuedBytes -= m.size;
    this.#droppedMessages += drop.size;
    this.#droppedGops++;
    return true;
  }
}

/** A {@link ConnectSink} streaming to `url` (`rerun+http://HOST:PORT/proxy`). */
export function connectSink(url: string, options: ConnectSinkOptions = {}): ConnectSink {
  return new ConnectSink(url, options);
}
