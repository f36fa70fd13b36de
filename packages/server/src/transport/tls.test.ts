import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { grpc, rawMessageProxy, unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openAfter } from '../raw-http.test-util.js';
import { type CamstreamServer, startServer } from '../server.js';
import { logFrame, videoRecording } from '../test-util.js';

let cert: Buffer;
let key: Buffer;
let server: CamstreamServer;
const dir = tempDir('camstream-tls-');

beforeAll(async () => {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost']
      .concat(['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'])
      .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  key = readFileSync(join(dir, 'key.pem'));
  server = await startServer({ port: 0, tls: { cert, key }, token: 'tls-token-123' });
});
afterAll(() => server?.close());

describe('TLS (HTTP/1.1 and HTTP/2 on one port through ALPN)', () => {
  it('serves the page over HTTPS/1.1 with a Secure cookie, gRPC over h2 + TLS, and wss publishing', async () => {
    expect(server.url).toMatch(/^https:/);
    const get = (path: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; alpn: string | false }>(
        (resolve, reject) => {
          const req = request(`${server.url}${path}`, { ca: cert }, (res) => {
            res.resume();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              alpn: (res.socket as { alpnProtocol?: string | false }).alpnProtocol ?? false,
            });
          });
          req.on('error', reject);
          req.end();
        },
      );
    const page = await get('/?token=tls-token-123');
    expect(page.status).toBe(303);
    expect(String(page.headers['set-cookie'])).toMatch(/; Secure/);

    // h2 + TLS with grpc-js: ReadMessages after an in-process log
    const rec = videoRecording([server.sink()]);
    logFrame(rec, 0);
    const Client = grpc.makeGenericClientConstructor(rawMessageProxy(), 'MessageProxyService');
    const client = new Client(`localhost:${server.port}`, grpc.credentials.createSsl(cert));
    const metadata = new grpc.Metadata();
    metadata.set('authorization', 'Bearer tls-token-123');
    const call = client.makeServerStreamRequest<Buffer, Buffer>(
      '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
      (b) => b,
      (b) => b,
      Buffer.alloc(0),
      metadata,
    );
    const first = await new Promise<Buffer>((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    expect(unwrapLogMsg(first)[0]).toBe(0x0a); // LogMsg.set_store_info
    call.cancel();
    client.close();

    // wss publish with the Bearer header
    const opened = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(server.publishUrl, {
        ca: cert,
        headers: { authorization: 'Bearer tls-token-123' },
      });
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('error', () => resolve(false));
    });
    expect(opened).toBe(true);
  });
});

describe('TLS timeouts', { timeout: 45_000 }, () => {
  it('drops a connection that never finishes its handshake, and cuts slow headers with 408', async () => {
    const strict = await startServer({
      port: 0,
      tls: { cert, key },
      handshakeTimeout: 400,
      headersTimeout: 400,
    });
    try {
      const silent = connectTcp(strict.port, '127.0.0.1');
      silent.on('error', () => {});
      expect(await openAfter(silent, 15_000)).toBe(false);

      const slow = connectTls({ port: strict.port, host: '127.0.0.1', ca: cert, servername: 'localhost' });
      slow.on('error', () => {});
      await new Promise((r) => slow.once('secureConnect', r));
      let text = '';
      slow.on('data', (d: Buffer) => {
        text += d.toString('latin1');
      });
      const headers = `GET / HTTP/1.1\r\nhost: x\r\nx-padding: ${'a'.repeat(200)}\r\n\r\n`;
      let sent = 0;
      const timer = setInterval(() => {
        if (!slow.destroyed) slow.write(headers[sent++]!);
      }, 100);
      const stillOpen = await openAfter(slow, 15_000);
      clearInterval(timer);
      expect(stillOpen).toBe(false);
      expect(text).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await strict.close();
    }
  });
});
