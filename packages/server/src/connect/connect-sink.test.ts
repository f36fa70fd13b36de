import { createServer } from 'node:net';
import { grpc, logMsgBytes, rawMessageProxy, unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { type CamstreamServer, startServer } from '../server.js';
import {
  CollectSink,
  expectGaveUpUnreachable,
  logFrame,
  logUntilSinkFails,
  readGrpcWeb,
  responses,
  videoFrameCount,
  videoRecording,
} from '../test-util.js';
import { connectSink } from './connect-sink.js';
import { proxyOrigin } from './proxy-url.js';

/** A grpc-js server (built from the .proto files) that records every WriteMessages request's bytes. */
async function grpcJsServer(
  port = 0,
): Promise<{ port: number; received: Buffer[]; calls: number; stop(): void }> {
  const server = new grpc.Server();
  const state = { received: [] as Buffer[], calls: 0 };
  server.addService(rawMessageProxy(), {
    WriteMessages: (
      call: grpc.ServerReadableStream<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ) => {
      state.calls++;
      call.on('data', (m: Buffer) => state.received.push(m));
      call.on('end', () => callback(null, Buffer.alloc(0)));
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return {
    port: bound,
    get received() {
      return state.received;
    },
    get calls() {
      return state.calls;
    },
    stop: () => server.forceShutdown(),
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('connectSink (WriteMessages over h2c) against a @grpc/grpc-js server', () => {
  it('sends store info first, then every chunk, byte for byte; flushes on close', async () => {
    const peer = await grpcJsServer();
    stops.push(peer.stop);
    const sink = connectSink(`rerun+http://127.0.0.1:${peer.port}/proxy`);
    const copy = new CollectSink();
    const rec = videoRecording([sink, copy]);
    for (let i = 0; i < 20; i++) logFrame(rec, i);
    await rec.close();
    await sink.close();
    const expected = copy.messages.map((m) => Buffer.from(logMsgBytes(m.kind, m.payload)));
    expect(peer.received.map((r) => Buffer.from(unwrapLogMsg(r)))).toEqual(expected);
    expect(copy.messages[0]!.kind).toBe('set_store_info');
    expect(sink.stats).toMatchObject({ sent: expected.length, droppedMessages: 0, delivered: true });
  });

  it('retries until the server is up, then delivers what it buffered', async () => {
    const port = await freePort();
    const sink = connectSink(`rerun+http://127.0.0.1:${port}/proxy`, { retryIntervalMs: 50 });
    const copy = new CollectSink();
    const rec = videoRecording([sink, copy]);
    for (let i = 0; i < 15; i++) logFrame(rec, i);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.stats.attempts).toBeGreaterThan(1);
    const peer = await grpcJsServer(port);
    stops.push(peer.stop);
    for (let i = 15; i < 20; i++) logFrame(rec, i);
    await rec.close();
    await sink.close();
    const got = peer.received.map((r) => Buffer.from(unwrapLogMsg(r)));
    const expected = copy.messages.map((m) => Buffer.from(logMsgBytes(m.kind, m.payload)));
    // Everything arrived (store info and the codec chunk first); nothing was dropped.
    expect(got.slice(0, 2)).toEqual(expected.slice(0, 2));
    expect(new Set(got.map((b) => b.toString('hex')))).toEqual(
      new Set(expected.map((b) => b.toString('hex'))),
    );
    expect(sink.stats.droppedMessages).toBe(0);
  });

  it('bounds its buffer while disconnected by dropping the oldest whole GOPs', async () => {
    const port = await freePort();
    const sink = connectSink(`rerun+http://127.0.0.1:${port}/proxy`, {
      retryIntervalMs: 50,
      maxBufferedBytes: 100_000, // ~2.6 GOPs of 10 frames + scalars
      flushTimeoutMs: 0,
    });
    const copy = new CollectSink();
    const rec = videoRecording([sink, copy]);
    for (let i = 0; i < 40; i++) logFrame(rec, i, 10);
    await rec.flush();
    expect(sink.stats.droppedGops).toBeGreaterThan(0);
    const peer = await grpcJsServer(port);
    stops.push(peer.stop);
    await rec.close();
    await sink.close();
    const got = peer.received.map((r) => Buffer.from(unwrapLogMsg(r)).toString('hex'));
    const video = copy.messages.filter((m) => m.entityPath?.endsWith('video') === true && !m.isStatic);
    expect(video).toHaveLength(40);
    const firstVideo = video.find((m) =>
      got.includes(Buffer.from(logMsgBytes(m.kind, m.payload)).toString('hex')),
    );
    // What survived starts at a keyframe, and the count adds up.
    expect(firstVideo?.hasKeyframe).toBe(true);
    expect(got.length + sink.stats.droppedMessages).toBe(copy.messages.length);
  });

  it('feeds the camstream server: a gRPC-web viewer sees what the sink sends', async () => {
    const server: CamstreamServer = await startServer({ port: 0 });
    stops.push(() => server.close());
    const sink = connectSink(server.proxyUrl);
    const rec = videoRecording([sink]);
    for (let i = 0; i < 5; i++) logFrame(rec, i);
    await rec.close();
    await sink.close();
    const web = readGrpcWeb(server.port);
    const frames = await web.waitFor(2 + 10);
    expect(responses(frames)[0]!.logMsg!.msg.case).toBe('setStoreInfo');
    web.abort();
  });

  it('parses Rerun proxy URLs', () => {
    expect(proxyOrigin('rerun+http://127.0.0.1:9877/proxy')).toBe('http://127.0.0.1:9877');
    expect(proxyOrigin('rerun+https://example.com/proxy/')).toBe('https://example.com:9876');
    expect(proxyOrigin('rerun://localhost')).toBe('https://localhost:9876');
    expect(() => proxyOrigin('http://localhost:9876')).toThrow(/not a Rerun proxy URL/);
  });
});

describe('connectSink fails alone (decision 0014)', { timeout: 30_000 }, () => {
  it('gives up on a server that stays unreachable once its buffer overflowed; the other sinks go on', async () => {
    const port = await freePort();
    const sink = connectSink(`rerun+http://127.0.0.1:${port}/proxy`, {
      retryIntervalMs: 20,
      maxBufferedBytes: 5_000,
      giveUpAfterMs: 300,
      closeTimeoutMs: 200,
      flushTimeoutMs: 0,
    });
    await expectGaveUpUnreachable(sink, await logUntilSinkFails(sink));
  });

  it('a server that refuses the recording (wrong token) fails the sink alone, at once', async () => {
    const server = await startServer({ port: 0, token: 'the-right-token-0123456789' });
    stops.push(() => server.close());
    const sink = connectSink(server.proxyUrl, { token: 'a-wrong-token-0123456789' });
    const { rec, copy, failures, logged } = await logUntilSinkFails(sink);
    expect(failures[0]!.error).toMatchObject({
      code: 'peer-refused',
      message: expect.stringMatching(/refused the recording: .*\(Unauthenticated\)/),
      cause: { code: 16 },
    });
    await rec.close();
    expect(failures).toHaveLength(1);
    expect(videoFrameCount(copy)).toBe(logged);
  });

  it('close() rejects when the end of the recording could not reach a server that went away', async () => {
    const peer = await grpcJsServer();
    const sink = connectSink(`rerun+http://127.0.0.1:${peer.port}/proxy`, {
      retryIntervalMs: 20,
      closeTimeoutMs: 300,
    });
    const rec = videoRecording([sink]);
    for (let i = 0; i < 5; i++) logFrame(rec, i);
    await rec.flush();
    peer.stop();
    for (let i = 5; i < 10; i++) logFrame(rec, i);
    await expect(rec.close()).rejects.toMatchObject({
      code: 'sink-failed',
      cause: { code: 'peer-unreachable', message: expect.stringMatching(/did not reach .* within 300 ms/) },
    });
  });
});
