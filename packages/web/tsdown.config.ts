import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// The worker entries are built beside index.js (dist/webcodecs-worker.js, dist/i420-worker.js): the session
// starts them with `new Worker(new URL('./…-worker.js', import.meta.url), { type: 'module' })`, a pattern
// bundlers (Vite, webpack 5) recognise; in the workspace the same URL resolves to the `.ts` source.
// Keep `.js` (the package is `type: module`): the worker URLs name .js files.
export default defineConfig([
  packageBuild(['src/index.ts'], { fixedExtension: false }),
  // A separate build, so no chunk is shared with index.js: each worker is one file with the little of
  // `@camstream/core/media` it uses inlined. Import maps do not reach module workers, so a worker that imported
  // a bare package name would not load from a plain static server; these load from anywhere.
  packageBuild([], {
    entry: {
      'webcodecs-worker': 'src/encoder/webcodecs/webcodecs-worker.ts',
      'i420-worker': 'src/encoder/wasm/i420-worker.ts',
    },
    fixedExtension: false,
    deps: { alwaysBundle: [/^@camstream\/core\/media$/] },
  }),
]);
