import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes.js';

describe('concatBytes', () => {
  it('puts the parts one after the other, views included, in a new array', () => {
    const backing = Uint8Array.of(9, 4, 5, 9);
    const first = Uint8Array.of(1, 2, 3);
    const out = concatBytes([first, new Uint8Array(0), backing.subarray(1, 3)]);
    expect([...out]).toEqual([1, 2, 3, 4, 5]);
    out[0] = 7;
    expect(first[0]).toBe(1);
  });

  it('gives an empty array for no parts', () => {
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });
});
