import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, isCamstreamError } from '@camstream/core/media';
import { startServer } from '@camstream/server';
import { selfSigned } from '@camstream/test-helpers/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { capture } from './capture.js';
import { checkServeOptions, isLoopbackHost } from './serve-options.js';

// `serve`'s access token and TLS pair: checked before anything starts, and handed to the real server.
const dir = mkdtempSync(join(tmpdir(), 'camstream-serve-'));
let cert: Buffer;
let key: Buffer;
let otherKey: Buffer;
let encryptedKey: Buffer;

beforeAll(() => {
  const a = selfSigned(dir, 'a');
  ({ cert, key } = a);
  otherKey = selfSigned(dir, 'b').key;
  const encrypted = join(dir, 'enc.key');
  execFileSync('openssl', [
    'pkey',
    '-in',
    a.keyFile,
    '-aes256',
    '-passout',
    'pass:secret1',
    '-out',
    encrypted,
  ]);
  encryptedKey = readFileSync(encrypted);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Status and `set-cookie` of an HTTPS GET that trusts only `ca`. */
function get(url: string, ca: Buffer): Promise<{ status: number; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0] });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve options', () => {
  it('need a token off loopback, naming both ways to give one', () => {
    expect(() => checkServeOptions({ host: '0.0.0.0', port: 9090 })).toThrow(
      new CliError(
        'usage',
        '--serve 0.0.0.0:9090 is reachable from other machines, so viewers need an access token: set CAMSTREAM_TOKEN (e.g. export CAMSTREAM_TOKEN=$(openssl rand -hex 16)) or pass --token TOKEN',
      ),
    );
    expect(() => checkServeOptions({ host: '::', port: 1 })).toThrow(/--serve \[::\]:1 is reachable/);
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(() => checkServeOptions({ host, port: 0 })).not.toThrow();
    }
    expect(() => checkServeOptions({ host: '0.0.0.0', port: 0, token: 'abcd1234' })).not.toThrow();
  });

  it('call loopback exactly the hosts the server lets bind without a token (the rule is copied: start-up cannot load the server)', async () => {
    const hosts = [
      '127.0.0.1',
      '127.9.8.7',
      '::1',
      'localhost',
      '0.0.0.0',
      '::',
      '10.1.2.3',
      'localhost.',
      '::ffff:127.0.0.1',
      '127.0.0.1.example.com',
    ];
    for (const host of hosts) {
      // Refused for the missing token before binding; a loopback host binds (or fails to, without IPv6).
      const needsToken = await startServer({ host, port: 0 }).then(
        (server) => server.close().then(() => false),
        (error: unknown) =>
          isCamstreamError(error, 'invalid-option') && /needs an access token/.test(errorMessage(error)),
      );
      expect(isLoopbackHost(host), host).toBe(!needsToken);
    }
  });

  it('refuse short tokens and tokens with spaces (usage)', () => {
    for (const token of ['', 'short', '1234567', 'has space 123', 'tab\there123', 'ünïcødé-tøken']) {
      expect(() => checkServeOptions({ host: '127.0.0.1', port: 0, token }), token).toThrow(
        /the access token must be at least 8 visible ASCII characters without spaces/,
      );
    }
  });

  it('take a batch time from 0 to 1000 ms and refuse others (usage)', () => {
    for (const batchMs of [0, 33, 100, 1000])
      expect(() => checkServeOptions({ host: '127.0.0.1', port: 0, batchMs })).not.toThrow();
    for (const batchMs of [-1, 1001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkServeOptions({ host: '127.0.0.1', port: 0, batchMs }), String(batchMs)).toThrow(
        /the serve batch time \(--serve-batch, batchMs\) must be 0 to 1000 ms/,
      );
    }
  });

  it('refuse TLS material that cannot work, in one line (input)', () => {
    const serve = { host: '127.0.0.1', port: 0 };
    const cases: [{ cert: Buffer | string; key: Buffer | string }, RegExp][] = [
      [{ cert: 'not a certificate', key }, /^the TLS certificate \(--tls-cert\) is not a PEM certificate \(/],
      [{ cert, key: 'not a key' }, /^the TLS key \(--tls-key\) is not a PEM private key \(/],
      [{ cert: key, key }, /is not a PEM certificate/],
      [{ cert, key: otherKey }, /^the TLS key \(--tls-key\) does not belong to the TLS certificate/],
      [{ cert, key: encryptedKey }, /is encrypted; give it unencrypted/],
    ];
    for (const [tls, message] of cases) {
      let error: unknown;
      try {
        checkServeOptions({ ...serve, tls });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: 'input' });
      expect((error as CliError).message).toMatch(message);
      expect((error as CliError).message).not.toContain('\n');
    }
    expect(() => checkServeOptions({ ...serve, tls: { cert, key } })).not.toThrow();
  });

  it('capture() refuses a non-loopback serve without a token before opening anything', async () => {
    await expect(capture({ serve: { host: '0.0.0.0', port: 0 }, frames: 2 })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/viewers need an access token/),
    });
    await expect(
      capture({ serve: { host: '127.0.0.1', port: 0, token: 'short' }, frames: 2 }),
    ).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/at least 8/) });
  });

  it('capture() serves HTTPS with the token: the page needs it, /?token= sets a secure cookie', async () => {
    const stop = new AbortController();
    const token = 'e2e-token-0123456789';
    let checked: Promise<{ without: number; withToken: number; cookie: string | undefined }> | undefined;
    const summary = await capture({
      width: 64,
      height: 48,
      preset: 'ultrafast',
      serve: { host: '127.0.0.1', port: 0, token, tls: { cert, key } },
      signal: stop.signal,
      onStart: (info) => {
        checked = (async () => {
          try {
            const without = await get(`${info.url}/`, cert);
            const opened = await get(`${info.url}/?token=${token}`, cert);
            return { without: without.status, withToken: opened.status, cookie: opened.cookie };
          } finally {
            stop.abort();
          }
        })();
      },
    });
    expect(summary.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const result = await checked;
    expect(result?.without).toBe(401);
    expect(result?.withToken).toBe(303);
    expect(result?.cookie).toMatch(/^camstream_token=e2e-token-0123456789; .*HttpOnly.*Secure/);
    // A real capture: the wasm encoder starts in a worker first, which takes seconds on a busy machine.
  }, 60_000);
});
