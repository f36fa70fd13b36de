import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, defaultClientConditions } from 'vite';

/** The latency bench's pages (bench/latency/page) on a Vite dev server. */
export interface BenchPages {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves bench/latency/page with Vite on a free loopback port: source-first (`@camstream/*` from their
 * `src/`), the viewer left out of pre-bundling (it loads its wasm next to itself), cross-origin isolated like
 * the demo.
 */
export async function startBenchPages(): Promise<BenchPages> {
  const server = await createServer({
    root: join(import.meta.dirname, 'page'),
    configFile: false,
    resolve: { conditions: ['@camstream/source', ...defaultClientConditions] },
    optimizeDeps: { exclude: ['@rerun-io/web-viewer'] },
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
