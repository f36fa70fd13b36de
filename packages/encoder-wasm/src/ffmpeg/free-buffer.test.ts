import { describe, expect, it } from 'vitest';
import { freeBytes } from './free-buffer.js';

const MB = 1024 * 1024;

describe('freeBytes', () => {
  it('detaches a buffer it spans and hands its memory back at once, with no garbage collection', () => {
    const frames = Array.from({ length: 16 }, (_, i) => new Uint8Array(4 * MB).fill(i));
    const held = process.memoryUsage().arrayBuffers;
    for (const frame of frames) freeBytes(frame);
    expect(frames.every((f) => f.buffer.byteLength === 0 && f.length === 0)).toBe(true);
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThanOrEqual(60 * MB);
  });

  it('leaves alone views into a bigger buffer, shared buffers, pooled Buffers and empty ones', () => {
    const big = new Uint8Array(1024);
    freeBytes(big.subarray(0, 512));
    freeBytes(big.subarray(512));
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    freeBytes(shared);
    const pooled = Buffer.from('pooled');
    freeBytes(pooled);
    freeBytes(new Uint8Array(0));
    expect([big.length, shared.length, pooled.toString()]).toEqual([1024, 64, 'pooled']);
  });
});
