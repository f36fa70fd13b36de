import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.js';
import { tempDir } from './temp-dir.js';

const dir = tempDir('camstream-import-graph-');

const files: Record<string, string> = {
  'entry.ts': [
    "import { b } from './b.js';",
    "import type { C } from './c.js';",
    "export type { E } from './e.js';",
    "export { f } from './f.js';",
    "import { readFileSync } from 'node:fs';",
    "const later = () => import('./d.js');",
  ].join('\n'),
  'b.ts': "import { z } from 'some-package';\nexport const b = z;",
  'c.ts': 'export type C = number;',
  'd.ts': "import 'other-package';\nexport const d = 1;",
  'e.ts': 'export type E = string;',
  'f.ts': 'export const f = 1;',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
const names = (set: ReadonlySet<string>) => [...set].map((f) => f.slice(dir.length + 1)).sort();

describe('importGraph', () => {
  it('follows run-time imports and re-exports, leaves type-only ones out, lists packages', () => {
    const graph = importGraph(join(dir, 'entry.ts'));
    expect(names(graph.files)).toEqual(['b.ts', 'd.ts', 'entry.ts', 'f.ts']);
    expect([...graph.external].sort()).toEqual(['node:fs', 'other-package', 'some-package']);
  });

  it('with dynamic: false, leaves import() out', () => {
    const graph = importGraph(join(dir, 'entry.ts'), { dynamic: false });
    expect(names(graph.files)).toEqual(['b.ts', 'entry.ts', 'f.ts']);
    expect([...graph.external].sort()).toEqual(['node:fs', 'some-package']);
  });
});
