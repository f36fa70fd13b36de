import { describe, expect, it } from 'vitest';
import { messageHeader } from './rrd.js';

describe('messageHeader', () => {
  it('writes kind and length as little-endian u64s', () => {
    expect([...messageHeader(2, 0x1_0000_0305)]).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 5, 3, 0, 0, 1, 0, 0, 0]);
  });
});
