// A release without publishing, on a copy of the checkout: `changeset version`, `pnpm pack` of every published
// package, publint and attw on each tarball, the tarballs' contents, and the consumer smoke test
// (scripts/smoke-consumer.mjs) installing the tarballs with npm. Needs `pnpm build` first (the copy takes each
// package's dist/) and the npm registry (the smoke test installs the packages' dependencies).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpVersion, pendingBumps } from './pending-changesets.js';
import {
  copyCheckoutForRelease,
  PUBLISHED_PACKAGES,
  REPO_ROOT,
  readManifest,
  removeScratch,
  workspacePackageDirs,
} from './release-workspace.js';
import { describeResult, runCommand } from './run-command.js';
import { type ExpectedPackage, readTarball, tarballProblems } from './tarball-contents.js';

const BIN = join(REPO_ROOT, 'node_modules', '.bin');
const MINUTE = 60_000;

let scratch: string | undefined;
/** Version of each published package before and after `changeset version`, by package name. */
const versionsBefore = new Map<string, string>();
const versionsAfter = new Map<string, string>();
/** Largest pending bump by package name. */
let bumps: ReturnType<typeof pendingBumps>;
/** Where `pnpm pack` put the tarballs. */
let tarballDir: string;

const packageDir = (name: string) => join(scratch as string, 'packages', name);
const tarballOf = (name: string) => {
  const found = readdirSync(tarballDir).filter((f) => new RegExp(`^camstream-${name}-\\d.*\\.tgz$`).test(f));
  expect(found, `tarball of @camstream/${name}`).toHaveLength(1);
  return join(tarballDir, found[0] as string);
};
const newVersion = (name: string) => versionsAfter.get(`@camstream/${name}`) as string;
const expectedPackage = (name: string): ExpectedPackage => {
  const license = join(packageDir(name), 'LICENSE');
  return {
    version: newVersion(name),
    license: existsSync(license) ? readFileSync(license, 'utf8') : undefined,
  };
};

async function packPublished(): Promise<void> {
  tarballDir = join(scratch as string, 'tarballs');
  rmSync(tarballDir, { recursive: true, force: true });
  // One pnpm run for all of them: each pnpm start costs seconds.
  const filters = PUBLISHED_PACKAGES.flatMap((name) => ['--filter', `./packages/${name}`]);
  const packed = await runCommand('pnpm', ['-r', ...filters, 'pack', '--pack-destination', tarballDir], {
    cwd: scratch as string,
    timeoutMs: 3 * MINUTE,
  });
  expect(packed.code, describeResult('pnpm pack', packed)).toBe(0);
}

describe('release dry run (changeset version, pnpm pack, publint, attw, consumer install)', () => {
  beforeAll(async () => {
    scratch = copyCheckoutForRelease();
    for (const name of PUBLISHED_PACKAGES) {
      const manifest = readManifest(packageDir(name));
      versionsBefore.set(manifest.name, manifest.version);
    }
    bumps = pendingBumps(join(scratch, '.changeset'));
    const version = await runCommand(join(BIN, 'changeset'), ['version'], {
      cwd: scratch,
      timeoutMs: 2 * MINUTE,
    });
    expect(version.code, describeResult('changeset version', version)).toBe(0);
    for (const name of PUBLISHED_PACKAGES) {
      const manifest = readManifest(packageDir(name));
      versionsAfter.set(manifest.name, manifest.version);
    }
    await packPublished();
  }, 6 * MINUTE);

  afterAll(() => removeScratch(scratch));

  it('publishes exactly the published packages: every other workspace package is private', () => {
    const published = workspacePackageDirs(scratch as string)
      .map((dir) => readManifest(join(scratch as string, dir)))
      .filter((manifest) => manifest.private !== true)
      .map((manifest) => manifest.name)
      .sort();
    expect(published).toEqual(PUBLISHED_PACKAGES.map((name) => `@camstream/${name}`).sort());
  });

  it('changeset version bumps each package as its pending changesets say and writes its changelog', () => {
    for (const name of PUBLISHED_PACKAGES) {
      const before = versionsBefore.get(`@camstream/${name}`) as string;
      const after = newVersion(name);
      const bump = bumps.get(`@camstream/${name}`);
      if (bump === undefined) {
        // Not named by a changeset: unchanged, or a patch release because a dependency it pins was released.
        expect([before, bumpVersion(before, 'patch')], `@camstream/${name}`).toContain(after);
      } else {
        // Exactly the changesets' bump: never escalated (a peer dependency's release can make changesets
        // give its dependents a major one).
        expect(after, `@camstream/${name} (${bump} from ${before})`).toBe(bumpVersion(before, bump));
      }
      if (after !== before) {
        const changelog = readFileSync(join(packageDir(name), 'CHANGELOG.md'), 'utf8');
        expect(changelog, `@camstream/${name} CHANGELOG.md`).toContain(`## ${after}\n`);
      }
    }
    const left = readdirSync(join(scratch as string, '.changeset')).filter((f) => f.endsWith('.md'));
    expect(
      left.filter((f) => f !== 'README.md'),
      'changesets left after changeset version',
    ).toEqual([]);
  });

  it('packs every package with LICENSE, README.md, every exports and bin target, no test files and no workspace: ranges', () => {
    for (const name of PUBLISHED_PACKAGES) {
      expect(tarballProblems(readTarball(tarballOf(name)), expectedPackage(name)), name).toEqual([]);
    }
  });

  it(
    'passes publint (strict) and attw (ESM only) on every tarball',
    async () => {
      for (const name of PUBLISHED_PACKAGES) {
        const tarball = tarballOf(name);
        const publint = await runCommand(join(BIN, 'publint'), [tarball, '--strict'], {
          cwd: tarballDir,
          timeoutMs: 2 * MINUTE,
        });
        expect(publint.code, describeResult(`publint ${name}`, publint)).toBe(0);
        const attw = await runCommand(join(BIN, 'attw'), [tarball, '--profile', 'esm-only'], {
          cwd: tarballDir,
          timeoutMs: 2 * MINUTE,
        });
        expect(attw.code, describeResult(`attw ${name}`, attw)).toBe(0);
      }
    },
    6 * MINUTE,
  );

  it(
    'installs the tarballs in a fresh project: every entry point imports, camstream --version prints the new version',
    async () => {
      const smoke = await runCommand(
        process.execPath,
        [join(REPO_ROOT, 'scripts', 'smoke-consumer.mjs'), '--tarballs', tarballDir],
        { cwd: scratch as string, timeoutMs: 8 * MINUTE },
      );
      expect(smoke.code, describeResult('smoke consumer', smoke)).toBe(0);
      expect(smoke.stdout).toContain(`smoke: camstream ${newVersion('cli')}\n`);
      expect(smoke.stdout).toContain('consumer smoke test passed');
    },
    9 * MINUTE,
  );

  // Last: it breaks the copy on purpose.
  it(
    'fails a package whose LICENSE is gone, whose files list drops dist or lets test files in',
    async () => {
      const web = packageDir('web');
      rmSync(join(web, 'LICENSE'));
      const manifest = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8')) as { files: string[] };
      manifest.files = manifest.files.filter((entry) => entry !== 'dist' && entry !== '!src/**/*.test.ts');
      writeFileSync(join(web, 'package.json'), JSON.stringify(manifest, null, 2));
      await packPublished();

      const problems = tarballProblems(readTarball(tarballOf('web')), expectedPackage('web'));
      expect(problems).toContain(
        "LICENSE is not the package's own: the package has none (pnpm packed the workspace root's)",
      );
      expect(problems).toContain('dist/index.js (named in exports or bin) is missing');
      expect(problems).toContain('dist/index.d.ts (named in exports or bin) is missing');
      expect(problems.filter((p) => /^src\/.*\.test\.ts is a test file$/.test(p)).length).toBeGreaterThan(0);
      const publint = await runCommand(join(BIN, 'publint'), [tarballOf('web'), '--strict'], {
        cwd: tarballDir,
        timeoutMs: 2 * MINUTE,
      });
      expect(publint.code, describeResult('publint on the broken web package', publint)).not.toBe(0);
      // The other packages are untouched and still pass.
      expect(tarballProblems(readTarball(tarballOf('core')), expectedPackage('core'))).toEqual([]);
    },
    4 * MINUTE,
  );
});
