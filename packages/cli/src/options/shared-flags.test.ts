import type { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { parseFps } from './shared-flags.js';

/** What help shows of an option and how it parses, to compare one command's with another's. */
function shape(option: Option) {
  return {
    flags: option.flags,
    description: option.description,
    defaultValue: option.defaultValue,
    parser: option.parseArg?.name ?? null,
  };
}

describe('shared flags', () => {
  it('every command taking one shows and parses it the same way', () => {
    const commands = createProgram().commands;
    const byName = (name: string, long: string) =>
      commands.find((c) => c.name() === name)?.options.find((o) => o.long === long);
    const shared: [string, string[]][] = [
      ['--entity', ['capture', 'remux']],
      ['--timeline', ['capture', 'remux']],
      ['--app-id', ['capture', 'remux']],
      ['--recording-id', ['capture', 'remux']],
      ['--fps', ['remux', 'inspect']],
    ];
    for (const [long, names] of shared) {
      const [first, ...others] = names.map((name) => byName(name, long));
      expect(first, `${names[0]} ${long}`).toBeDefined();
      for (const other of others) {
        expect(shape(other as Option), `${long}`).toEqual(shape(first as Option));
      }
    }
  });

  it('--fps of remux and inspect takes a positive number and refuses the rest', () => {
    expect(parseFps('29.97')).toBe(29.97);
    for (const bad of ['0', '-30', 'fast', 'Infinity', ''])
      expect(() => parseFps(bad)).toThrow(/expected a positive frame rate such as 30/);
  });
});
