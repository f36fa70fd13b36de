import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { SERVER_LIMIT_DEFAULTS, type ServerLimits } from './limits.js';

/** A request handler both HTTP/1.1 and HTTP/2 requests go to. */
export type DualHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/** The connection limits and timeouts a {@link DualListener} enforces (see `ServerOptions`). */
export type ListenerLimits = Pick<
  ServerLimits,
  | 'maxConnections'
  | 'handshakeTimeout'
  | 'headersTimeout'
  | 'requestTimeout'
  | 'idleTimeout'
  | 'maxStreamsPerConnection'
>;

/** Options of {@link createDualListener}. */
export interface DualListenerOptions extends Partial<ListenerLimits> {
  /** Serve over TLS: HTTP/1.1 and HTTP/2 chosen by ALPN instead of by the first bytes. */
  readonly tls?: TlsFiles;
}

/** HTTP/1.1 and HTTP/2 on one TCP port (cleartext: preface sniffing; TLS: ALPN). */
export interface DualListener {
  /** The listening server (call `listen` on it). */
  readonly net: NetServer;
  /** Registers the handler of HTTP/1.1 `upgrade` requests (WebSockets). */
  onUpgrade(listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): void;
  /** Connections served now (their protocol known; refused ones not counted). */
  readonly connections: number;
  /** Connections refused so far because `maxConnections` were served. */
  readonly refusedConnections: number;
  /** Stops accepting and closes every connection (after in-flight responses ended). */
  close(): Promise<void>;
}

/** PEM certificate chain and key. */
export interface TlsFiles {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** Refused connections get their answer, then this long to read it before the socket is destroyed. */
const REFUSAL_LINGER_MS = 1_000;
/** Connections past `maxConnections` that still get a refusal; past this many more they are dropped unanswered. */
const REFUSAL_SLOTS = 64;
const ENHANCE_YOUR_CALM = 0xb;

/** A raw HTTP/1.1 response with a one-line plain-text reason that closes the connection. */
export function plainResponse(status: number, reason: string): string {
  const phrase: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  const body = `${reason}\n`;
  return (
    `HTTP/1.1 ${status} ${phrase[status] ?? 'Error'}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${status === 503 ? 'retry-after: 1\r\n' : ''}\r\n${body}`
  );
}

/** The server's HTTP/2 preface (empty SETTINGS) and a GOAWAY carrying `reason`, for a refused connection. */
function http2Refusal(reason: string): Buffer {
  const debug = Buffer.from(reason);
  const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
  const goaway = Buffer.alloc(9 + 8 + debug.length);
  goaway.writeUIntBE(8 + debug.length, 0, 3);
  goaway[3] = 7; // GOAWAY
  goaway.writeUInt32BE(0, 9); // last stream id: none was processed
  goaway.writeUInt32BE(ENHANCE_YOUR_CALM, 13);
  debug.copy(goaway, 17);
  return Buffer.concat([settings, goaway]);
}

/** Writes `answer`, ends the socket, discards what the client still sends, and destroys it a little later. */
export function refuseSocket(socket: Duplex, answer: string | Buffer): void {
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.end(answer);
  const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
  socket.once('close', () => clearTimeout(timer));
}

/** How often HTTP/1.1 connections are checked for `headersTimeout` / `requestTimeout`. */
function checkingInterval(limits: ListenerLimits): number {
  const timeouts = [limits.headersTimeout, limits.requestTimeout].filter((t) => t > 0);
  return Math.min(1_000, Math.max(50, Math.floor(Math.min(...timeouts, 4_000) / 4)));
}

/**
 * Creates a server that speaks HTTP/1.1 and HTTP/2 on one port. In cleartext it reads the first bytes of every
 * connection: the HTTP/2 connection preface (`PRI * HTTP/2.0`) hands the socket to `http2.createServer()`,
 * anything else to `http.createServer()`; under TLS, ALPN decides. Every stage that is not a live stream has a
 * timeout (the first bytes or the TLS handshake, HTTP/1.1 headers and request bodies, idle connections, HTTP/2
 * connections with no open stream); responses that stream are never cut for being quiet. At most
 * `maxConnections` connections are served; the next ones get HTTP 503 (or an HTTP/2 GOAWAY) with the reason.
 */
export function createDualListener(handler: DualHandler, options: DualListenerOptions = {}): DualListener {
  const limits: ListenerLimits = { ...SERVER_LIMIT_DEFAULTS };
  for (const key of Object.keys(limits) as (keyof ListenerLimits)[])
    if (options[key] !== undefined) (limits as Record<string, number>)[key] = options[key];

  const http1 = createHttp1Server(
    {
      keepAliveTimeout: limits.idleTimeout,
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    handler,
  );
  // http1 never listens itself (connections are handed to it), so its header and request timeouts, which
  // start when it listens, are started here.
  http1.emit('listening');
  // CONNECT is not served; without a listener Node would drop the socket without a word.
  http1.on('connect', (_request: IncomingMessage, socket: Duplex) =>
    refuseSocket(socket, plainResponse(405, 'CONNECT is not supported')),
  );
  // Until a connection's first request arrives nothing else times it out (a client may send only blank lines).
  // The socket's idle timeout does that, and a timer of its own backs it up: under load the idle timeout of a
  // connection that sent only blank lines was seen not to fire. The backstop waits out Node's own header check,
  // so a slow request still gets its 408.
  const awaitingRequest = new Map<Duplex, NodeJS.Timeout>();
  const firstRequestDeadline = limits.headersTimeout + 2 * checkingInterval(limits);
  const requestStarted = (request: IncomingMessage) => {
    const backstop = awaitingRequest.get(request.socket);
    if (backstop === undefined) return;
    clearTimeout(backstop);
    awaitingRequest.delete(request.socket);
    request.socket.setTimeout(0);
  };
  http1.prependListener('request', requestStarted);
  http1.prependListener('upgrade', requestStarted);
  http1.prependListener('connect', requestStarted);

  const http2 = createHttp2Server(
    { settings: { maxConcurrentStreams: limits.maxStreamsPerConnection } },
    handler,
  );
  const sessions = new Set<Http2Session>();
  http2.on('session', (session: Http2Session) => {
    sessions.add(session);
    // An HTTP/2 connection is idle while no stream is open; open streams are never timed out.
    let open = 0;
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      if (limits.idleTimeout > 0)
        idle = setTimeout(() => {
          if (!session.closed && !session.destroyed) session.close();
        }, limits.idleTimeout);
    };
    arm();
    session.on('stream', (stream) => {
      open++;
      clearTimeout(idle);
      stream.once('close', () => {
        if (--open === 0 && !session.closed && !session.destroyed) arm();
      });
    });
    session.once('close', () => {
      clearTimeout(idle);
      sessions.delete(session);
    });
  });

  const sockets = new Set<Duplex>();
  const served = new Set<Duplex>();
  let refused = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    // Finds dead peers under quiet streams without cutting live ones.
    socket.setKeepAlive(true, 30_000);
  };
  const handshakeTimedOut = function (this: Socket) {
    this.destroy();
  };
  /** The protocol is known: serve the connection, or refuse it past `maxConnections`. */
  const hand = (socket: Socket | TLSSocket, isH2: boolean) => {
    socket.off('timeout', handshakeTimedOut);
    socket.setTimeout(0);
    if (served.size >= limits.maxConnections) {
      refused++;
      const reason = `too many connections: this server takes ${limits.maxConnections} at once (maxConnections); try again later`;
      refuseSocket(socket, isH2 ? http2Refusal(reason) : plainResponse(503, reason));
      return;
    }
    served.add(socket);
    socket.once('close', () => served.delete(socket));
    if (isH2) {
      // http2 reads what is buffered (socket.readableLength), then consumes the handle natively: no resume.
      http2.emit('connection', socket);
      return;
    }
    if (limits.headersTimeout > 0) {
      const backstop = setTimeout(() => {
        if (awaitingRequest.delete(socket)) socket.destroy();
      }, firstRequestDeadline);
      awaitingRequest.set(socket, backstop);
      socket.once('close', () => {
        clearTimeout(backstop);
        awaitingRequest.delete(socket);
      });
      socket.setTimeout(limits.headersTimeout);
    }
    http1.emit('connection', socket);
    socket.resume();
  };

  let net: NetServer;
  if (options.tls === undefined) {
    net = createNetServer((socket) => {
      track(socket);
      if (limits.handshakeTimeout > 0) {
        socket.setTimeout(limits.handshakeTimeout);
        socket.once('timeout', handshakeTimedOut);
      }
      let head: Buffer = Buffer.alloc(0);
      const sniff = (chunk: Buffer) => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const n = Math.min(head.length, PREFACE.length);
        const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
        if (isH2 && n < 3) return; // too few bytes to tell; the handshake timeout still runs
        socket.off('data', sniff);
        socket.pause();
        socket.unshift(head);
        hand(socket, isH2);
      };
      socket.on('data', sniff);
    });
  } else {
    net = createTlsServer({
      cert: options.tls.cert,
      key: options.tls.key,
      ALPNProtocols: ['h2', 'http/1.1'],
      handshakeTimeout: limits.handshakeTimeout,
    });
    net.on('connection', track);
    // A failed or timed-out handshake leaves the socket open unless it is destroyed here.
    net.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
    net.on('secureConnection', (socket: TLSSocket) => {
      socket.on('error', () => socket.destroy());
      hand(socket, socket.alpnProtocol === 'h2');
    });
  }
  // A hard stop past the refusal slots: Node closes those at once.
  net.maxConnections = limits.maxConnections + REFUSAL_SLOTS;

  return {
    net,
    onUpgrade: (listener) => http1.on('upgrade', listener),
    get connections() {
      return served.size;
    },
    get refusedConnections() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Give responses a moment to write their trailers, then cut whatever is left.
        const cut = setTimeout(() => {
          http1.closeAllConnections();
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, 250);
        net.close(() => {
          clearTimeout(cut);
          resolve();
        });
        http1.close(); // stops the header/request timeout checks and closes idle keep-alive connections
        for (const session of sessions) session.close();
      }),
  };
}
