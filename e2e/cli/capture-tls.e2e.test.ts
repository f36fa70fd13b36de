import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSigned } from '@camstream/test-helpers/tls';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, poll, watchPage } from '../harness/browser.js';
import { assertCliBuilt, runCli, startCli } from '../harness/cli-process.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';

// `camstream capture --serve` with an access token and HTTPS, run as the built binary and opened in Chromium:
// the page is a secure context over TLS (WebCodecs, so the viewer shows video), and the token gates it. The
// certificate is self-signed, made by Debian's openssl; Chromium trusts exactly its key (SPKI pin).
const artifacts = join(import.meta.dirname, '..', 'test-results');
const TOKEN = 'e2e-tls-token-5f2a9c';
let dir: string;
let certFile: string;
let keyFile: string;
let browser: Browser;

beforeAll(async () => {
  assertCliBuilt();
  mkdirSync(artifacts, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'camstream-capture-tls-'));
  ({ certFile, keyFile } = selfSigned(dir, 'tls'));
  // base64(sha256(SubjectPublicKeyInfo)): what --ignore-certificate-errors-spki-list takes.
  const spki = new X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pin}`],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The part of the hosted page's `WebViewer` (window.camstream.viewer) the test reads. */
interface HostedViewer {
  get_active_recording_id(): string | null;
  get_time_range(recording: string, timeline: string): { min: number; max: number } | null;
}

describe('camstream capture --serve with a token over HTTPS', () => {
  it('prints the https URL with the token; Chromium opens it and the hosted viewer plays the video', async () => {
    const cli = startCli(
      [
        'capture',
        '--encoder',
        'wasm',
        '--serve',
        '127.0.0.1:0',
        '--tls-cert',
        certFile,
        '--tls-key',
        keyFile,
        '--size',
        '320x180',
        '--preset',
        'ultrafast',
        '--recording-id',
        'e2e-tls',
      ],
      { env: { CAMSTREAM_TOKEN: TOKEN } },
    );
    const [url, origin] = await cli.waitFor(/^(https:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)$/m, 'stdout');
    expect(url).toBe(`${origin}/?token=${TOKEN}`);

    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const watch = watchPage(page);
    // The certificate is accepted (pinned), but without the token the page is refused.
    const refused = await page.goto(`${origin}/`);
    expect(refused?.status()).toBe(401);

    // With it: a cookie, a redirect to the page, a secure context with WebCodecs, and the live video.
    const opened = await page.goto(url!);
    expect(opened?.url()).toBe(`${origin}/`);
    expect(opened?.status()).toBe(200);
    expect(await page.evaluate(() => window.isSecureContext && typeof VideoDecoder === 'function')).toBe(
      true,
    );
    const liveRange = () =>
      page.evaluate(() => {
        const viewer = (window as unknown as { camstream?: { viewer: HostedViewer } }).camstream?.viewer;
        const id = viewer?.get_active_recording_id() ?? null;
        return id === 'e2e-tls' ? (viewer?.get_time_range(id, 'time') ?? null) : null;
      });
    const first = await poll(
      'the live recording on the hosted page',
      async () => (await liveRange()) ?? undefined,
      60_000,
    );
    await poll('its time range to grow', async () => {
      const range = await liveRange();
      return range !== null && range.max >= first.max + 1e9 ? range : undefined;
    });
    const png = await poll(
      'the live pattern on the hosted page',
      async () => {
        const shot = await page.screenshot();
        return showsTestPattern(shot).ok ? shot : undefined;
      },
      60_000,
    );
    writeFileSync(join(artifacts, 'capture-serve-tls.png'), png);
    expect(watch.problems()).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    await page.close();

    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${url}\n`);
    // Log lines name the page, never the token.
    expect(result.stderr).toContain(`serving the viewer at ${origin};`);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('--token wins over CAMSTREAM_TOKEN', async () => {
    const result = await runCli(
      [
        'capture',
        '--encoder',
        'wasm',
        '--serve',
        '127.0.0.1:0',
        '--token',
        'from-the-flag-123',
        '--frames',
        '3',
        '--size',
        '64x48',
        '--preset',
        'ultrafast',
        '--linger',
        '1ms',
      ],
      { env: { CAMSTREAM_TOKEN: 'short' } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=from-the-flag-123\n$/);
  });

  it('off loopback without TLS: one warning line; with TLS: none (both stop at a missing input before binding)', async () => {
    // The input fails to open before the server binds: nothing listens on 0.0.0.0.
    const missing = join(dir, 'missing.y4m');
    const args = ['capture', '--encoder', 'wasm', '--serve', '0.0.0.0:0', '--input', missing];
    const plain = await runCli(args, { env: { CAMSTREAM_TOKEN: TOKEN } });
    expect(plain.code).toBe(1);
    expect(plain.stderr.trimEnd().split('\n')).toEqual([
      'camstream: warning: serving 0.0.0.0:0 over plain HTTP: the token travels in clear and browsers on other machines show no video (WebCodecs needs HTTPS); add --tls-cert and --tls-key',
      `camstream: ${missing} does not exist; check the path (--input FILE)`,
    ]);
    const secure = await runCli([...args, '--tls-cert', certFile, '--tls-key', keyFile], {
      env: { CAMSTREAM_TOKEN: TOKEN },
    });
    expect(secure.code).toBe(1);
    expect(secure.stderr).toBe(`camstream: ${missing} does not exist; check the path (--input FILE)\n`);
  });
});
