import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Name of the cookie the hosted page's `/?token=…` sets. */
export const TOKEN_COOKIE = 'camstream_token';

/**
 * Whether `given` is the token, compared in constant time (for equal lengths; the length is not secret enough
 * to hide, a token's strength is in its bytes).
 */
export function sameToken(given: string, token: string): boolean {
  const x = Buffer.from(given);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `decodeURIComponent`, or `undefined` for malformed percent-encoding (a client's bytes, never a crash). */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request carries the access token: `authorization: Bearer <token>` (gRPC and publish clients) or
 * the HttpOnly cookie set by `/?token=…` (the hosted page and the viewer inside it, whose fetch sends only
 * same-origin cookies).
 */
export function hasToken(headers: IncomingHttpHeaders, token: string): boolean {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth) && sameToken(auth.slice(7).trim(), token))
    return true;
  const cookie = headers.cookie;
  if (typeof cookie !== 'string') return false;
  for (const part of cookie.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(0, at).trim() !== TOKEN_COOKIE) continue;
    // A malformed value is simply not the token.
    const value = safeDecode(part.slice(at + 1).trim());
    if (value !== undefined && sameToken(value, token)) return true;
  }
  return false;
}

/** The `Set-Cookie` value for the token: HttpOnly, SameSite=Strict, `Secure` under TLS. */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Whether `host` is a loopback address (binding elsewhere needs a token). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
