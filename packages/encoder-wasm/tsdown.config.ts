import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// The worker entries are built beside index.js (dist/live-worker.js, dist/batch-worker.js): `workerEntry()`
// finds them relative to the bundle (decision 0007).
export default defineConfig(
  packageBuild([], {
    entry: {
      index: 'src/index.ts',
      // Browser entry and its module worker side by side: BrowserLiveEncoder finds ./worker.js beside itself.
      'browser/index': 'src/browser/index.ts',
      'browser/worker': 'src/browser/worker.ts',
      'live-worker': 'src/worker/live-worker.ts',
      'batch-worker': 'src/worker/batch-worker.ts',
      'decode-worker': 'src/worker/decode-worker.ts',
    },
    platform: 'node',
    // Keep `.js` (the package is `type: module`): the exports map and workerEntry() name .js files.
    fixedExtension: false,
  }),
);
