import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
/** Folder of the pinned `@rerun-io/web-viewer` package. */
export const viewerDir = dirname(require.resolve('@rerun-io/web-viewer'));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.rrd': 'application/octet-stream',
  '.json': 'application/json',
};

/** A loopback HTTP server for the harness page, the viewer package, and files the test makes. */
export interface HarnessServer {
  readonly url: string;
  /** Serves `path` (absolute) at `/files/<name>`; returns the URL. */
  serveFile(name: string, path: string): string;
  close(): Promise<void>;
}

/** Starts the harness server on 127.0.0.1 with a free port. */
export async function startHarnessServer(): Promise<HarnessServer> {
  const files = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file: string | undefined;
    if (path === '/' || path === '/index.html') file = join(here, 'viewer-page.html');
    else if (path.startsWith('/viewer/')) {
      file = resolve(viewerDir, normalize(path.slice('/viewer/'.length)));
      if (!file.startsWith(viewerDir)) file = undefined;
      // The package imports "./re_viewer" without an extension.
      else if (extname(file) === '') file += '.js';
    } else if (path.startsWith('/files/')) file = files.get(path.slice('/files/'.length));
    let size = -1;
    try {
      if (file !== undefined) size = statSync(file).size;
    } catch {
      size = -1;
    }
    if (file === undefined || size < 0) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    serveFile(name, path) {
      files.set(name, path);
      return `${url}/files/${name}`;
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
