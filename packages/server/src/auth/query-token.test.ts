import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CamstreamServer, startServer } from '../server.js';

// Watches the constant-time comparison (it still compares for real).
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const TOKEN = 'correct-horse-battery';
let server: CamstreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the /?token= check', () => {
  it('compares the query token in constant time, like the cookie and Bearer paths', async () => {
    server = await startServer({ port: 0, token: TOKEN });
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    // Same length as the token, one letter off: refused, through timingSafeEqual.
    const wrong = `${TOKEN.slice(0, -1)}x`;
    expect((await fetch(`${server.url}/?token=${wrong}`, { redirect: 'manual' })).status).toBe(401);
    expect(compare.mock.calls.some(([a]) => Buffer.from(a as Uint8Array).toString() === wrong)).toBe(true);
    compare.mockClear();
    expect((await fetch(`${server.url}/?token=${TOKEN}`, { redirect: 'manual' })).status).toBe(303);
    expect(compare.mock.calls.some(([a]) => Buffer.from(a as Uint8Array).toString() === TOKEN)).toBe(true);
    // Malformed escapes in the query or the cookie are a plain refusal.
    const odd = await fetch(`${server.url}/?token=%zz`, {
      redirect: 'manual',
      headers: { cookie: 'camstream_token=%E0%A4%A' },
    });
    expect(odd.status).toBe(401);
  });
});
