import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CamstreamServer, startServer } from './server.js';
import { logFrame, readGrpcWeb, videoRecording } from './test-util.js';

let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PATH = '/rerun.sdk_comms.v1alpha1.MessageProxyService';

/** Raw HTTP/1.1 exchange on a fresh socket; resolves with the bytes received until `until` matches or close. */
function raw(port: number, request: Buffer, until?: RegExp, endAfterMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (until?.test(text)) done();
    });
    socket.on('close', done);
    socket.on('error', done);
    socket.write(request);
    setTimeout(done, endAfterMs);
  });
}

const post = (path: string, contentType: string, body: Buffer, extra = '') =>
  Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: ${contentType}\r\nx-grpc-web: 1\r\ncontent-length: ${body.length}\r\n${extra}\r\n`,
    ),
    body,
  ]);

describe('bad input on the gRPC-web / gRPC port', () => {
  it('answers each with the right status and keeps serving a live viewer', async () => {
    server = await startServer({ port: 0 });
    const rec = videoRecording([server.sink()]);
    const viewer = readGrpcWeb(server.port);
    await viewer.waitFor(2);

    // Wrong content type: 415 Unsupported Media Type.
    const wrongType = await raw(
      server.port,
      post(`${PATH}/ReadMessages`, 'text/plain', Buffer.alloc(5)),
      /\r\n\r\n/,
    );
    expect(wrongType).toMatch(/^HTTP\/1\.1 415/);

    // Garbage gRPC-web frame (compressed flag set, length past the body): an error status in the trailer.
    const garbage = await raw(
      server.port,
      post(`${PATH}/ReadMessages`, 'application/grpc-web+proto', Buffer.from([0xff, 0, 0, 0, 9, 1, 2])),
      /grpc-status:\s?\d+/,
    );
    expect(garbage).toMatch(/^HTTP\/1\.1 200/);
    expect(garbage).toMatch(/grpc-status:\s?(3|12|13)\b/); // invalid argument / unimplemented / internal

    // Unknown method: unimplemented (12).
    const unknown = await raw(
      server.port,
      post(`${PATH}/Nope`, 'application/grpc-web+proto', Buffer.alloc(5)),
      /grpc-status:\s?\d+/,
    );
    expect(unknown).toMatch(/grpc-status:\s?12\b/);

    // A client that sends headers and no body, and one that disconnects mid-message: nothing breaks.
    const silent = raw(
      server.port,
      Buffer.from(
        `POST ${PATH}/ReadMessages HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\ncontent-length: 5\r\n\r\n`,
      ),
      undefined,
      300,
    );
    const cut = raw(
      server.port,
      post(`${PATH}/WriteMessages`, 'application/grpc-web+proto', Buffer.from([0, 0, 0, 1, 0, 0x0a, 0x05])),
      undefined,
      50,
    );
    await Promise.all([silent, cut]);

    // The viewer still streams live.
    logFrame(rec, 0);
    await rec.flush();
    await viewer.waitFor(4);
    expect(viewer.frames.filter((f) => 'data' in f)).toHaveLength(4);
    expect(server.stats().viewers).toBe(1);
    viewer.abort();
  });

  it('drops a viewer that disconnects', async () => {
    server = await startServer({ port: 0 });
    const viewer = readGrpcWeb(server.port);
    videoRecording([server.sink()]);
    await viewer.waitFor(2);
    expect(server.stats().viewers).toBe(1);
    viewer.abort();
    for (let i = 0; i < 50 && server.stats().viewers > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.stats().viewers).toBe(0);
  });
});
