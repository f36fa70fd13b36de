// Slow, stalled, idle, too many and too large clients: each is cut or refused by a stated limit, while quiet
// live streams (viewers, a stalled camera, a publisher, /events) are never cut.
import { createHook } from 'node:async_hooks';
import { connect as connectH2 } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { grpc, logMsgBytes, rawClient, varint, wrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openAfter, rawExchange, trickle } from './raw-http.test-util.js';
import { type CamstreamServer, startServer } from './server.js';
import { type ChildServer, startChildServer } from './server-child.test-util.js';
import { CollectSink, logFrame, readGrpcWeb, videoRecording } from './test-util.js';

const RPC = '/rerun.sdk_comms.v1alpha1.MessageProxyService';
const MiB = 2 ** 20;
const SHORT = { handshakeTimeout: 400, headersTimeout: 400, requestTimeout: 800, idleTimeout: 400 };

// The server's own timeouts are short; the tests wait for what they cause, which takes seconds on a busy
// machine, so each test has a 30 s guard rather than vitest's 5 s.
let server: CamstreamServer | undefined;
let child: ChildServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server?.close();
  server = undefined;
  child?.kill();
  child = undefined;
});

async function until(
  condition: () => boolean,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('limit options', { timeout: 30_000 }, () => {
  it.each([
    [{ maxConnections: 0 }, /maxConnections/],
    [{ idleTimeout: -1 }, /idleTimeout/],
    [{ maxMessageBytes: 1.5 }, /maxMessageBytes/],
    [{ headersTimeout: 5_000, requestTimeout: 1_000 }, /headersTimeout .* requestTimeout/],
    [{ maxMessageBytes: 8 * MiB, maxBufferedBytes: 4 * MiB }, /maxBufferedBytes .* maxMessageBytes/],
    [{ maxMessageBytes: 2 ** 32, maxBufferedBytes: 2 ** 33 }, /4 GiB/],
  ])('refuses %j with invalid-option', async (options, message) => {
    await expect(startServer({ port: 0, ...options })).rejects.toMatchObject({
      code: 'invalid-option',
      message,
    });
  });
});

describe('timeouts on every stage that is not a live stream', { timeout: 30_000 }, () => {
  it('cuts a slowloris client (headers at one byte per 100 ms) with 408', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const slow = trickle(
      server.port,
      `GET / HTTP/1.1\r\nhost: x\r\nx-padding: ${'a'.repeat(300)}\r\n\r\n`,
      100,
    );
    cleanups.push(() => slow.socket.destroy());
    const deadline = setTimeout(() => slow.socket.destroy(), 8_000);
    const result = await slow.closed;
    clearTimeout(deadline);
    expect(result.text).toMatch(/^HTTP\/1\.1 408/);
    expect(result.sent).toBeLessThan(80); // cut long before the headers were complete
  });

  it('drops a connection that sends only "P" (could be HTTP/2, never says more)', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const socket = connectTcp(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});
    socket.write('P');
    expect(await openAfter(socket, 15_000)).toBe(false);
  });

  it('drops an HTTP/1.1 connection that never starts a request (blank lines only)', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const socket = connectTcp(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});
    socket.write('\r\n');
    expect(await openAfter(socket, 15_000)).toBe(false);
  });

  it('closes an HTTP/2 connection with no open stream (preface and SETTINGS, then nothing)', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const socket = connectTcp(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});
    let received = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
    });
    socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])); // empty SETTINGS
    expect(await openAfter(socket, 15_000)).toBe(false);
    // The server said goodbye (a GOAWAY frame, type 7) rather than just vanishing.
    const types: number[] = [];
    for (let at = 0; at + 9 <= received.length; at += 9 + received.readUIntBE(at, 3))
      types.push(received[at + 3]!);
    expect(types).toContain(7);
  });

  it('closes an idle HTTP/1.1 keep-alive connection', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const socket = connectTcp(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => text.includes('</html>'), 'the page');
    expect(await openAfter(socket, 15_000)).toBe(false);
  });

  it('never cuts quiet live streams: viewers (HTTP/1.1 and HTTP/2), a stalled camera, a publisher, /events', async () => {
    server = await startServer({ port: 0, ...SHORT });
    const rec = videoRecording([server.sink()]);
    const web = readGrpcWeb(server.port);
    cleanups.push(() => web.abort());
    const client = rawClient(server.port);
    cleanups.push(() => client.close());
    const h2Frames: Buffer[] = [];
    const read = client.makeServerStreamRequest<Buffer, Buffer>(
      `${RPC}/ReadMessages`,
      (b) => b,
      (b) => b,
      Buffer.alloc(0),
    );
    read.on('data', (b: Buffer) => h2Frames.push(b));
    read.on('error', () => {});
    cleanups.push(() => read.cancel());
    // A camera that sends one message, then stalls with its WriteMessages stream open.
    const camera = new CollectSink();
    const cameraRec = videoRecording([camera], 'stalled-camera');
    logFrame(cameraRec, 0);
    let writeStatus: grpc.ServiceError | null | undefined;
    const write = client.makeClientStreamRequest<Buffer, Buffer>(
      `${RPC}/WriteMessages`,
      (b) => b,
      (b) => b,
      (error) => {
        writeStatus = error;
      },
    );
    let sent = 0;
    const sendCamera = () => {
      for (; sent < camera.messages.length; sent++) {
        const message = camera.messages[sent]!;
        write.write(wrapLogMsg(logMsgBytes(message.kind, message.payload)));
      }
    };
    sendCamera();
    const publisher = new WebSocket(server.publishUrl);
    cleanups.push(() => publisher.terminate());
    await new Promise((resolve, reject) => {
      publisher.once('open', resolve);
      publisher.once('error', reject);
    });
    const events = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      import('node:http').then(({ get }) => get(`${server!.url}/events`, resolve).on('error', reject));
    });
    cleanups.push(() => events.destroy());
    let eventsText = '';
    events.on('data', (d: Buffer) => {
      eventsText += d.toString();
    });
    await web.waitFor(2);
    await until(() => h2Frames.length >= 2 && eventsText.includes('hello'), 'every stream to start');

    // Quiet for six times the longest timeout.
    await new Promise((r) => setTimeout(r, 6 * SHORT.requestTimeout));

    const webBefore = web.frames.length;
    const h2Before = h2Frames.length;
    logFrame(rec, 0);
    await rec.flush();
    await web.waitFor(webBefore + 2);
    await until(() => h2Frames.length >= h2Before + 2, 'the HTTP/2 viewer');
    expect(publisher.readyState).toBe(WebSocket.OPEN);
    expect(events.destroyed).toBe(false);
    expect(server.stats().publish.connections).toBe(1);
    // The camera wakes up: its second message and the end of its stream are accepted.
    logFrame(cameraRec, 1);
    sendCamera();
    write.end();
    await until(() => writeStatus !== undefined, 'the WriteMessages answer');
    expect(writeStatus).toBeNull();
    expect(server.stats().written).toBe(sent);
  }, 30_000);
});

describe('the connection cap', { timeout: 30_000 }, () => {
  it('answers the connection past maxConnections with 503 (HTTP/1.1) or GOAWAY (HTTP/2), and recovers', async () => {
    server = await startServer({ port: 0, maxConnections: 3 });
    videoRecording([server.sink()]);
    const viewers = [readGrpcWeb(server.port), readGrpcWeb(server.port), readGrpcWeb(server.port)];
    cleanups.push(() => {
      for (const v of viewers) v.abort();
    });
    for (const v of viewers) await v.waitFor(2);
    expect(server.stats().connections).toBe(3);

    const refused = await rawExchange(server.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', {
      untilStatus: false,
    });
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/too many connections.*maxConnections/);

    const session = connectH2(`http://127.0.0.1:${server.port}`);
    cleanups.push(() => session.destroy());
    session.on('error', () => {});
    const goaway = await new Promise<{ code: number; reason: string }>((resolve) =>
      session.once('goaway', (code, _last, data) => resolve({ code, reason: data?.toString() ?? '' })),
    );
    expect(goaway.code).toBe(0xb); // ENHANCE_YOUR_CALM
    expect(goaway.reason).toMatch(/too many connections/);
    expect(server.stats().refusedConnections).toBe(2);

    viewers[0]!.abort();
    await until(() => server!.stats().connections < 3, 'a free place');
    const served = await rawExchange(server.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(served.status).toBe(200);
  });
});

describe('message size limits', { timeout: 30_000 }, () => {
  it('refuses a write whose length prefix is over maxMessageBytes at once, without buffering it', async () => {
    server = await startServer({ port: 0, maxMessageBytes: MiB, maxBufferedBytes: 4 * MiB });
    const head = Buffer.from([0, 0, 0, 0, 0]);
    head.writeUInt32BE(300 * MiB, 1);
    const answer = await rawExchange(
      server.port,
      Buffer.concat([
        Buffer.from(
          `POST ${RPC}/WriteMessages HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\ncontent-length: ${5 + 300 * MiB}\r\n\r\n`,
        ),
        head,
        Buffer.alloc(1024),
      ]),
      { untilStatus: false, timeoutMs: 3_000 },
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.text).toMatch(/grpc-status: ?8\r\n/); // RESOURCE_EXHAUSTED
    expect(decodeURIComponent(/grpc-message: ?([^\r]*)/.exec(answer.text)?.[1] ?? '')).toMatch(
      /maxMessageBytes/,
    );
    expect(server.stats().refusedWrites).toBe(1);

    // gRPC on HTTP/2 (what cameras and SDKs use): RESOURCE_EXHAUSTED, and the call ends.
    const client = rawClient(server.port);
    cleanups.push(() => client.close());
    const status = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = client.makeClientStreamRequest<Buffer, Buffer>(
        `${RPC}/WriteMessages`,
        (b) => b,
        (b) => b,
        (error) => resolve(error),
      );
      call.write(Buffer.alloc(2 * MiB));
      call.end();
    });
    expect(status?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status?.details).toMatch(/maxMessageBytes/);

    // The publish WebSocket: a message over the limit closes that socket with 1009.
    const ws = new WebSocket(server.publishUrl);
    cleanups.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Buffer.alloc(2 * MiB));
    expect(await closed).toBe(1009);
  });

  it('keeps the bytes held for arriving messages under maxBufferedBytes across clients (gRPC and publish)', async () => {
    server = await startServer({ port: 0, maxMessageBytes: 4 * MiB, maxBufferedBytes: 10 * MiB });
    // Six writers each declare a 3 MiB message and send half of it: only three fit at once.
    const writers = Array.from({ length: 6 }, () => halfWrite(server!.port, 3 * MiB));
    cleanups.push(() => {
      for (const w of writers) w.socket.destroy();
    });
    await until(() => writers.every((w) => w.half || w.text.length > 0), 'every writer to send half');
    await until(() => writers.filter((w) => /grpc-status/.test(w.text)).length >= 3, 'the refusals');
    const refusedNow = writers.filter((w) => /grpc-status: ?8\r\n/.test(w.text));
    expect(refusedNow).toHaveLength(3);
    expect(decodeURIComponent(/grpc-message: ?([^\r]*)/.exec(refusedNow[0]!.text)?.[1] ?? '')).toMatch(
      /maxBufferedBytes/,
    );
    expect(server.stats().bufferedBytes).toBe(9 * MiB);
    // The others finish and are accepted (an empty WriteMessagesRequest carrying an unknown field).
    for (const w of writers) if (!refusedNow.includes(w)) w.finish();
    await until(() => writers.every((w) => /grpc-status/.test(w.text)), 'every answer');
    expect(writers.filter((w) => /grpc-status: ?0\r\n/.test(w.text))).toHaveLength(3);
    await until(() => server!.stats().bufferedBytes === 0, 'the budget to be given back');

    // A publisher whose partial message does not fit is closed with 1013; a small one still passes.
    const hog = writers.slice(0, 3).map(() => halfWrite(server!.port, 3 * MiB));
    cleanups.push(() => {
      for (const w of hog) w.socket.destroy();
    });
    await until(() => hog.every((w) => w.half), 'the gRPC writers to hold 9 MiB');
    const ws = new WebSocket(server.publishUrl);
    cleanups.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.send(Buffer.alloc(2 * MiB), { fin: false });
    const { code, reason } = await closed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/maxBufferedBytes/);
    expect(server.stats().publish.busy).toBe(1);
  });

  it('several concurrent oversized writes leave the server process within 100 MB of its memory baseline', async () => {
    // The server runs in a child process so its RSS is its own.
    child = await startChildServer({ port: 0, maxMessageBytes: 16 * MiB, maxBufferedBytes: 64 * MiB });
    // Warm up the paths, then take the baseline.
    await rawExchange(child.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    const baseline = await child.resetPeak();
    const writers = Array.from({ length: 4 }, () => bigWrite(child!.port, 400 * MiB, 64 * MiB));
    const results = await Promise.all(writers);
    const peak = await child.peak();
    for (const r of results) expect(r.text).toMatch(/grpc-status: ?8\r\n/);
    console.info(
      `oversized writes: 4 × ${results[0]!.sent / MiB} MiB sent; server RSS baseline ${Math.round(baseline / 1e6)} MB, ` +
        `peak ${Math.round(peak / 1e6)} MB`,
    );
    expect((peak - baseline) / 1e6, 'RSS growth over the baseline (MB)').toBeLessThan(100);
    // close() leaves nothing behind: the process ends by itself.
    expect(await child.close()).toBe(0);
    child = undefined;
  }, 60_000);
});

describe('close()', { timeout: 30_000 }, () => {
  it('ends cleanly with the timers in place: every timer, socket and server it made is gone', async () => {
    // Every timer and TCP handle made while the server serves, until each is destroyed.
    // (HTTP2SESSION wraps go when collected; the sockets under them are counted.)
    const kinds = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'TLSWRAP']);
    const live = new Map<number, string>();
    let serving = true;
    const hook = createHook({
      init(id, type) {
        if (serving && kinds.has(type)) live.set(id, type);
      },
      destroy(id) {
        live.delete(id);
      },
    }).enable();
    cleanups.push(() => hook.disable());
    // Long timeouts: a timer close() forgot would outlive the wait below.
    const long = 60_000;
    server = await startServer({
      port: 0,
      handshakeTimeout: long,
      headersTimeout: long,
      requestTimeout: long,
      idleTimeout: long,
      maxConnections: 3,
    });
    // One of each: an HTTP/1.1 keep-alive connection, an HTTP/2 session, a stalled preface, a viewer, a refusal.
    const page = connectTcp(server.port, '127.0.0.1');
    page.on('error', () => {});
    page.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    const session = connectH2(`http://127.0.0.1:${server.port}`);
    session.on('error', () => {});
    const stalled = connectTcp(server.port, '127.0.0.1');
    stalled.on('error', () => {});
    stalled.write('P');
    videoRecording([server.sink()]);
    const viewer = readGrpcWeb(server.port);
    await viewer.waitFor(2);
    await until(
      () => server!.stats().connections === 3,
      'three connections (the stalled one is not served yet)',
    );
    const refused = connectTcp(server.port, '127.0.0.1');
    refused.on('error', () => {});
    refused.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => server!.stats().refusedConnections === 1, 'the refusal');
    serving = false;
    await server.close();
    server = undefined;
    await viewer.ended;
    for (const s of [page, stalled, refused]) s.destroy();
    session.destroy();
    await until(
      () => live.size === 0,
      () => `every handle to go (left: ${[...live.values()].join(', ')})`,
      5_000,
    );
  }, 20_000);
});

/**
 * A gRPC-web WriteMessages whose one message is an empty WriteMessagesRequest padded with an unknown bytes
 * field to `size`: it sends the first half, then the rest on `finish()`.
 */
function halfWrite(port: number, size: number) {
  const fieldHead = Buffer.concat([Buffer.from([0x7a]), varint(size - 1 - varint(size).length)]);
  const padding = size - fieldHead.length;
  const message = Buffer.concat([fieldHead, Buffer.alloc(padding)]);
  if (message.length !== size) throw new Error('bad padding');
  const envelope = Buffer.alloc(5);
  envelope.writeUInt32BE(size, 1);
  const body = Buffer.concat([envelope, message]);
  const socket = connectTcp(port, '127.0.0.1');
  const state = {
    socket,
    text: '',
    half: false,
    finish: () => socket.write(body.subarray(body.length >> 1)),
  };
  socket.on('error', () => {});
  socket.on('data', (d: Buffer) => {
    state.text += d.toString('latin1');
  });
  socket.write(
    `POST ${RPC}/WriteMessages HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\ncontent-length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, body.length >> 1), () => {
    state.half = true;
  });
  return state;
}

/** A gRPC-web WriteMessages declaring `declared` bytes that sends `send` of them, answered or not. */
function bigWrite(port: number, declared: number, send: number): Promise<{ text: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    let text = '';
    let sent = 0;
    const envelope = Buffer.alloc(5);
    envelope.writeUInt32BE(declared, 1);
    const chunk = Buffer.alloc(256 * 1024, 7);
    const done = () => {
      socket.destroy();
      resolve({ text, sent });
    };
    const timer = setTimeout(done, 20_000);
    socket.on('error', done);
    socket.on('close', done);
    const check = () => {
      if (/grpc-status/.test(text) && sent >= send) {
        clearTimeout(timer);
        done();
      }
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      check();
    });
    socket.write(
      `POST ${RPC}/WriteMessages HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\ncontent-length: ${5 + declared}\r\n\r\n`,
    );
    socket.write(envelope);
    const pump = () => {
      while (sent < send && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      check();
    };
    pump();
  });
}
