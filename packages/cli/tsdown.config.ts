import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// Two entries: the Node API (dist/index.js) and the `camstream` binary (dist/bin.js, with its shebang).
export default defineConfig(
  packageBuild([], {
    entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
    platform: 'node',
    // Keep `.js` (the package is `type: module`): package.json's `bin` names dist/bin.js.
    fixedExtension: false,
  }),
);
