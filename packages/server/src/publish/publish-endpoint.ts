import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Hub } from '../fanout/hub.js';
import type { CodecTable } from '../replay/stored-message.js';
import { isAllowedOrigin } from '../transport/cors.js';
import { storedFromRrd } from './rrd-messages.js';

/** Options of {@link createPublishEndpoint}. */
export interface PublishEndpointOptions {
  /** Path of the WebSocket endpoint (default `/publish`). */
  readonly path?: string;
  /** Origins allowed besides localhost / 127.0.0.1. */
  readonly allowedOrigins?: readonly string[];
  /** Checks the upgrade request's credentials (the access token); refused with 401. */
  readonly authorize?: (request: IncomingMessage) => boolean;
  /** Largest message accepted, bytes (default 64 MiB). */
  readonly maxMessageBytes?: number;
}

/** Counters of the publish endpoint. */
export interface PublishStats {
  /** Publishers connected now. */
  connections: number;
  /** LogMsgs accepted. */
  messages: number;
  /** WebSocket messages refused (not a complete RRD stream, text, …). */
  refused: number;
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
  const stats: PublishStats = { connections: 0, messages: 0, refused: 0 };
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
  return {
    stats,
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname !== path) return false;
      const origin = request.headers.origin;
      if (options.authorize !== undefined && !options.authorize(request)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      if (origin !== undefined && !isAllowedOrigin(origin, origins)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
