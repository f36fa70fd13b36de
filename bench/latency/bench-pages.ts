import { join } from 'node:path';
import { startVitePages, type VitePages } from '../../e2e/harness/vite-pages.js';

/** Serves bench/latency/page (the viewer left out of pre-bundling), cross-origin isolated like the demo. */
export function startBenchPages(): Promise<VitePages> {
  return startVitePages(join(import.meta.dirname, 'page'), ['@rerun-io/web-viewer']);
}
