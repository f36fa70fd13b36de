import { ServerError } from '../errors.js';

/**
 * Turns a Rerun proxy URL (`rerun+http://HOST:PORT/proxy`, `rerun+https://…`, `rerun://…`) into the HTTP
 * origin gRPC calls go to. The port defaults to 9876 (Rerun's).
 * @throws {ServerError} `invalid-option` for anything else.
 */
export function proxyOrigin(url: string): string {
  const match = /^(rerun\+https?|rerun):\/\/([^/]+?)(\/proxy\/?)?$/.exec(url);
  if (match === null)
    throw new ServerError(
      'invalid-option',
      `"${url}" is not a Rerun proxy URL such as rerun+http://127.0.0.1:9876/proxy`,
    );
  const scheme = match[1] === 'rerun+http' ? 'http' : 'https';
  const hostPort = match[2]!;
  const hasPort = /:\d+$/.test(hostPort) && !hostPort.endsWith(']');
  return `${scheme}://${hasPort ? hostPort : `${hostPort}:9876`}`;
}
