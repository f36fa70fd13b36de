// loadCoreModule against a real HTTP server on loopback serving the real ffmpeg-core.wasm.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreModule } from './core-module.js';

const wasm = readFileSync(createRequire(import.meta.url).resolve('@ffmpeg/core/wasm'));
const requests: string[] = [];
let server: Server;
let base: string;
let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/core.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    else if (req.url === '/octet.wasm')
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(wasm);
    else if (req.url === '/flaky.wasm' && flaky++ === 0) res.writeHead(503).end();
    else if (req.url === '/flaky.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const count = (path: string): number => requests.filter((r) => r === path).length;

describe('loadCoreModule', () => {
  it('compiles the core once per URL and hands every caller the same module', async () => {
    const [a, b] = await Promise.all([
      loadCoreModule(`${base}/core.wasm`),
      loadCoreModule(`${base}/core.wasm`),
    ]);
    const c = await loadCoreModule(`${base}/core.wasm`);
    expect(a).toBeInstanceOf(WebAssembly.Module);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(count('/core.wasm')).toBe(1);
    expect(WebAssembly.Module.exports(a).length).toBeGreaterThan(10);
  }, 60_000);

  it('compiles a core served with another content type', async () => {
    expect(await loadCoreModule(`${base}/octet.wasm`)).toBeInstanceOf(WebAssembly.Module);
  }, 60_000);

  it('says what a wrong URL answered instead of the core (an SPA fallback page)', async () => {
    await expect(loadCoreModule(`${base}/wrong/ffmpeg-core.wasm`)).rejects.toThrow(
      /wrong\/ffmpeg-core\.wasm answered text\/html, not a wasm module \(starts with "<!doctype html><"\); expected ffmpeg-core\.wasm/,
    );
  });

  it('does not cache a failure: the next call fetches again', async () => {
    await expect(loadCoreModule(`${base}/flaky.wasm`)).rejects.toThrow(/flaky\.wasm answered 503/);
    expect(await loadCoreModule(`${base}/flaky.wasm`)).toBeInstanceOf(WebAssembly.Module);
    expect(count('/flaky.wasm')).toBe(2);
  }, 60_000);
});
