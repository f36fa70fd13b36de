import { request } from 'node:http';
import { VideoStream } from '@camstream/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type CamstreamServer, startServer } from '../server.js';
import { fakeSample, readGrpcWeb, videoRecording } from '../test-util.js';

let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a slow viewer over a real socket', () => {
  it('is skipped forward instead of slowing the others or growing memory', async () => {
    server = await startServer({ port: 0, maxQueuedBytes: 512 * 1024 });
    const rec = videoRecording([server.sink()]);
    const fast = readGrpcWeb(server.port);
    // A viewer that reads its headers and then never reads again.
    const stalled = await new Promise<{ destroy(): void }>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server!.port,
        method: 'POST',
        path: '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
        headers: { 'content-type': 'application/grpc-web+proto' },
      });
      req.on('response', (res) => {
        res.pause();
        resolve(req);
      });
      req.end(Buffer.alloc(5));
    });
    await fast.waitFor(2);
    // 600 frames of 32 KiB (~19 MiB, more than loopback socket buffers can absorb): far more than socket buffers plus the 256 KiB allowance.
    const padding = new Uint8Array(32 * 1024).fill(7);
    for (let i = 0; i < 600; i++) {
      const sample = fakeSample(i, i % 30 === 0);
      const big = new Uint8Array(sample.length + padding.length);
      big.set(sample);
      big.set(padding, sample.length);
      rec.setTime('time', { duration: BigInt(i) * 33_333_333n });
      rec.log('video', VideoStream.fromFields({ sample: big }));
      await new Promise((r) => setTimeout(r, 3)); // ~300 fps of 32 KiB frames: faster than real time
    }
    await rec.flush();
    await fast.waitFor(2 + 600, 15_000);
    expect(fast.frames.filter((f) => 'data' in f)).toHaveLength(602); // the fast viewer got every frame
    expect(server.stats().skipped).toBeGreaterThan(50); // the stalled one was skipped forward
    expect(server.stats().viewers).toBe(2);
    stalled.destroy();
    fast.abort();
  }, 30_000);
});
