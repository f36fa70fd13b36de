import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.ts';

// Keep `.js` (the package is `type: module`): the exports map names .js files.
export default defineConfig(packageBuild(['src/index.ts'], { platform: 'node', fixedExtension: false }));
