import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// The worker entries are built beside index.js (dist/webcodecs-worker.js, dist/i420-worker.js): the session
// starts them with `new Worker(new URL('./…-worker.js', import.meta.url), { type: 'module' })`, a pattern
// bundlers (Vite, webpack 5) recognise; in the workspace the same URL resolves to the `.ts` source.
export default defineConfig(
  packageBuild([], {
    entry: {
      index: 'src/index.ts',
      'webcodecs-worker': 'src/encode/webcodecs/webcodecs-worker.ts',
      'i420-worker': 'src/encode/wasm/i420-worker.ts',
    },
    // Keep `.js` (the package is `type: module`): the worker URLs name .js files.
    fixedExtension: false,
  }),
);
