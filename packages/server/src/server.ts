import { type IncomingMessage, ServerResponse } from 'node:http';
import { type Http2ServerRequest, type Http2ServerResponse, constants as http2Constants } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type EncodedMessage, type Sink, VIEWER_BATCHING } from '@camstream/core';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { hasToken, isLoopback, safeDecode, sameToken, tokenCookie } from './auth/token.js';
import { ServerError } from './errors.js';
import { Hub } from './fanout/hub.js';
import { viewerPageHtml } from './page/page.js';
import { serveViewerFile } from './page/viewer-files.js';
import { createPublishEndpoint, type PublishStats } from './publish/publish-endpoint.js';
import type { HistoryMode } from './replay/replay-store.js';
import { handleCors } from './transport/cors.js';
import { createDualListener, plainResponse, refuseSocket, type TlsFiles } from './transport/dual-listener.js';
import { isGrpcWebRead, serveGrpcWebRead } from './transport/grpc-web-read.js';
import {
  ByteBudget,
  meterEnvelopes,
  resolveLimits,
  SERVER_LIMIT_DEFAULTS,
  type ServerLimits,
} from './transport/limits.js';
import { registerMessageProxy, type ServiceStats } from './transport/service.js';

/**
 * Options of {@link startServer}. The limits and timeouts ({@link ServerLimits}: `maxConnections`,
 * `handshakeTimeout`, `headersTimeout`, `requestTimeout`, `idleTimeout`, `maxStreamsPerConnection`,
 * `maxMessageBytes`, `maxBufferedBytes`) are options too; {@link SERVER_LIMIT_DEFAULTS} holds their defaults.
 */
export interface ServerOptions extends Partial<ServerLimits> {
  /** Address to bind (default `127.0.0.1`; anything else is an explicit choice). */
  readonly host?: string;
  /** TCP port (default 9876, Rerun's; `0` picks a free one). */
  readonly port?: number;
  /** Origins allowed besides localhost / 127.0.0.1 (exact, e.g. `https://example.com`). */
  readonly allowedOrigins?: readonly string[];
  /** What late joiners are sent (default `latest`: from each video's latest keyframe). */
  readonly history?: HistoryMode;
  /** Bytes of history kept at most (default 1 GiB). */
  readonly memoryLimit?: number;
  /** Bytes a viewer may fall behind before it is skipped to the next keyframe (default 8 MiB). */
  readonly maxQueuedBytes?: number;
  /**
   * Serve gRPC-web `ReadMessages` on HTTP/1.1 with the hand-written route that encodes each message once for
   * all viewers (default `true`); `false` leaves it to Connect like every other call (decision 0008).
   */
  readonly sharedGrpcWebFrames?: boolean;
  /**
   * Access token. Required when `host` is not loopback. Clients send `authorization: Bearer <token>`; a
   * browser opens `/?token=<token>` once, which sets an HttpOnly SameSite=Strict cookie and redirects to `/`.
   */
  readonly token?: string;
  /** Serve over TLS (HTTP/1.1 and HTTP/2 on one port through ALPN): PEM `cert` and `key`. */
  readonly tls?: TlsFiles;
}

/** Counters of a running {@link CamstreamServer}. */
export interface ServerStats extends ServiceStats {
  /** Connections served now. */
  readonly connections: number;
  /** Connections refused so far because `maxConnections` were served. */
  readonly refusedConnections: number;
  /** Write requests refused so far for `maxMessageBytes` or `maxBufferedBytes` (publish sockets: `publish.busy`). */
  readonly refusedWrites: number;
  /** Bytes of incoming messages held now (what `maxBufferedBytes` bounds). */
  readonly bufferedBytes: number;
  /** Requests that failed inside the server and were answered 500 (each one a bug worth reporting). */
  readonly internalErrors: number;
  /** Publish endpoint counters. */
  readonly publish: Readonly<PublishStats>;
  /** Messages skipped so far for viewers that were too slow (connected viewers). */
  readonly skipped: number;
  /** Viewers (ReadMessages streams) connected now. */
  readonly viewers: number;
  /** Messages held for late joiners. */
  readonly replayMessages: number;
  /** Payload bytes held for late joiners. */
  readonly replayBytes: number;
}

/** A running camstream server: Rerun's message proxy, the hosted viewer page, and in-process sinks. */
export interface CamstreamServer {
  /** `http://HOST:PORT`: open it in a browser for the hosted viewer. */
  readonly url: string;
  /** `rerun+http://HOST:PORT/proxy`: what viewers and SDKs connect to. */
  readonly proxyUrl: string;
  /** `ws://HOST:PORT/publish`: the publish WebSocket (one binary message = one complete RRD stream). */
  readonly publishUrl: string;
  readonly port: number;
  /**
   * A core sink: attach it to a RecordingStream and every viewer sees what it logs, batched by core's
   * `VIEWER_BATCHING` (100 ms) unless `addSink` is given another policy (`IMMEDIATE`: each frame at once).
   */
  sink(): Sink;
  stats(): ServerStats;
  /** Ends every viewer's stream with a `grpc-status: 0` trailer, then stops listening. */
  close(): Promise<void>;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/**
 * Starts the server: gRPC (h2c) and gRPC-web (HTTP/1.1) `MessageProxyService` on one port, with the viewer
 * page at `/`.
 * @throws {ServerError} `bind-failed` if the port cannot be bound, `invalid-option` for a bad option.
 */
export async function startServer(options: ServerOptions = {}): Promise<CamstreamServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9876;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ServerError('invalid-option', `port ${port} is not a TCP port`);
  const origins = options.allowedOrigins ?? [];
  const sharedFrames = options.sharedGrpcWebFrames ?? true;
  const token = options.token;
  const secure = options.tls !== undefined;
  if (token !== undefined && token.length < 8)
    throw new ServerError('invalid-option', 'the access token must be at least 8 characters');
  if (token === undefined && !isLoopback(host))
    throw new ServerError(
      'invalid-option',
      `binding ${host} (not loopback) needs an access token (\`token\`)`,
    );
  const limits = resolveLimits(pickLimits(options));
  const buffered = new ByteBudget(limits.maxBufferedBytes);
  let refusedWrites = 0;
  let internalErrors = 0;
  const hub = new Hub({
    ...(options.history !== undefined && { history: options.history }),
    ...(options.memoryLimit !== undefined && { memoryLimit: options.memoryLimit }),
    ...(options.maxQueuedBytes !== undefined && { maxQueuedBytes: options.maxQueuedBytes }),
  });
  const serviceStats: ServiceStats = { written: 0, refused: 0 };
  const instance = crypto.randomUUID();
  const eventStreams = new Set<Response>();
  const connect = connectNodeAdapter({
    grpc: true,
    grpcWeb: true,
    connect: true,
    readMaxBytes: limits.maxMessageBytes,
    routes: (router) => registerMessageProxy(router, hub, serviceStats),
    fallback: (request, response) => {
      // gRPC-web clients get a trailers-only UNIMPLEMENTED instead of a bare 404 (gRPC clients on h2 map
      // 404 to UNIMPLEMENTED themselves).
      const type = request.headers['content-type'] ?? '';
      const res = response as ServerResponse;
      if (request.httpVersionMajor === 2 || !type.startsWith('application/grpc-web')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      request.resume();
      res.writeHead(200, {
        'content-type': type,
        'grpc-status': '12',
        'grpc-message': encodeURIComponent(`unknown method ${request.url ?? ''}`),
      });
      res.end();
    },
  });

  const handle = (request: Request, response: Response) => {
    if (handleCors(request, response, origins)) return;
    const [path = '/', query = ''] = (request.url ?? '/').split('?');
    if (token !== undefined && !hasToken(request.headers, token)) {
      const given = new URLSearchParams(query).get('token');
      const res = response as ServerResponse;
      if (request.method === 'GET' && path === '/' && given !== null && sameToken(given, token)) {
        res.writeHead(303, {
          location: '/',
          'set-cookie': tokenCookie(token, secure),
          'cache-control': 'no-store',
        });
        res.end();
      } else if (
        request.httpVersionMajor === 1 &&
        (request.headers['content-type'] ?? '').startsWith('application/grpc-web')
      ) {
        request.resume();
        res.writeHead(200, {
          'content-type': request.headers['content-type'] ?? 'application/grpc-web+proto',
          'grpc-status': '16',
          'grpc-message': 'missing%20or%20wrong%20access%20token',
        });
        res.end();
      } else {
        request.resume();
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
        res.end('missing or wrong access token: open /?token=… or send authorization: Bearer …');
      }
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (path === '/' || path === '/index.html') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(viewerPageHtml());
        return;
      }
      if (path.startsWith('/viewer/')) {
        const file = safeDecode(path.slice('/viewer/'.length));
        if (file === undefined) badRequest(response, 'malformed percent-encoding in the path');
        else if (!serveViewerFile(file, response)) response.writeHead(404).end('not found');
        return;
      }
      if (path === '/events') {
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        });
        if (request.method === 'HEAD') {
          response.end();
          return;
        }
        const write = (text: string) => (response as NodeJS.WritableStream).write(text);
        write(`retry: 1000\nevent: hello\ndata: ${instance}\n\n`);
        eventStreams.add(response);
        const ping = setInterval(() => write(': ping\n\n'), 15_000);
        response.on('close', () => {
          clearInterval(ping);
          eventStreams.delete(response);
        });
        return;
      }
    }
    if (sharedFrames && isGrpcWebRead(request as IncomingMessage)) {
      serveGrpcWebRead(request as IncomingMessage, response as ServerResponse, hub);
      return;
    }
    if (!hasAuthority(request)) {
      badRequest(response, 'missing or malformed Host header');
      return;
    }
    if (request.method === 'POST' && ENVELOPED.test(request.headers['content-type'] ?? ''))
      meterEnvelopes(request, buffered, limits.maxMessageBytes, () => refusedWrites++);
    response.once('finish', () => {
      if (!request.complete) dropRestOfBody(request);
    });
    connect(request, response);
  };

  /** Whatever goes wrong inside a request is that request's 500, never the server's end. */
  const handler = (request: Request, response: Response) => {
    try {
      handle(request, response);
    } catch {
      internalErrors++;
      failed(response);
    }
  };

  const listener = createDualListener(handler, {
    ...limits,
    ...(options.tls !== undefined && { tls: options.tls }),
  });
  const publish = createPublishEndpoint(hub, {
    allowedOrigins: origins,
    maxMessageBytes: limits.maxMessageBytes,
    buffered,
    ...(token !== undefined && { authorize: (request: IncomingMessage) => hasToken(request.headers, token) }),
  });
  listener.onUpgrade((request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (publish.handleUpgrade(request, socket, head)) return;
      if (request.method === 'GET' || request.method === 'HEAD') {
        // An upgrade this server does not offer (h2c from `curl --http2`, a WebSocket elsewhere) may be
        // ignored: answer the request itself over HTTP/1.1, then close.
        const response = new ServerResponse(request);
        response.shouldKeepAlive = false;
        response.assignSocket(socket as Socket);
        response.once('finish', () => socket.end());
        handler(request, response);
        return;
      }
      refuseSocket(
        socket,
        plainResponse(400, `cannot upgrade ${request.method} requests; only GET /publish upgrades`),
      );
    } catch {
      internalErrors++;
      refuseSocket(socket, plainResponse(500, 'internal error'));
    }
  });
  await new Promise<void>((resolve, reject) => {
    listener.net.once('error', (cause) =>
      reject(new ServerError('bind-failed', `cannot listen on ${host}:${port}: ${cause.message}`, { cause })),
    );
    listener.net.listen(port, host, () => resolve());
  });
  const bound = (listener.net.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;

  return {
    url: `${secure ? 'https' : 'http'}://${shownHost}:${bound}`,
    proxyUrl: `rerun+${secure ? 'https' : 'http'}://${shownHost}:${bound}/proxy`,
    publishUrl: `${secure ? 'wss' : 'ws'}://${shownHost}:${bound}/publish`,
    port: bound,
    sink(): Sink {
      return {
        batching: VIEWER_BATCHING,
        write: (message: EncodedMessage) => hub.publishEncoded(message),
        flush: () => undefined,
        close: () => undefined,
      };
    },
    stats: () => ({
      ...serviceStats,
      connections: listener.connections,
      refusedConnections: listener.refusedConnections,
      refusedWrites,
      bufferedBytes: buffered.used,
      internalErrors,
      publish: { ...publish.stats },
      skipped: [...hub.subscribers].reduce((n, s) => n + s.skipped, 0),
      viewers: hub.subscriberCount,
      replayMessages: hub.store.size,
      replayBytes: hub.store.bytes,
    }),
    async close() {
      if (closed) return;
      closed = true;
      hub.close();
      publish.close();
      for (const r of eventStreams) r.end();
      // Let the ReadMessages generators return so Connect writes each stream's trailer.
      await new Promise((r) => setTimeout(r, 20));
      await listener.close();
    },
  };
}

/** Request bodies made of length-prefixed messages (gRPC, gRPC-web binary, Connect streaming). */
const ENVELOPED = /^application\/(grpc|grpc-web|connect)(\+[^;]*)?(;|$)/i;

function pickLimits(options: ServerOptions): Partial<ServerLimits> {
  const picked: Partial<Record<keyof ServerLimits, number>> = {};
  for (const key of Object.keys(SERVER_LIMIT_DEFAULTS) as (keyof ServerLimits)[]) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

/** Whether the request names a host Connect can build its URL from. */
function hasAuthority(request: Request): boolean {
  const authority = 'authority' in request ? request.authority : request.headers.host;
  if (typeof authority !== 'string' || authority === '') return false;
  return URL.canParse(`http://${authority}/`);
}

/**
 * After a response that ended before its request did (a refused or failed write): HTTP/2 resets the stream
 * with NO_ERROR, which tells the client to stop sending (RFC 9113 §8.1); HTTP/1.1 reads and drops the rest
 * for a moment, so the client can read the answer, then closes the connection if the body is still coming.
 */
function dropRestOfBody(request: Request): void {
  if ('stream' in request) {
    if (!request.stream.closed) request.stream.close(http2Constants.NGHTTP2_NO_ERROR);
    return;
  }
  request.resume();
  const socket = request.socket;
  const timer = setTimeout(() => {
    if (!request.complete) socket.destroy();
  }, 1_000);
  socket.once('close', () => clearTimeout(timer));
}

function badRequest(response: Response, reason: string): void {
  response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`${reason}\n`);
}

/** Answers 500 if nothing was sent yet, else cuts the response; never throws. */
function failed(response: Response): void {
  try {
    if (!response.headersSent) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error\n');
      return;
    }
  } catch {
    // fall through: the response cannot be written any more
  }
  try {
    response.destroy();
  } catch {
    // already gone
  }
}
