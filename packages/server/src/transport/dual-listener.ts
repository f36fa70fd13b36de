import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A request handler both HTTP/1.1 and HTTP/2 requests go to. */
export type DualHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

/** HTTP/1.1 and HTTP/2 on one TCP port (cleartext: preface sniffing; TLS: ALPN). */
export interface DualListener {
  /** The listening server (call `listen` on it). */
  readonly net: NetServer;
  /** Registers the handler of HTTP/1.1 `upgrade` requests (WebSockets). */
  onUpgrade(listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): void;
  /** Stops accepting and closes every connection (after in-flight responses ended). */
  close(): Promise<void>;
}

/** PEM certificate chain and key for {@link createTlsListener}. */
export interface TlsFiles {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/**
 * HTTP/1.1 and HTTP/2 over TLS on one port, chosen by ALPN (`http2.createSecureServer({ allowHTTP1 })`).
 */
export function createTlsListener(handler: DualHandler, tls: TlsFiles): DualListener {
  const server = createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true }, handler);
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    net: server,
    onUpgrade: (listener) => server.on('upgrade', listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.close();
        setTimeout(() => {
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, 250).unref();
      }),
  };
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * Creates a `net.Server` that reads the first bytes of every connection: the HTTP/2 connection preface
 * (`PRI * HTTP/2.0`) hands the socket to `http2.createServer()`, anything else to `http.createServer()`.
 */
export function createDualListener(handler: DualHandler): DualListener {
  const http1 = createHttp1Server({ keepAliveTimeout: 5_000 }, handler);
  http1.requestTimeout = 0; // ReadMessages streams forever
  const http2 = createHttp2Server({}, handler);
  const sessions = new Set<Http2Session>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const sockets = new Set<Socket>();
  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    const sniff = (chunk: Buffer) => {
      const n = Math.min(chunk.length, PREFACE.length);
      if (n < PREFACE.length && chunk.subarray(0, n).equals(PREFACE.subarray(0, n)) && n < 3) {
        // Too few bytes to tell; wait for more.
        socket.once('data', (more: Buffer) => sniff(Buffer.concat([chunk, more])));
        return;
      }
      socket.pause();
      socket.unshift(chunk);
      const isH2 = chunk.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2) {
        // http2 reads what is buffered (socket.readableLength), then consumes the handle natively: no resume.
        http2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    // A connection that never says anything is dropped after 10 s (the protocol handlers take over after).
    socket.setTimeout(10_000, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      sniff(chunk);
    });
  });
  return {
    net,
    onUpgrade: (listener) => http1.on('upgrade', listener),
    close: () =>
      new Promise<void>((resolve) => {
        net.close(() => resolve());
        http1.closeIdleConnections();
        for (const session of sessions) session.close();
        // Give responses a moment to write their trailers, then cut whatever is left.
        setTimeout(() => {
          http1.closeAllConnections();
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, 250).unref();
      }),
  };
}
