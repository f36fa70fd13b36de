import { request } from 'node:http';
import { frameTime, VIEWER_BATCHING } from '@camstream/core';
import { decodeChunk } from '@camstream/core/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { type CamstreamServer, startServer } from './server.js';
import { logFrame, readGrpcWeb, responses, videoRecording } from './test-util.js';

let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const kinds = (frames: Parameters<typeof responses>[0]) =>
  responses(frames).map((r) => {
    const msg = r.logMsg?.msg;
    return msg?.case === 'arrowMsg' ? (msg.value.isStatic ? 'static' : 'arrow') : (msg?.case ?? 'empty');
  });

describe('gRPC-web ReadMessages on HTTP/1.1', () => {
  it.each([
    ['the shared-frame route', true],
    ['Connect', false],
  ])(
    'streams live, replays from the latest keyframe for late joiners, ends with a trailer (%s)',
    async (_name, shared) => {
      server = await startServer({ port: 0, sharedGrpcWebFrames: shared });
      const rec = videoRecording([server.sink()]);
      const early = readGrpcWeb(server.port, { origin: 'http://localhost:3000' });
      expect(await early.status).toBe(200);
      const headers = await early.headers;
      expect(headers['content-type']).toBe('application/grpc-web+proto');
      expect(headers['access-control-allow-origin']).toBe('http://localhost:3000');
      // store info + static codec so far
      await early.waitFor(2);
      for (let i = 0; i < 25; i++) logFrame(rec, i, 10); // keyframes at 0, 10, 20
      await rec.flush();
      await early.waitFor(2 + 50);
      expect(kinds(early.frames).slice(0, 3)).toEqual(['setStoreInfo', 'static', 'arrow']);

      const late = readGrpcWeb(server.port);
      // store info, static codec, video 20..24 (5) and scalars from time(20) on (5)
      const frames = await late.waitFor(2 + 10);
      await new Promise((r) => setTimeout(r, 100));
      expect(frames).toHaveLength(12);
      const arrows = responses(frames).slice(2);
      const first = arrows[0]!.logMsg!.msg;
      expect(first.case).toBe('arrowMsg');
      logFrame(rec, 25, 10);
      await rec.flush();
      await late.waitFor(14);
      expect(server.stats().viewers).toBe(2);

      await server.close();
      server = undefined;
      await Promise.all([early.ended, late.ended]);
      for (const read of [early, late]) {
        const last = read.frames.at(-1)!;
        expect('trailer' in last && last.trailer).toMatch(/grpc-status: ?0/);
      }
    },
  );

  it("its sink sends viewers 100 ms micro-batches that each keyframe starts; a late joiner's video starts at the keyframe", async () => {
    server = await startServer({ port: 0 });
    expect(server.sink().batching).toEqual(VIEWER_BATCHING);
    const rec = videoRecording([server.sink()], 'rec', { ownBatching: true });
    for (let i = 0; i < 25; i++) logFrame(rec, i, 10); // keyframes at 0, 10, 20; logged faster than 100 ms
    await rec.flush();
    const late = readGrpcWeb(server.port);
    // store info, static codec, the video of frames 20–24 as one message, the scalars as one
    await late.waitFor(4);
    await new Promise((r) => setTimeout(r, 100));
    const video = responses(late.frames).flatMap((r) => {
      const msg = r.logMsg?.msg;
      if (msg?.case !== 'arrowMsg' || msg.value.isStatic) return [];
      const chunk = decodeChunk(msg.value.payload);
      return chunk.entityPath === '/video' ? [chunk.timelines.find((t) => t.name === 'time')?.values] : [];
    });
    expect(video).toEqual([[20, 21, 22, 23, 24].map((i) => frameTime(i, 30))]);
    late.abort();
  });

  it('answers CORS preflights for allowed origins only', async () => {
    server = await startServer({ port: 0, allowedOrigins: ['https://app.example'] });
    const preflight = (origin: string) =>
      new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port: server!.port,
          method: 'OPTIONS',
          path: '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,x-grpc-web',
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      });
    for (const origin of ['http://127.0.0.1:5173', 'http://localhost', 'https://app.example']) {
      const { status, headers } = await preflight(origin);
      expect(status).toBe(204);
      expect(headers['access-control-allow-origin']).toBe(origin);
      expect(headers['access-control-allow-headers']).toBe('content-type,x-grpc-web');
    }
    expect((await preflight('https://evil.example')).status).toBe(403);
  });

  it('serves the hosted page and the viewer files (extensionless import)', async () => {
    server = await startServer({ port: 0 });
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain("import { WebViewer } from '/viewer/index.js'");
    const js = await fetch(`${server.url}/viewer/re_viewer`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    await js.arrayBuffer();
    expect((await fetch(`${server.url}/viewer/../package.json`)).status).toBe(404);
  });

  it('binds 127.0.0.1 by default and reports a taken port as bind-failed', async () => {
    server = await startServer({ port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startServer({ port: server.port })).rejects.toMatchObject({ code: 'bind-failed' });
  });
});
