import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Hub } from '../fanout/hub.js';
import type { CodecTable } from '../replay/stored-message.js';
import { isAllowedOrigin } from '../transport/cors.js';
import type { ByteBudget } from '../transport/limits.js';
import { storedFromRrd } from './rrd-messages.js';

/** Options of {@link createPublishEndpoint}. */
export interface PublishEndpointOptions {
  /** Path of the WebSocket endpoint (default `/publish`). */
  readonly path?: string;
  /** Origins allowed besides localhost / 127.0.0.1. */
  readonly allowedOrigins?: readonly string[];
  /** Checks the upgrade request's credentials (the access token); refused with 401. */
  readonly authorize?: (request: IncomingMessage) => boolean;
  /** Largest message accepted, bytes (default 64 MiB); a larger one closes its socket with 1009. */
  readonly maxMessageBytes?: number;
  /**
   * Bytes of messages still arriving, shared with the server's other write routes. A publisher whose next
   * bytes do not fit is closed with 1013 (try again later); the others go on.
   */
  readonly buffered?: ByteBudget;
}

/** Counters of the publish endpoint. */
export interface PublishStats {
  /** Publishers connected now. */
  connections: number;
  /** LogMsgs accepted. */
  messages: number;
  /** WebSocket messages refused (not a complete RRD stream, text, …). */
  refused: number;
  /** Publishers closed because the server held too many bytes of incoming messages (`maxBufferedBytes`). */
  busy: number;
}

/** The publish WebSocket endpoint: one binary message = one complete RRD stream, fanned out like the rest. */
export interface PublishEndpoint {
  readonly stats: PublishStats;
  /** Handles an HTTP `upgrade`; returns `false` if it is not for this endpoint. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

/**
 * Creates the publish endpoint on top of `ws`. A message that is not a complete RRD stream closes that
 * socket with 1007 (1003 for text); other publishers and viewers are not disturbed. Browsers' `Origin` must
 * be on the allow-list.
 */
export function createPublishEndpoint(hub: Hub, options: PublishEndpointOptions = {}): PublishEndpoint {
  const path = options.path ?? '/publish';
  const origins = options.allowedOrigins ?? [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 2 ** 20 });
  const stats: PublishStats = { connections: 0, messages: 0, refused: 0, busy: 0 };
  const codecs: CodecTable = new Map();
  wss.on('connection', (ws) => {
    stats.connections++;
    ws.on('close', () => stats.connections--);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        stats.refused++;
        ws.close(1003, 'send binary messages: one complete RRD stream each');
        return;
      }
      const bytes = Array.isArray(data)
        ? new Uint8Array(Buffer.concat(data))
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      try {
        const messages = storedFromRrd(bytes, codecs);
        for (const m of messages) hub.publish(m);
        stats.messages += messages.length;
      } catch (error) {
        stats.refused++;
        ws.close(1007, (error as Error).message.slice(0, 120));
      }
    });
  });
  /**
   * Counts the bytes a publisher has sent since its last complete message against the shared budget (to the
   * nearest read chunk: `ws` gives no finer view).
   */
  const meter = (socket: Duplex, ws: WebSocket, budget: ByteBudget) => {
    let held = 0;
    let closing = false;
    socket.prependListener('data', (chunk: Buffer) => {
      if (closing) return;
      if (budget.reserve(chunk.length)) {
        held += chunk.length;
        return;
      }
      closing = true;
      stats.busy++;
      socket.pause(); // read nothing more of it
      ws.close(
        1013,
        'server busy: too many bytes of incoming messages held (maxBufferedBytes); try again later',
      );
      cut = setTimeout(() => ws.terminate(), 1_000);
    });
    let cut: NodeJS.Timeout | undefined;
    const release = () => {
      budget.release(held);
      held = 0;
    };
    ws.on('message', release);
    ws.on('close', () => {
      clearTimeout(cut);
      release();
    });
  };

  return {
    stats,
    handleUpgrade(request, socket, head) {
      if ((request.url ?? '/').split('?')[0] !== path) return false;
      const origin = request.headers.origin;
      if (options.authorize !== undefined && !options.authorize(request)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      if (origin !== undefined && !isAllowedOrigin(origin, origins)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (options.buffered !== undefined) meter(socket, ws, options.buffered);
        wss.emit('connection', ws, request);
      });
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
