import { create } from '@bufbuild/protobuf';
import type { EncodedMessage, Sink } from '@camstream/core';
import {
  MessageProxyService,
  type WriteMessagesRequest,
  WriteMessagesRequestSchema,
} from '@camstream/core/wire';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { ServerError } from '../errors.js';
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
  /** How long `flush()` waits for the buffer to drain (default 1 s; data that did not go stays buffered). */
  readonly flushTimeoutMs?: number;
  /**
   * The sink gives up (fails with `peer-unreachable`) once the server has been unreachable this long **and**
   * its buffer overflowed meanwhile (whole GOPs were dropped), ms (default 60 s). A viewer that restarts
   * within that time, or an outage the buffer covers, loses nothing.
   */
  readonly giveUpAfterMs?: number;
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
 *
 * It fails (decision 0014) with a {@link ServerError} thrown from its next call when the server refuses the
 * recording (`peer-refused`: a wrong token, data it cannot read; the gRPC error is its `cause`), when the
 * server stays unreachable (`peer-unreachable`, see {@link ConnectSinkOptions.giveUpAfterMs}), and from
 * `close()` when the end of the recording did not reach the server within `closeTimeoutMs`.
 */
export class ConnectSink implements Sink {
  readonly #client;
  readonly #retry: number;
  readonly #max: number;
  readonly #closeTimeout: number;
  readonly #flushTimeout: number;
  readonly #giveUpAfter: number;
  readonly #url: string;
  readonly #session: Http2SessionManager;
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
  /** Whether the last call ended cleanly with nothing left to send (the server has the whole recording). */
  #complete = false;
  #error: ConnectError | undefined;
  /** When the server became unreachable: the first failed call since a call last reached it. */
  #downSince: number | undefined;
  #droppedWhileDown = 0;
  #failure: ServerError | undefined;
  #failureThrown = false;

  constructor(url: string, options: ConnectSinkOptions = {}) {
    const origin = proxyOrigin(url);
    this.#url = url;
    // Our own session manager tells us when a call reached the server (its HTTP/2 stream opened).
    this.#session = new Http2SessionManager(origin);
    const session = this.#session;
    const transport = createGrpcTransport({
      baseUrl: origin,
      sessionManager: {
        authority: session.authority,
        request: async (...args: Parameters<Http2SessionManager['request']>) => {
          const stream = await session.request(...args);
          this.#downSince = undefined;
          this.#droppedWhileDown = 0;
          return stream;
        },
        notifyResponseByteRead: (stream) => session.notifyResponseByteRead(stream),
      },
    });
    this.#client = createClient(MessageProxyService, transport);
    this.#retry = options.retryIntervalMs ?? 100;
    this.#max = options.maxBufferedBytes ?? 32 * 2 ** 20;
    this.#closeTimeout = options.closeTimeoutMs ?? 5_000;
    this.#flushTimeout = options.flushTimeoutMs ?? 1_000;
    this.#giveUpAfter = options.giveUpAfterMs ?? 60_000;
    this.#headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
    this.#done = this.#run().finally(() => session.abort());
  }

  /** The gRPC error with which the server refused the recording (wrong token, refused data), if any. */
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

  /** @throws {ServerError} `peer-refused` or `peer-unreachable` once the sink failed. */
  write(message: EncodedMessage): void {
    this.#throwFailure();
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

  /**
   * Resolves once everything written so far was handed to the connection, or after `flushTimeoutMs`.
   * @throws {ServerError} `peer-refused` or `peer-unreachable` once the sink failed.
   */
  async flush(): Promise<void> {
    this.#throwFailure();
    const deadline = Date.now() + this.#flushTimeout;
    while (this.#queue.length > 0 && Date.now() < deadline && !this.#abort.signal.aborted) {
      await sleep(10);
      this.#throwFailure();
    }
  }

  /**
   * Sends what is buffered, ends the call and waits for the server's answer (at most `closeTimeoutMs`).
   * @throws {ServerError} a failure not reported yet, or `peer-unreachable` when the end of the recording
   * did not reach the server in time.
   */
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
    if (this.#failure !== undefined) {
      if (!this.#failureThrown) this.#throwFailure();
      return;
    }
    if (!this.#complete) {
      const left = this.#queue.length;
      throw new ServerError(
        'peer-unreachable',
        `the end of the recording did not reach ${this.#url} within ${this.#closeTimeout >= 1000 ? `${Math.round(this.#closeTimeout / 1000)} s` : `${this.#closeTimeout} ms`}${left > 0 ? ` (${left} messages undelivered)` : ''}`,
      );
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
        if (this.#closing && this.#queue.length === 0) {
          this.#complete = true;
          return;
        }
      } catch (error) {
        if (error instanceof ConnectError && FATAL.has(error.code)) {
          // A wrong token will not get better by retrying.
          this.#error = error;
          this.#fail(
            'peer-refused',
            `${this.#url} refused the recording: ${error.rawMessage || Code[error.code]} (${Code[error.code]})`,
            error,
          );
          return;
        }
        // Not up yet, or the connection broke: put back what this call took (at-least-once), retry.
        const back = yielded.filter((m) => !m.keep);
        this.#queue = [...back, ...this.#queue];
        this.#queuedBytes += back.reduce((n, m) => n + m.size, 0);
        this.#sent -= yielded.length;
        while (this.#queuedBytes > this.#max && this.#dropOldestGop()) {}
        if (this.#abort.signal.aborted) return;
        const now = Date.now();
        this.#downSince ??= now;
        if (now - this.#downSince >= this.#giveUpAfter && this.#droppedWhileDown > 0) {
          const why = error instanceof ConnectError ? `: ${error.rawMessage}` : '';
          this.#fail(
            'peer-unreachable',
            `${this.#url} has been unreachable for ${Math.round((now - this.#downSince) / 1000)} s and the buffer overflowed (${this.#droppedWhileDown} messages dropped)${why}`,
            error,
          );
          return;
        }
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
    if (this.#downSince !== undefined) this.#droppedWhileDown += drop.size;
    return true;
  }

  /** Keeps a failure for the next call (never thrown from the background loop) and drops the buffer. */
  #fail(code: 'peer-refused' | 'peer-unreachable', message: string, cause: unknown): void {
    this.#failure ??= new ServerError(code, message, { cause });
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#wake?.();
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return;
    this.#failureThrown = true;
    throw this.#failure;
  }
}

/** A {@link ConnectSink} streaming to `url` (`rerun+http://HOST:PORT/proxy`). */
export function connectSink(url: string, options: ConnectSinkOptions = {}): ConnectSink {
  return new ConnectSink(url, options);
}
