import type { EncodedMessage } from '@camstream/core';
import { logMsgBytes, unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type CamstreamServer, startServer } from '../server.js';
import {
  CollectSink,
  expectGaveUpUnreachable,
  logFrame,
  logUntilSinkFails,
  readGrpcWeb,
  videoRecording,
} from '../test-util.js';
import { publishSink } from './publish-sink.js';

let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Opens a raw ws socket and resolves with its close code after sending `data`. */
function sendAndClose(url: string, data: Uint8Array | string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => ws.send(data));
    ws.on('close', (code) => resolve(code));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

describe('publish WebSocket endpoint + publishSink (Node, ws)', () => {
  it('a RecordingStream published with publishSink reaches gRPC-web viewers byte for byte, in micro-batches that each keyframe starts', async () => {
    server = await startServer({ port: 0 });
    const web = readGrpcWeb(server.port);
    const sink = publishSink(server.publishUrl, { WebSocket });
    const copy = new CollectSink(sink.batching);
    const rec = videoRecording([sink, copy], 'rec', { ownBatching: true });
    for (let i = 0; i < 12; i++) logFrame(rec, i);
    await rec.close();
    // Logged faster than the 100 ms batch time: the keyframe of frame 10 starts a new chunk.
    const videoRows = copy.messages.flatMap((m) =>
      m.kind === 'arrow_msg' && !m.isStatic && m.entityPath === '/video' ? [m.numRows] : [],
    );
    expect(videoRows).toEqual([10, 2]);
    const frames = await web.waitFor(copy.messages.length);
    const got = frames.map((f) => ('data' in f ? Buffer.from(unwrapLogMsg(f.data)) : undefined));
    expect(got).toEqual(
      copy.messages.map((m: EncodedMessage) => Buffer.from(logMsgBytes(m.kind, m.payload))),
    );
    expect(server.stats().publish.messages).toBe(copy.messages.length);
    web.abort();
  });

  it('refuses bad input with the right close code and keeps serving everyone else', async () => {
    server = await startServer({ port: 0 });
    const web = readGrpcWeb(server.port);
    const copy = new CollectSink();
    const rec = videoRecording([copy]);
    logFrame(rec, 0);
    const good = copy.messages.map((m) => m.asStream());
    // text, garbage, a stream split in the middle of a message, a stream header alone followed by junk
    expect(await sendAndClose(server.publishUrl, 'hello')).toBe(1003);
    expect(
      await sendAndClose(server.publishUrl, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])),
    ).toBe(1007);
    expect(await sendAndClose(server.publishUrl, good[2]!.subarray(0, good[2]!.length - 5))).toBe(1007);
    const junk = new Uint8Array([...good[0]!.subarray(0, 12), ...new Uint8Array(16).fill(9)]);
    expect(await sendAndClose(server.publishUrl, junk)).toBe(1007);
    // a browser page on an origin that is not allowed
    expect(await sendAndClose(server.publishUrl, good[0]!, 'https://evil.example')).toBe(403);
    expect(server.stats().publish.refused).toBe(4);
    // The viewer is still there, and a good publisher still gets through.
    const ws = new WebSocket(server.publishUrl);
    await new Promise((r) => ws.on('open', r));
    for (const g of good) ws.send(g);
    await web.waitFor(good.length);
    expect(web.frames.filter((f) => 'data' in f)).toHaveLength(good.length);
    ws.close();
    web.abort();
  });

  it('buffers until the server is reachable and bounds that buffer by whole GOPs', async () => {
    server = await startServer({ port: 0 });
    const url = server.publishUrl;
    await server.close();
    const sink = publishSink(url, {
      WebSocket,
      retryIntervalMs: 50,
      maxBufferedBytes: 100_000,
      closeTimeoutMs: 200,
    });
    const rec = videoRecording([sink]);
    for (let i = 0; i < 40; i++) logFrame(rec, i, 10);
    expect(sink.dropped).toBeGreaterThan(0);
    // The server never came back: the recording did not reach it, and close() says so.
    await expect(rec.close()).rejects.toMatchObject({
      code: 'sink-failed',
      cause: { code: 'peer-unreachable', message: expect.stringMatching(/did not reach ws:/) },
    });
  });
});

describe('publishSink fails alone (decision 0014)', { timeout: 30_000 }, () => {
  it('gives up on a server that stays unreachable once its buffer overflowed; the other sinks go on', async () => {
    server = await startServer({ port: 0 });
    const url = server.publishUrl;
    await server.close();
    server = undefined;
    const sink = publishSink(url, {
      WebSocket,
      retryIntervalMs: 20,
      maxBufferedBytes: 5_000,
      giveUpAfterMs: 300,
      closeTimeoutMs: 100,
    });
    await expectGaveUpUnreachable(sink, await logUntilSinkFails(sink));
  });

  it('fails at once when the server refuses the connection (401: no token)', async () => {
    server = await startServer({ port: 0, token: 'the-right-token-0123456789' });
    const sink = publishSink(server.publishUrl, { WebSocket, retryIntervalMs: 20 });
    const { rec, failures } = await logUntilSinkFails(sink);
    expect(failures[0]!.error).toMatchObject({
      code: 'peer-refused',
      message: expect.stringMatching(/refused the connection \(HTTP 401\); it needs a valid access token/),
    });
    await rec.close();
    expect(sink.sent).toBe(0);
  });
});
