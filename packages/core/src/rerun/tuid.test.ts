import { describe, expect, it } from 'vitest';
import { readTuid, TuidGenerator, tuidToString, writeTuid } from './tuid.js';

describe('TUID', () => {
  it('is strictly increasing even when the clock stands still or goes back', () => {
    const times = [5n, 5n, 4n, 9n, 1n];
    const gen = new TuidGenerator({ clock: () => times.shift() ?? 9n, startInc: 10n });
    const ids = Array.from({ length: 5 }, () => gen.next());
    const bytes = ids.map((id) => {
      const out = new Uint8Array(16);
      writeTuid(out, 0, id);
      return out;
    });
    for (let i = 1; i < bytes.length; i++) expect(Buffer.compare(bytes[i - 1]!, bytes[i]!)).toBe(-1);
    expect(ids.map((i) => i.timeNs)).toEqual([5n, 5n, 5n, 9n, 9n]);
  });

  it('round-trips through big-endian bytes and prints like Rerun', () => {
    const id = { timeNs: 0x18493fba64ef0000n, inc: 0x3e8n };
    const out = new Uint8Array(20);
    writeTuid(out, 4, id);
    expect(readTuid(out, 4)).toEqual(id);
    expect(out[4]).toBe(0x18);
    expect(tuidToString(id)).toBe('18493FBA64EF000000000000000003e8');
  });
});
