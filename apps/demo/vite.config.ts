import { defaultClientConditions, defineConfig } from 'vite';

// Cross-origin isolation: lets the page use SharedArrayBuffer (threaded wasm encoders) and is what a
// production deployment of the viewer should run under.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Source-first: `@camstream/*` resolve to their `src/*.ts` through this condition, so no build is needed.
  resolve: { conditions: ['@camstream/source', ...defaultClientConditions] },
  // The viewer loads its wasm with `new URL('./re_viewer_bg.wasm', import.meta.url)`; pre-bundling breaks that.
  optimizeDeps: { exclude: ['@rerun-io/web-viewer'] },
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
  build: { target: 'es2022' },
  // The session's encoder workers are module workers (`new Worker(url, { type: 'module' })`).
  worker: { format: 'es' },
});
