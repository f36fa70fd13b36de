/** A `camstream capture --serve` server as the user typed it, resolved to what the page can open. */
export interface ServerAddress {
  /** `http(s)://host:port`. */
  readonly origin: string;
  /** What the embedded viewer opens: `rerun+http(s)://host:port/proxy`. */
  readonly proxyUrl: string;
  /** The server's own hosted viewer page (with the token when one was given). */
  readonly pageUrl: string;
  /** Whether the host is loopback (a server elsewhere always has a token). */
  readonly loopback: boolean;
  /** Whether the URL carried `?token=`. */
  readonly hasToken: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

/**
 * Accepts `http://host:port`, `http://host:port/?token=…`, or the proxy URL `rerun+http://host:port/proxy`
 * (as `camstream capture --serve` prints them). Throws a sentence for the page when it is none of those.
 */
export function parseServerAddress(input: string): ServerAddress {
  const text = input.trim();
  if (text === '') throw new Error('Enter the server URL that `camstream capture --serve` printed.');
  let url: URL;
  try {
    url = new URL(text.replace(/^rerun\+/, ''));
  } catch {
    throw new Error(`"${text}" is not a URL; expected e.g. http://127.0.0.1:9876`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${text}" is not an http(s) or rerun+http(s) URL`);
  const token = url.searchParams.get('token');
  const hasToken = token !== null && token !== '';
  const origin = url.origin;
  return {
    origin,
    proxyUrl: `rerun+${origin}/proxy`,
    pageUrl: hasToken ? `${origin}/?token=${encodeURIComponent(token)}` : `${origin}/`,
    loopback: LOOPBACK.test(url.hostname),
    hasToken,
  };
}

/** What the server said when asked for its page from this one. */
export type ServerProbe = 'open' | 'token-required' | 'unreachable';

/**
 * Asks the server for its page with CORS. A loopback, token-free server answers 200; one with a token
 * answers 401; one that cannot be reached, or does not allow this page's origin, fails the fetch.
 */
export async function probeServer(address: ServerAddress, signal?: AbortSignal): Promise<ServerProbe> {
  try {
    const response = await fetch(`${address.origin}/`, {
      method: 'HEAD',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      ...(signal !== undefined && { signal }),
    });
    if (response.status === 401) return 'token-required';
    return response.ok ? 'open' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
