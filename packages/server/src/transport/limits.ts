import type { Readable } from 'node:stream';
import { Code, ConnectError } from '@connectrpc/connect';
import { ServerError } from '../errors.js';

/**
 * The server's limits and timeouts, each a `startServer` option. Timeouts are milliseconds and `0` turns one
 * off; sizes are bytes. Nothing here ever cuts a live stream for being quiet: open `ReadMessages` and
 * `WriteMessages` streams, `/events` and publish WebSockets last as long as their clients.
 */
export interface ServerLimits {
  /**
   * Connections served at once (default 256). The next one is refused: HTTP 503 with a one-line reason on
   * HTTP/1.1, a GOAWAY (`ENHANCE_YOUR_CALM`, the reason as debug data) on HTTP/2. Up to 64 more connections
   * get that answer; past those, new connections are closed at once.
   */
  readonly maxConnections: number;
  /**
   * Time a new connection has to send its first bytes (enough to tell HTTP/1.1 from HTTP/2) or, under TLS, to
   * finish its handshake (default 10 000).
   */
  readonly handshakeTimeout: number;
  /** HTTP/1.1: time for a request's headers to arrive (default 10 000; answered 408). */
  readonly headersTimeout: number;
  /**
   * HTTP/1.1: time for a whole request, headers and body, to arrive (default 300 000; answered 408). The
   * response is not timed: a viewer's stream lasts as long as the viewer.
   */
  readonly requestTimeout: number;
  /**
   * An HTTP/1.1 connection between requests, or an HTTP/2 connection with no open stream, is closed after
   * this (default 30 000).
   */
  readonly idleTimeout: number;
  /** HTTP/2 streams open at once on one connection (default 100). */
  readonly maxStreamsPerConnection: number;
  /**
   * Largest single message a client may write (default 64 MiB): each `WriteMessages` message, on gRPC, gRPC-web
   * and Connect (refused with `RESOURCE_EXHAUSTED` as soon as its length prefix arrives), and each publish
   * WebSocket message (the socket closes with 1009).
   */
  readonly maxMessageBytes: number;
  /**
   * Bytes of incoming messages held at once across all clients while they arrive (default 256 MiB; at least
   * `maxMessageBytes`). A `WriteMessages` message counts its declared length from its length prefix until its
   * last byte is in (that is what gets allocated); a publish message counts the bytes received so far. A
   * message that does not fit is refused with `RESOURCE_EXHAUSTED` (a publisher is closed with 1013, try again
   * later); the others go on.
   */
  readonly maxBufferedBytes: number;
}

/** The defaults of {@link ServerLimits}. */
export const SERVER_LIMIT_DEFAULTS: Readonly<ServerLimits> = {
  maxConnections: 256,
  handshakeTimeout: 10_000,
  headersTimeout: 10_000,
  requestTimeout: 300_000,
  idleTimeout: 30_000,
  maxStreamsPerConnection: 100,
  maxMessageBytes: 64 * 2 ** 20,
  maxBufferedBytes: 256 * 2 ** 20,
};

const TIMEOUTS = ['handshakeTimeout', 'headersTimeout', 'requestTimeout', 'idleTimeout'] as const;
const COUNTS = ['maxConnections', 'maxStreamsPerConnection', 'maxMessageBytes', 'maxBufferedBytes'] as const;

/**
 * Fills in defaults and checks the values.
 * @throws {ServerError} `invalid-option` for a value that is not a whole number in range.
 */
export function resolveLimits(given: Partial<ServerLimits>): ServerLimits {
  const limits: Record<keyof ServerLimits, number> = { ...SERVER_LIMIT_DEFAULTS };
  for (const key of [...TIMEOUTS, ...COUNTS]) {
    const value = given[key];
    if (value === undefined) continue;
    // Timeouts may be 0 (off); counts must be at least 1. Timers take at most 2^31-1 ms.
    const min = (TIMEOUTS as readonly string[]).includes(key) ? 0 : 1;
    const max = (TIMEOUTS as readonly string[]).includes(key) ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ServerError(
        'invalid-option',
        `${key} must be a whole number from ${min} to ${max}, not ${value}`,
      );
    limits[key] = value;
  }
  if (limits.maxMessageBytes > 2 ** 32 - 1)
    throw new ServerError(
      'invalid-option',
      'maxMessageBytes must be below 4 GiB (a message length is 32 bits)',
    );
  if (limits.maxBufferedBytes < limits.maxMessageBytes)
    throw new ServerError(
      'invalid-option',
      `maxBufferedBytes (${limits.maxBufferedBytes}) must be at least maxMessageBytes (${limits.maxMessageBytes})`,
    );
  if (limits.requestTimeout > 0 && limits.headersTimeout > limits.requestTimeout)
    throw new ServerError(
      'invalid-option',
      `headersTimeout (${limits.headersTimeout}) must not exceed requestTimeout (${limits.requestTimeout})`,
    );
  return limits;
}

/** A shared allowance of bytes: every client's incoming messages draw from it until they are complete. */
export class ByteBudget {
  #used = 0;

  /** @param limit Bytes that may be held at once. */
  constructor(readonly limit: number) {}

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Takes `bytes` if they fit; `false` (nothing taken) if they do not. */
  reserve(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  /** Gives back bytes taken with {@link ByteBudget.reserve}. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/**
 * Puts a request body read through `for await` (as Connect reads it) on the budget. The body is a series of
 * enveloped messages (gRPC, gRPC-web, Connect streaming: 1 flag byte, 4 length bytes, the message); when a
 * header arrives the message's declared length is reserved, because that is what the reader allocates for it
 * at once, and given back when its last byte has been handed on. A message over `maxMessageBytes`, or one the
 * budget cannot hold, ends the body with `RESOURCE_EXHAUSTED` before its bytes are read.
 */
export function meterEnvelopes(
  request: Readable,
  budget: ByteBudget,
  maxMessageBytes: number,
  onRefuse: () => void,
): void {
  Object.defineProperty(request, Symbol.asyncIterator, {
    configurable: true,
    // Not destroyed when the reader stops early: the response still has to be written on its socket.
    value: () => metered(request.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>),
  });

  async function* metered(source: AsyncIterableIterator<Buffer>): AsyncGenerator<Buffer> {
    const header = Buffer.alloc(5);
    let headerBytes = 0;
    let remaining = 0;
    let reserved = 0;
    let completed = 0;
    try {
      for await (const chunk of source) {
        let at = 0;
        while (at < chunk.length) {
          if (remaining > 0) {
            const n = Math.min(remaining, chunk.length - at);
            at += n;
            remaining -= n;
            if (remaining === 0) {
              completed += reserved;
              reserved = 0;
            }
            continue;
          }
          const n = Math.min(5 - headerBytes, chunk.length - at);
          chunk.copy(header, headerBytes, at, at + n);
          headerBytes += n;
          at += n;
          if (headerBytes < 5) break;
          headerBytes = 0;
          const length = header.readUInt32BE(1);
          if (length > maxMessageBytes) {
            onRefuse();
            throw new ConnectError(
              `a message of ${length} bytes is over this server's limit of ${maxMessageBytes} (maxMessageBytes)`,
              Code.ResourceExhausted,
            );
          }
          if (!budget.reserve(length)) {
            onRefuse();
            throw new ConnectError(
              `the server holds ${budget.used} bytes of incoming messages already (maxBufferedBytes ${budget.limit}): try again later`,
              Code.ResourceExhausted,
            );
          }
          reserved = length;
          remaining = length;
          if (length === 0) reserved = 0;
        }
        yield chunk;
        // The reader has taken the chunk: messages that ended in it are decoded and no longer held.
        budget.release(completed);
        completed = 0;
      }
    } finally {
      budget.release(reserved + completed);
    }
  }
}
