import type { UserConfig } from 'tsdown';

/** The build every published package shares: ESM only, `.d.ts` beside, platform-neutral unless said. */
export function packageBuild(entry: string[], overrides: Partial<UserConfig> = {}): UserConfig {
  return { entry, format: 'esm', platform: 'neutral', dts: true, sourcemap: true, clean: true, ...overrides };
}
