import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// Entries: the Node API (dist/index.js), the `camstream` binary (dist/bin.js, with its shebang) and the remux
// demuxer's worker (dist/demux-worker.js, found beside the bundle by remux/demuxer.ts).
export default defineConfig(
  packageBuild([], {
    entry: { index: 'src/index.ts', bin: 'src/bin.ts', 'demux-worker': 'src/remux/demux-worker.ts' },
    platform: 'node',
    // Keep `.js` (the package is `type: module`): package.json's `bin` names dist/bin.js.
    fixedExtension: false,
  }),
);
