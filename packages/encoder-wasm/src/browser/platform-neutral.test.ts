// Decision 0009: the browser entry imports nothing from node:*. Walks the relative import graph of the entry and
// its worker from the source and lists every module specifier that is not relative.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined) continue;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(entry);
  return external;
}

describe('@camstream/encoder-wasm/browser', () => {
  it.each(['index.ts', 'worker.ts'])('%s reaches only @camstream/core, nothing from node:*', (entry) => {
    const external = externalImports(join(import.meta.dirname, entry));
    expect([...external].sort()).toEqual(['@camstream/core']);
  });
});
