import type { IncomingMessage, ServerResponse } from 'node:http';
import { create, toBinary } from '@bufbuild/protobuf';
import { ReadMessagesResponseSchema } from '@camstream/core/wire';
import type { Hub } from '../fanout/hub.js';
import type { StoredMessage } from '../replay/stored-message.js';

/** Path of `ReadMessages`. */
export const READ_MESSAGES_PATH = '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages';

const frames = new WeakMap<StoredMessage, Buffer>();

/** The gRPC-web data frame of a message, encoded once and shared by every viewer. */
export function grpcWebFrame(message: StoredMessage): Buffer {
  let frame = frames.get(message);
  if (frame === undefined) {
    const body = toBinary(
      ReadMessagesResponseSchema,
      create(ReadMessagesResponseSchema, { logMsg: message.logMsg }),
    );
    frame = Buffer.allocUnsafe(5 + body.byteLength);
    frame[0] = 0;
    frame.writeUInt32BE(body.byteLength, 1);
    frame.set(body, 5);
    frames.set(message, frame);
  }
  return frame;
}

/** The trailer frame (`0x80`, length, `grpc-status:…` lines). */
export function grpcWebTrailer(status: number, message?: string): Buffer {
  const text = `grpc-status:${status}\r\n${message === undefined ? '' : `grpc-message:${encodeURIComponent(message)}\r\n`}`;
  const body = Buffer.from(text, 'latin1');
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame[0] = 0x80;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

/** Whether a request is a gRPC-web (binary) `ReadMessages` call on HTTP/1.1 that {@link serveGrpcWebRead} takes. */
export function isGrpcWebRead(request: IncomingMessage): boolean {
  const type = request.headers['content-type'] ?? '';
  return (
    request.method === 'POST' &&
    request.httpVersionMajor === 1 &&
    (request.url ?? '').split('?')[0] === READ_MESSAGES_PATH &&
    /^application\/grpc-web(\+proto)?(;|$)/.test(type)
  );
}

/**
 * Serves `ReadMessages` over gRPC-web on HTTP/1.1 by hand: headers at once, then every message as a
 * pre-encoded data frame shared by all viewers (one protobuf encode per message, not per viewer), then a
 * `grpc-status:0` trailer when the server ends the stream. A viewer that cannot keep up is skipped forward by
 * its {@link Subscriber}; the end of the response is detected with `res.on('close')` (the request's own `close` fires once its 5 bytes are read).
 */
export function serveGrpcWebRead(request: IncomingMessage, response: ServerResponse, hub: Hub): void {
  // The request is one data frame holding the empty ReadMessagesRequest (`00 00 00 00 00`).
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 1024) chunks.push(chunk);
  });
  request.on('end', () => {
    // Runs outside the server's request handler, so it guards itself: a failure ends this response only.
    try {
      const body = Buffer.concat(chunks);
      const ok =
        size === body.length && body.length >= 5 && body[0] === 0 && body.readUInt32BE(1) === body.length - 5;
      if (!ok) {
        response.writeHead(200, { 'content-type': 'application/grpc-web+proto' });
        response.end(grpcWebTrailer(3, 'the request is not one uncompressed gRPC-web frame'));
        return;
      }
      stream(response, hub);
    } catch {
      response.destroy();
    }
  });
}

function stream(response: ServerResponse, hub: Hub): void {
  response.writeHead(200, {
    'content-type': 'application/grpc-web+proto',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  const subscriber = hub.subscribe();
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  void (async () => {
    try {
      for await (const message of subscriber.messages(abort.signal)) {
        if (!response.write(grpcWebFrame(message)))
          await new Promise<void>((resolve) => {
            const done = () => {
              response.off('drain', done);
              response.off('close', done);
              resolve();
            };
            response.on('drain', done);
            response.on('close', done);
          });
      }
      if (!response.destroyed) response.end(grpcWebTrailer(0));
    } catch (error) {
      if (!response.destroyed) response.end(grpcWebTrailer(13, (error as Error).message));
    } finally {
      hub.unsubscribe(subscriber);
    }
  })();
}
