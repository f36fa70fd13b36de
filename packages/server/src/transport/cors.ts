import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

const LOOPBACK = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Whether `origin` may call the proxy: Rerun's allow-list (localhost, 127.0.0.1, ::1) plus `extra`. */
export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  return LOOPBACK.test(origin) || extra.includes(origin);
}

/**
 * Applies CORS to a request. Returns `true` when the request was a preflight and has been answered (204, or
 * 403 for an origin not on the list). Same-origin and non-browser requests (no `Origin`) pass untouched.
 */
export function handleCors(
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
  extra: readonly string[],
): boolean {
  const origin = request.headers.origin;
  const preflight = request.method === 'OPTIONS';
  if (typeof origin !== 'string') {
    if (preflight) {
      response.writeHead(204).end();
      return true;
    }
    return false;
  }
  const allowed = isAllowedOrigin(origin, extra);
  response.setHeader('vary', 'Origin');
  if (allowed) {
    response.setHeader('access-control-allow-origin', origin);
    response.setHeader('access-control-expose-headers', 'grpc-status, grpc-message, grpc-status-details-bin');
  }
  if (!preflight) return false;
  if (!allowed) {
    response.writeHead(403).end();
    return true;
  }
  const headers = request.headers['access-control-request-headers'];
  response.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
  response.setHeader(
    'access-control-allow-headers',
    typeof headers === 'string' ? headers : 'content-type, x-grpc-web, x-user-agent',
  );
  if (request.headers['access-control-request-private-network'] === 'true')
    response.setHeader('access-control-allow-private-network', 'true');
  response.setHeader('access-control-max-age', '600');
  response.writeHead(204).end();
  return true;
}
