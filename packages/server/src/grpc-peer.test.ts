import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { EncodedMessage } from '@camstream/core';
import { ArrowMsgSchema, Compression } from '@camstream/core/wire';
import {
  grpc,
  loadMessageProxy,
  logMsgBytes,
  rawClient,
  unwrapLogMsg,
  wrapLogMsg,
} from '@camstream/test-helpers/grpc-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { type CamstreamServer, startServer } from './server.js';
import { CollectSink, logFrame, readGrpcWeb, responses, videoRecording } from './test-util.js';

let server: CamstreamServer | undefined;
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
});

/** A literal-only LZ4 block (valid LZ4, what a fast compressor emits for incompressible data). */
function lz4Literals(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  if (bytes.length < 15) out.push(bytes.length << 4);
  else {
    out.push(0xf0);
    let rest = bytes.length - 15;
    while (rest >= 255) {
      out.push(255);
      rest -= 255;
    }
    out.push(rest);
  }
  return Buffer.concat([Buffer.from(out), bytes]);
}

/** LogMsg bytes of a recording, the ArrowMsgs LZ4-compressed as Rerun's SDKs send them. */
function sdkLogMsgs(frames: number): Uint8Array[] {
  const sink = new CollectSink();
  const rec = videoRecording([sink], 'from-grpc-js');
  for (let i = 0; i < frames; i++) logFrame(rec, i, 10);
  return sink.messages.map((m: EncodedMessage) => {
    if (m.kind !== 'arrow_msg') return logMsgBytes(m.kind, m.payload);
    const proto = fromBinary(ArrowMsgSchema, m.payload);
    proto.uncompressedSize = BigInt(proto.payload.length);
    proto.payload = lz4Literals(proto.payload);
    proto.compression = Compression.LZ4;
    return logMsgBytes('arrow_msg', toBinary(ArrowMsgSchema, proto));
  });
}

function write(client: grpc.Client, logMsgs: readonly Uint8Array[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const call = client.makeClientStreamRequest<Buffer, Buffer>(
      '/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteMessages',
      (b) => b,
      (b) => b,
      (error, response) => (error ? reject(error) : resolve(response!)),
    );
    for (const m of logMsgs) call.write(wrapLogMsg(m));
    call.end();
  });
}

function read(
  client: grpc.Client,
  count: number,
): Promise<{ messages: Buffer[]; call: grpc.ClientReadableStream<Buffer> }> {
  const call = client.makeServerStreamRequest<Buffer, Buffer>(
    '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
    (b) => b,
    (b) => b,
    Buffer.alloc(0),
  );
  const messages: Buffer[] = [];
  return new Promise((resolve, reject) => {
    call.on('data', (m: Buffer) => {
      messages.push(m);
      if (messages.length === count) resolve({ messages, call });
    });
    call.on('error', (e) => (messages.length >= count ? undefined : reject(e)));
  });
}

describe('gRPC on h2c with @grpc/grpc-js as the peer', () => {
  it('WriteMessages in, ReadMessages out: LogMsgs round-trip byte for byte (history: all)', async () => {
    server = await startServer({ port: 0, history: 'all' });
    const logMsgs = sdkLogMsgs(12);
    const writer = rawClient(server.port);
    clients.push(writer);
    const response = await write(writer, logMsgs);
    expect(response.length).toBe(0); // WriteMessagesResponse {}
    expect(server.stats().written).toBe(logMsgs.length);

    const reader = rawClient(server.port);
    clients.push(reader);
    const { messages, call } = await read(reader, logMsgs.length);
    call.cancel();
    const got = messages.map((m) => Buffer.from(unwrapLogMsg(m)));
    // Replay order: store info, static, then temporal in arrival order; the bytes are identical.
    const expected = [logMsgs[0]!, logMsgs[1]!, ...logMsgs.slice(2)].map((b) => Buffer.from(b));
    expect(got).toEqual(expected);
    // proto-loader's own deserialiser reads what we send.
    const loaded = loadMessageProxy().ReadMessages!;
    const decoded = loaded.responseDeserialize(messages[0]!) as { log_msg: { set_store_info?: unknown } };
    expect(decoded.log_msg.set_store_info).toBeDefined();
  });

  it('finds keyframes in pushed LZ4 data: a late grpc-js reader starts at the latest keyframe', async () => {
    server = await startServer({ port: 0 });
    const writer = rawClient(server.port);
    clients.push(writer);
    await write(writer, sdkLogMsgs(25)); // keyframes at 0, 10, 20
    // store info, codec, frames 20..24 with their scalars
    const reader = rawClient(server.port);
    clients.push(reader);
    const { messages, call } = await read(reader, 12);
    await new Promise((r) => setTimeout(r, 100));
    expect(messages).toHaveLength(12);
    call.cancel();
  });

  it('serves gRPC-web readers on HTTP/1.1 and gRPC writers on h2c on the same port', async () => {
    server = await startServer({ port: 0 });
    const web = readGrpcWeb(server.port);
    const writer = rawClient(server.port);
    clients.push(writer);
    const logMsgs = sdkLogMsgs(3);
    await write(writer, logMsgs);
    const frames = await web.waitFor(logMsgs.length);
    expect(responses(frames)).toHaveLength(logMsgs.length);
    expect(frames.map((f) => ('data' in f ? Buffer.from(unwrapLogMsg(f.data)) : undefined))).toEqual(
      logMsgs.map((b) => Buffer.from(b)),
    );
    web.abort();
  });

  it('refuses a LogMsg that does not decode with INVALID_ARGUMENT and keeps serving', async () => {
    server = await startServer({ port: 0 });
    const writer = rawClient(server.port);
    clients.push(writer);
    const bad = logMsgBytes('arrow_msg', new Uint8Array([0x2a, 0x03, 1, 2, 3])); // payload that is no chunk
    await expect(write(writer, [bad])).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(write(writer, sdkLogMsgs(1))).resolves.toBeDefined();
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    server = await startServer({ port: 0 });
    const client = rawClient(server.port);
    clients.push(client);
    const error = await new Promise<grpc.ServiceError>((resolve) =>
      client.makeUnaryRequest<Buffer, Buffer>(
        '/rerun.sdk_comms.v1alpha1.MessageProxyService/Nope',
        (b) => b,
        (b) => b,
        Buffer.alloc(0),
        (e) => resolve(e!),
      ),
    );
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});
