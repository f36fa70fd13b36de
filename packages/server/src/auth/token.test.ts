import { grpc, rawClient } from '@camstream/test-helpers/grpc-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectSink } from '../connect/connect-sink.js';
import { type CamstreamServer, startServer } from '../server.js';
import { logFrame, readGrpcWeb, videoRecording } from '../test-util.js';

const TOKEN = 'correct-horse-battery';
let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('access token', () => {
  it('is required off loopback', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'invalid-option' });
  });

  it('the hosted page: /?token= sets an HttpOnly SameSite=Strict cookie and redirects; the viewer then reads', async () => {
    server = await startServer({ port: 0, token: TOKEN });
    expect((await fetch(`${server.url}/`)).status).toBe(401);
    expect((await fetch(`${server.url}/?token=wrong-token`, { redirect: 'manual' })).status).toBe(401);
    const ok = await fetch(`${server.url}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    expect((await fetch(`${server.url}/`, { headers: { cookie: pair } })).status).toBe(200);
    expect((await fetch(`${server.url}/viewer/index.js`)).status).toBe(401);

    videoRecording([server.sink()]);
    const refused = readGrpcWeb(server.port);
    expect((await refused.headers)['grpc-status']).toBe('16');
    const viewer = readGrpcWeb(server.port, { cookie: pair });
    await viewer.waitFor(2);
    viewer.abort();
  });

  it('gRPC, connectSink and the publish socket need the Bearer token', async () => {
    server = await startServer({ port: 0, token: TOKEN });
    // grpc-js without / with metadata
    const client = rawClient(server.port);
    const call = (metadata: grpc.Metadata) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const c = client.makeClientStreamRequest<Buffer, Buffer>(
          '/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteMessages',
          (b) => b,
          (b) => b,
          metadata,
          (e) => resolve(e),
        );
        c.end();
      });
    expect((await call(new grpc.Metadata()))?.code).toBe(grpc.status.UNAUTHENTICATED);
    const auth = new grpc.Metadata();
    auth.set('authorization', `Bearer ${TOKEN}`);
    expect(await call(auth)).toBeNull();
    client.close();

    // connectSink: right token delivers, wrong token stops with UNAUTHENTICATED instead of retrying forever
    const good = connectSink(server.proxyUrl, { token: TOKEN });
    const rec = videoRecording([good]);
    logFrame(rec, 0);
    await rec.close();
    expect(good.stats.delivered).toBe(true);
    const bad = connectSink(server.proxyUrl, { token: 'wrong-token' });
    const rec2 = videoRecording([bad], 'other');
    await expect(rec2.close()).rejects.toMatchObject({
      code: 'sink-failed',
      cause: { code: 'peer-refused' },
    });
    expect(bad.error?.code).toBe(16);

    // publish socket
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(server!.publishUrl, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await status({})).toBe(401);
    expect(await status({ authorization: `Bearer ${TOKEN}` })).toBe(101);
  });
});
