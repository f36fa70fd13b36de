import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { errorMessage } from '@camstream/core/media';
import { CliError } from '../errors.js';
import type { ServeOptions, ServeTls } from './options.js';

/** Shortest access token the server accepts. */
export const MIN_TOKEN_LENGTH = 8;

/** Longest {@link ServeOptions.batchMs}: beyond a second, batching is the latency. */
export const MAX_SERVE_BATCH_MS = 1000;

/** Environment variable `camstream capture --serve` reads its access token from (kept out of `ps`). */
export const TOKEN_ENV = 'CAMSTREAM_TOKEN';

/**
 * Whether `host` is a loopback address: the server's rule (anything else needs an access token). A copy, because
 * `camstream capture`'s flag checks run before the server may load; a test holds it to the server's.
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `HOST:PORT` as typed back to the user (`[::]:9090` for IPv6). */
export function shownAddress(serve: ServeOptions): string {
  return `${serve.host.includes(':') ? `[${serve.host}]` : serve.host}:${serve.port}`;
}

/**
 * Checks `serve`'s token and TLS material before anything starts: a token of at least 8 visible ASCII
 * characters, required off loopback (`usage`); a PEM certificate and the private key that belongs to it
 * (`input`). `names` are what the messages call the two PEM inputs (the CLI passes its file paths).
 */
export function checkServeOptions(
  serve: ServeOptions,
  names: { readonly cert: string; readonly key: string } = {
    cert: 'the TLS certificate (--tls-cert)',
    key: 'the TLS key (--tls-key)',
  },
): void {
  const { token } = serve;
  if (token !== undefined) {
    if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
      throw new CliError(
        'usage',
        `the access token must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters without spaces (got ${token.length} characters); make one with: openssl rand -hex 16`,
      );
    }
  } else if (!isLoopbackHost(serve.host)) {
    throw new CliError(
      'usage',
      `--serve ${shownAddress(serve)} is reachable from other machines, so viewers need an access token: set ${TOKEN_ENV} (e.g. export ${TOKEN_ENV}=$(openssl rand -hex 16)) or pass --token TOKEN`,
    );
  }
  if (serve.tls !== undefined) checkTls(serve.tls, names);
  const { batchMs } = serve;
  if (batchMs !== undefined && !(Number.isFinite(batchMs) && batchMs >= 0 && batchMs <= MAX_SERVE_BATCH_MS)) {
    throw new CliError(
      'usage',
      `the serve batch time (--serve-batch, batchMs) must be 0 to ${MAX_SERVE_BATCH_MS} ms (0 sends every frame at once), got ${batchMs}`,
    );
  }
}

/** A PEM certificate and the unencrypted private key that belongs to it, or a one-line `input` error. */
function checkTls(tls: ServeTls, names: { readonly cert: string; readonly key: string }): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(tls.cert);
  } catch (error) {
    throw new CliError('input', `${names.cert} is not a PEM certificate (${reason(error)})`, {
      cause: error,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(tls.key);
  } catch (error) {
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(String(tls.key));
    throw new CliError(
      'input',
      encrypted
        ? `${names.key} is encrypted; give it unencrypted (openssl pkey -in KEY -out PLAIN.key)`
        : `${names.key} is not a PEM private key (${reason(error)})`,
      { cause: error },
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new CliError('input', `${names.key} does not belong to ${names.cert}; give the matching pair`);
  }
}

function reason(error: unknown): string {
  return errorMessage(error).replace(/\s*\n\s*/g, ' ');
}
