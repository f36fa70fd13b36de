import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, defaultClientConditions } from 'vite';

/** A folder of test or bench pages on a Vite dev server. */
export interface VitePages {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the pages in `root` with Vite on a free loopback port: source-first (`@camstream/*` from their
 * `src/`), `unbundled` left out of pre-bundling (the viewer and ffmpeg.wasm load their wasm next to
 * themselves), cross-origin isolated like the demo, with the whole repository readable.
 */
export async function startVitePages(root: string, unbundled: readonly string[]): Promise<VitePages> {
  const server = await createServer({
    root,
    configFile: false,
    resolve: { conditions: ['@camstream/source', ...defaultClientConditions] },
    optimizeDeps: { exclude: [...unbundled] },
    worker: { format: 'es' },
    server: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
      fs: { allow: [join(import.meta.dirname, '..', '..')] },
    },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null | undefined;
  if (address === null || address === undefined) throw new Error('the Vite server has no address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
