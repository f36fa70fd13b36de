import { execFileSync } from 'node:child_process';
import { dependencyRanges, type Manifest } from './release-workspace.js';

/** What a package tarball holds: its files (without the `package/` prefix), its package.json and LICENSE. */
export interface TarballContents {
  readonly files: ReadonlySet<string>;
  readonly manifest: Manifest;
  /** The packed LICENSE, if there is one. */
  readonly license: string | undefined;
}

/** Lists `tarball` and reads the package.json and LICENSE packed in it. */
export function readTarball(tarball: string): TarballContents {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const files = new Set(
    listing
      .split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'))
      .map((line) => line.replace(/^package\//, '')),
  );
  const read = (file: string) =>
    execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
  const manifest = JSON.parse(read('package.json')) as Manifest;
  return { files, manifest, license: files.has('LICENSE') ? read('LICENSE') : undefined };
}

/** What a tarball must match. */
export interface ExpectedPackage {
  readonly version: string;
  /** The package's own LICENSE file (`packages/<name>/LICENSE`), or undefined when it has none. */
  readonly license: string | undefined;
}

/** Files a user must get with every package. */
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE'];

/** Test code, test helpers and test data: never published. */
const TEST_FILE =
  /(?:\.test\.[cm]?[jt]sx?$|\.test-util\.[cm]?[jt]s$|(?:^|\/)test-util\.[cm]?[jt]s$|\.e2e\.|\.bench\.|(?:^|\/)(?:testing|__tests__)\/)/;

/** Every path `exports` names (each condition's target, recursively), without the leading `./`. */
export function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports.replace(/^\.\//, '')];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

function binTargets(bin: Manifest['bin']): string[] {
  const targets = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
  return targets.map((target) => target.replace(/^\.\//, ''));
}

/** Whether `path` (which may hold one `*`, as in `./dist/*.js`) names a file in `files`. */
function isPacked(path: string, files: ReadonlySet<string>): boolean {
  if (!path.includes('*')) return files.has(path);
  const [before, after] = path.split('*') as [string, string];
  return [...files].some((file) => file.startsWith(before) && file.endsWith(after));
}

/**
 * What is wrong with a packed package, one sentence each (empty when nothing is): a missing package.json,
 * README.md or LICENSE, a LICENSE that is not the package's own, an `exports` or `bin` target that is not in
 * the tarball, a test file, a `workspace:` range left in, or another version than expected.
 */
export function tarballProblems(contents: TarballContents, expected: ExpectedPackage): string[] {
  const { files, manifest } = contents;
  const problems: string[] = [];
  for (const file of REQUIRED_FILES) if (!files.has(file)) problems.push(`${file} is missing`);
  // Without a LICENSE of its own, pnpm packs the workspace root's, which is not this package's licence.
  if (contents.license !== undefined && contents.license !== expected.license) {
    problems.push(
      expected.license === undefined
        ? "LICENSE is not the package's own: the package has none (pnpm packed the workspace root's)"
        : "LICENSE is not the package's own",
    );
  }
  for (const target of [...exportTargets(manifest.exports), ...binTargets(manifest.bin)]) {
    if (!isPacked(target, files)) problems.push(`${target} (named in exports or bin) is missing`);
  }
  for (const file of files) if (TEST_FILE.test(file)) problems.push(`${file} is a test file`);
  for (const [dependency, range] of dependencyRanges(manifest)) {
    if (range.startsWith('workspace:')) problems.push(`${dependency} keeps the range ${range}`);
  }
  if (manifest.version !== expected.version) {
    problems.push(`version is ${manifest.version}, expected ${expected.version}`);
  }
  return problems;
}
