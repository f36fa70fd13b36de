import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** The checkout this test runs in. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The packages a release publishes (`packages/<name>`, `@camstream/<name>`): every workspace package not private. */
export const PUBLISHED_PACKAGES = ['core', 'encoder-wasm', 'encoder-ffmpeg', 'server', 'cli', 'web'] as const;

/** The parts of a package.json the release checks read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly files?: readonly string[];
  readonly exports?: unknown;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

/** Reads `dir/package.json`. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every dependency of `manifest`, of any kind, with its range. */
export function dependencyRanges(manifest: Manifest): [name: string, range: string][] {
  return DEPENDENCY_FIELDS.flatMap((field) => Object.entries(manifest[field] ?? {}));
}

/** The workspace's package folders (relative to `root`), from pnpm-workspace.yaml's `- dir` and `- dir/*` lines. */
export function workspacePackageDirs(root: string): string[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const dirs: string[] = [];
  for (const [, pattern] of yaml.matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?\s*$/gm)) {
    if (pattern === undefined) continue;
    const candidates = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(pattern.slice(0, -2), entry.name))
      : [pattern];
    dirs.push(...candidates.filter((dir) => existsSync(join(root, dir, 'package.json'))));
  }
  return dirs;
}

/**
 * Copies the checkout as git sees it (tracked and new files, not ignored ones, so no node_modules and no
 * build output) into a new temporary folder, adds each published package's built `dist/`, and links what
 * `changeset` and `pnpm pack` need instead of an install: the root node_modules (the changesets CLI and its
 * changelog module) and, in each published package, its workspace dependencies (`pnpm pack` reads their
 * versions there to replace `workspace:` ranges). Returns the folder.
 */
export function copyCheckoutForRelease(): string {
  const scratch = mkdtempSync(join(tmpdir(), 'camstream-release-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of listed.split('\0')) {
    // A tracked file deleted in the working tree is listed too.
    if (file === '' || !existsSync(join(REPO_ROOT, file))) continue;
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(scratch, file), { verbatimSymlinks: true });
  }
  for (const name of PUBLISHED_PACKAGES) {
    const dist = join(REPO_ROOT, 'packages', name, 'dist');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first`);
    cpSync(dist, join(scratch, 'packages', name, 'dist'), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  linkWorkspaceDependencies(scratch);
  return scratch;
}

function linkWorkspaceDependencies(scratch: string): void {
  const dirByName = new Map(
    workspacePackageDirs(scratch).map((dir) => [readManifest(join(scratch, dir)).name, join(scratch, dir)]),
  );
  for (const name of PUBLISHED_PACKAGES) {
    const packageDir = join(scratch, 'packages', name);
    for (const [dependency, range] of dependencyRanges(readManifest(packageDir))) {
      if (!range.startsWith('workspace:')) continue;
      const target = dirByName.get(dependency);
      if (target === undefined) throw new Error(`${dependency} (${range}) is not a workspace package`);
      const link = join(packageDir, 'node_modules', dependency);
      if (existsSync(link)) continue; // a dependency listed twice (dev and peer)
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), target), link, 'dir');
    }
  }
}

/** Removes a folder made by {@link copyCheckoutForRelease}. */
export function removeScratch(scratch: string | undefined): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}
