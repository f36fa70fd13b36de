import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A changeset's bump of one package. */
export type Bump = 'major' | 'minor' | 'patch';

const ORDER: readonly Bump[] = ['patch', 'minor', 'major'];

/**
 * The largest bump each package gets from the changesets in `changesetDir` (`.changeset/*.md`): the front
 * matter's `'@scope/name': minor` lines.
 */
export function pendingBumps(changesetDir: string): Map<string, Bump> {
  const bumps = new Map<string, Bump>();
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(join(changesetDir, file), 'utf8');
    const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (frontMatter === null) throw new Error(`${file} has no front matter`);
    for (const line of (frontMatter[1] ?? '').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const entry = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (entry === null) throw new Error(`${file}: cannot read the release line ${JSON.stringify(line)}`);
      const name = entry[1] as string;
      const bump = entry[2] as Bump;
      const before = bumps.get(name);
      if (before === undefined || ORDER.indexOf(bump) > ORDER.indexOf(before)) bumps.set(name, bump);
    }
  }
  return bumps;
}

/** `version` after `bump` (semver: a bump resets the parts after it). */
export function bumpVersion(version: string, bump: Bump): string {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (match === null) throw new Error(`version ${version} is not MAJOR.MINOR.PATCH`);
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
