import { describe, expect, it } from 'vitest';
import { quantile, StatsMeter } from './stats-meter.js';

describe('quantile', () => {
  it('takes the nearest rank and is undefined for no data', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([5], 0.95)).toBe(5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  });
});

describe('StatsMeter', () => {
  it('turns 30 frames and samples per second into rates, latency and bitrate over its window', () => {
    const meter = new StatsMeter(0, 1000);
    for (let i = 0; i < 60; i++) {
      const t = i * (1000 / 30);
      meter.captured(t);
      meter.encoded(t + 10 + (i % 3), 5_000, 10 + (i % 3));
    }
    const stats = meter.read(2000, 'rec', 'video_stream');
    expect(stats.recordingId).toBe('rec');
    expect(stats.entityPath).toBe('video_stream');
    // The last second holds 30 frames.
    expect(stats.captureFps).toBeCloseTo(30, 0);
    expect(stats.encodeFps).toBeCloseTo(30, 0);
    expect(stats.bitrate).toBeCloseTo(30 * 5_000 * 8, -4);
    expect(stats.encodeLatencyMs).toBe(11);
    expect(stats.encodeLatencyP95Ms).toBe(12);
    expect(stats.encodeLatencyP99Ms).toBe(12);
    expect(stats.framesCaptured).toBe(60);
    expect(stats.framesEncoded).toBe(60);
    expect(stats.bytes).toBe(300_000);
  });

  it('reports the median, p95 and p99 of the latencies in its window', () => {
    const meter = new StatsMeter(0, 10_000);
    // 200 samples with latencies 200, 199, …, 1 ms, logged out of latency order.
    for (let i = 0; i < 200; i++) meter.encoded(i * 10, 1_000, 200 - i);
    const stats = meter.read(2_000, 'r', 'video_stream');
    expect(stats.encodeLatencyMs).toBe(100);
    expect(stats.encodeLatencyP95Ms).toBe(190);
    expect(stats.encodeLatencyP99Ms).toBe(198);
  });

  it('uses the elapsed time while the recording is younger than the window, and counts drops', () => {
    const meter = new StatsMeter(100, 2000);
    for (let i = 0; i < 15; i++) meter.captured(100 + i * 33);
    meter.dropped(3);
    meter.dropped();
    const stats = meter.read(600, 'r', 'video_stream');
    expect(stats.captureFps).toBeCloseTo(30, 0);
    expect(stats.droppedFrames).toBe(4);
    expect(stats.encodeLatencyMs).toBeUndefined();
    expect(stats.bitrate).toBe(0);
  });

  it('gives the per-frame rates the recording’s stats plots take, the same as a full read', () => {
    const meter = new StatsMeter(0, 1000);
    for (let i = 0; i < 45; i++) meter.encoded(i * (1000 / 30), 2_000, 5);
    meter.dropped(2);
    const rates = meter.rates(1_500);
    expect(rates).toEqual({ encodeFps: 30, bitrate: 30 * 2_000 * 8, droppedFrames: 2 });
    const full = meter.read(1_500, 'r', 'cameras/front');
    expect(full.encodeFps).toBe(rates.encodeFps);
    expect(full.bitrate).toBe(rates.bitrate);
  });
});
