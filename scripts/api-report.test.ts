import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareReports, publishedEntries, renderReports, writeReports } from './api-report.js';

// A workspace with one published package (two entry points) and one private package, built by hand.
let root: string;
const reportsDir = () => join(root, 'etc', 'api');

function writePackage(dir: string, manifest: object, files: Record<string, string>): void {
  mkdirSync(join(root, 'packages', dir, 'dist'), { recursive: true });
  writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(root, 'packages', dir, 'dist', name), text);
}

const exportsOf = (...subpaths: string[]) =>
  Object.fromEntries([
    ...subpaths.map((s) => [
      s,
      { types: `./dist/${s === '.' ? 'index' : s.slice(2)}.d.ts`, default: './dist/x.js' },
    ]),
    ['./package.json', './package.json'],
  ]);

const reports = () => renderReports(root, publishedEntries(root));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'camstream-api-report-'));
  writePackage(
    'demo',
    { name: '@camstream/demo', exports: exportsOf('.', './wire') },
    {
      'index.d.ts': `import { H as Header$1 } from './chunk.js';
/** Opens it. */
declare function open(path: string): Promise<Header$1>;
declare class Reader { read(): Header$1; }
export { type Reader, open };`,
      'wire.d.ts': `import { H as Header$1 } from './chunk.js';
export { Header$1 as Header };`,
      'chunk.d.ts': `interface Header$1 { readonly length: number }
export { Header$1 as H };`,
    },
  );
  writePackage('hidden', { name: '@camstream/hidden', private: true, exports: exportsOf('.') }, {});
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('API reports', () => {
  it('list each export of each published entry with its kind and signature, under the names users import', () => {
    const texts = reports();
    expect([...texts.keys()]).toEqual(['demo.api.md', 'demo.wire.api.md']);
    const index = texts.get('demo.api.md')!;
    expect(index).toContain('# API report: `@camstream/demo`');
    expect(index).toContain('// Reader: class (type only)\nclass Reader {\n    read(): Header;\n}');
    expect(index).toContain('// open: function\nfunction open(path: string): Promise<Header>;');
    expect(index).not.toContain('Opens it'); // comments are no part of the surface
    expect(texts.get('demo.wire.api.md')).toContain('// Header: interface\ninterface Header {');
  });

  it('match the files they were written to', () => {
    writeReports(reports(), reportsDir());
    expect(compareReports(reports(), reportsDir())).toEqual([]);
  });

  it('fail with a diff when an export is added or its signature changes', () => {
    writeReports(reports(), reportsDir());
    writePackage(
      'demo',
      { name: '@camstream/demo', exports: exportsOf('.', './wire') },
      {
        'index.d.ts': `import { H as Header$1 } from './chunk.js';
declare function open(path: string, mode?: 'r' | 'w'): Promise<Header$1>;
declare class Reader { read(): Header$1; }
declare const VERSION = 2;
export { type Reader, VERSION, open };`,
      },
    );
    const problems = compareReports(reports(), reportsDir());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^demo\.api\.md: the build differs from the report\n/);
    expect(problems[0]).toContain('-function open(path: string): Promise<Header>;');
    expect(problems[0]).toContain("+function open(path: string, mode?: 'r' | 'w'): Promise<Header>;");
    expect(problems[0]).toContain('+// VERSION: const\n+const VERSION = 2;');
  });

  it('fail for a new entry point without a report and for a report whose entry point is gone', () => {
    writeReports(reports(), reportsDir());
    writeFileSync(join(reportsDir(), 'demo.old.api.md'), 'gone\n');
    writePackage(
      'demo',
      { name: '@camstream/demo', exports: exportsOf('.', './wire', './media') },
      { 'media.d.ts': 'export {};' },
    );
    expect(compareReports(reports(), reportsDir())).toEqual([
      'demo.old.api.md: no published entry point has this report any more',
      'demo.media.api.md: missing (a new entry point)',
    ]);
  });

  it('ask for a build when a .d.ts is missing', () => {
    rmSync(join(root, 'packages', 'demo', 'dist', 'wire.d.ts'));
    expect(reports).toThrow('packages/demo/dist/wire.d.ts missing; run `pnpm build` first');
  });
});
