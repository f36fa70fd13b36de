import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { createRequire } from 'node:module';
import { dirname, extname, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.d.ts': 'text/plain',
};

let viewerDir: string | undefined;

/**
 * The viewer package's entry file. Its `exports` have only an `import` condition, so plain Node's
 * `require.resolve` refuses it (ERR_PACKAGE_PATH_NOT_EXPORTED, from the built package); `import.meta.resolve`
 * finds it. vitest's module runner may not provide `import.meta.resolve`; there `require.resolve` works.
 */
function resolveViewerEntry(): string {
  try {
    return fileURLToPath(import.meta.resolve('@rerun-io/web-viewer'));
  } catch {
    return createRequire(import.meta.url).resolve('@rerun-io/web-viewer');
  }
}

/** Folder of the pinned `@rerun-io/web-viewer` package. */
export function webViewerDir(): string {
  viewerDir ??= dirname(resolveViewerEntry());
  return viewerDir;
}

/**
 * Serves a file of the web viewer package for `/viewer/<rest>`; `rest` without an extension gets `.js`
 * (the package does `import("./re_viewer")`). Returns `false` if there is no such file.
 */
export function serveViewerFile(rest: string, response: ServerResponse | Http2ServerResponse): boolean {
  const root = webViewerDir();
  let file = resolve(root, normalize(rest));
  if (!file.startsWith(root + sep)) return false;
  if (extname(file) === '') file += '.js';
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'public, max-age=3600',
  });
  // A file that cannot be read after all (removed, unreadable) ends this response, not the server.
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response as NodeJS.WritableStream);
  return true;
}
