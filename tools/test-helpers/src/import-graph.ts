// Test helper (decisions 0009, 0013): the runtime import graph of a TypeScript entry in this repository.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// An import or re-export statement's leading keywords and specifier, a dynamic import's specifier, or a
// side-effect import's specifier (`import './x.js';`).
const IMPORT =
  /(?:^|\n)\s*((?:import|export)\s[^'"]*?)from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;

/** What {@link importGraph} found. */
export interface ImportGraph {
  /** Every source file reached, absolute paths. */
  readonly files: ReadonlySet<string>;
  /** Every non-relative specifier imported at run time (`node:*`, packages). */
  readonly external: ReadonlySet<string>;
}

/**
 * Follows the relative imports of `entry` (`./x.js` read as `./x.ts`) and lists what it reaches. `import type` and
 * `export type` statements are left out: they are erased, so they load nothing at run time. With
 * `dynamic: false`, `import('…')` is left out too: what loading the entry alone loads.
 */
export function importGraph(entry: string, options: { readonly dynamic?: boolean } = {}): ImportGraph {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (m[1] !== undefined && /^(?:import|export)\s+type\s/.test(m[1])) continue;
      if (m[3] !== undefined && options.dynamic === false) continue;
      const spec = m[2] ?? m[3] ?? m[4];
      if (spec === undefined) continue;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}
