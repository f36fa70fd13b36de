import { describe, expect, it } from 'vitest';
import { SampleMemory } from './sample-memory.js';

describe('SampleMemory', () => {
  it('carves zeroed, disjoint, 8-byte aligned pieces out of one shared slab', () => {
    const memory = new SampleMemory(false);
    const a = memory.allocate(5);
    const b = memory.allocate(13);
    const c = memory.allocate(8);
    expect(new Set([a.buffer, b.buffer, c.buffer]).size).toBe(1);
    expect([a.byteOffset, b.byteOffset, c.byteOffset]).toEqual([0, 8, 24]);
    expect([a.length, b.length, c.length]).toEqual([5, 13, 8]);
    expect([...a, ...b, ...c].every((v) => v === 0)).toBe(true);
  });

  it('starts a new slab when one is full, and gives large pieces buffers of their own', () => {
    const memory = new SampleMemory(false);
    const first = memory.allocate(250_000);
    const rest = [memory.allocate(250_000), memory.allocate(250_000), memory.allocate(250_000)];
    const next = memory.allocate(250_000);
    expect(rest.every((r) => r.buffer === first.buffer)).toBe(true);
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
    const large = memory.allocate(300_000);
    expect([large.byteOffset, large.buffer.byteLength]).toEqual([0, 300_000]);
  });

  it('with ownBuffers, every piece has a buffer of its own', () => {
    const memory = new SampleMemory(true);
    const a = memory.allocate(10);
    const b = memory.allocate(10);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.buffer.byteLength).toBe(10);
  });
});
