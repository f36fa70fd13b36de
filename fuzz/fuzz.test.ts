/**
 * CI's slice of `pnpm fuzz`: every target for a fixed number of inputs from a fixed seed (the same inputs on
 * every run), failing on any untyped error or hang; and the fuzzer's own check that it reports both.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HANG_MS, fuzz, replay } from './src/runner.js';
import { type Corpus, makeCorpus } from './src/seeds.js';
import { TARGETS } from './src/targets.js';

/** Inputs per target: about 10 s for all targets on an idle 2-core machine, seeds included. */
const COUNT = 600;
const SEED = 20_260_101;

let corpus: Corpus;
const scratch = mkdtempSync(join(tmpdir(), 'camstream-fuzz-test-'));

beforeAll(async () => {
  corpus = await makeCorpus();
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm fuzz (CI slice)', () => {
  it(`runs every target for ${COUNT} inputs with no untyped failure and no hang`, async () => {
    const lines: string[] = [];
    const result = await fuzz({
      targets: TARGETS.map((t) => t.name),
      count: COUNT,
      seed: SEED,
      jobs: 1,
      hangMs: DEFAULT_HANG_MS,
      // A failure here leaves its reproducer where `pnpm fuzz --replay` finds it.
      crashDir: join(import.meta.dirname, 'crashes'),
      corpus,
      log: (line) => lines.push(line),
    });
    expect(result.failures.map((f) => `${f.target}: ${f.kind}: ${f.description} (${f.file})`)).toEqual([]);
    for (const t of result.targets) {
      expect(t.seeds, `${t.name} has seeds`).toBeGreaterThan(0);
      expect(t.inputs, `${t.name} ran every input`).toBe(COUNT);
      expect(t.untyped + t.hangs).toBe(0);
    }
    // Mutated inputs reach past the first checks: not every input of a target is refused.
    for (const t of result.targets) expect(t.typed, `${t.name} accepted some inputs`).toBeLessThan(COUNT);
  }, 120_000);

  it('reports a TypeError and an endless loop, saves both, and replays them', async () => {
    const crashDir = join(scratch, 'crashes');
    const result = await fuzz({
      targets: ['selftest-typeerror', 'selftest-hang'],
      count: 200,
      seed: SEED,
      jobs: 1,
      hangMs: 300,
      maxHangs: 1,
      crashDir,
      corpus,
    });
    const [typeError, hang] = result.targets;
    expect(typeError?.untyped).toBeGreaterThan(0);
    expect(hang?.hangs).toBe(1);
    expect(result.failures.map((f) => [f.target, f.kind])).toEqual([
      ['selftest-typeerror', 'untyped'],
      ['selftest-hang', 'hang'],
    ]);
    expect(result.failures[0]?.description).toMatch(/^TypeError: Cannot read properties of undefined/);
    const files = readdirSync(crashDir).sort();
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.txt'))).toHaveLength(2);
    const [typeErrorInput, hangInput] = result.failures.map((f) => f.input as Uint8Array);
    expect((await replay('selftest-typeerror', typeErrorInput as Uint8Array, 1000)).outcome.kind).toBe(
      'untyped',
    );
    expect((await replay('selftest-hang', hangInput as Uint8Array, 300)).outcome.kind).toBe('hang');
  }, 60_000);
});
