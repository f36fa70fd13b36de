import { describe, expect, it } from 'vitest';
import { RateWindow } from './telemetry.js';

describe('RateWindow', () => {
  it('counts frames over the last second of wall time and bits over the last second of video', () => {
    const rates = new RateWindow();
    // 60 frames of 1000 bytes at 30 fps of video, encoded at 120 fps of wall time (a file, faster than real time).
    for (let i = 0; i < 60; i++) rates.add(i * (1000 / 120), (BigInt(i) * 1_000_000_000n) / 30n, 1000);
    expect(rates.fps).toBe(60); // all 60 within the last 500 ms of wall time
    expect(rates.bitrate).toBe(30 * 1000 * 8); // one second of video holds 30 frames
  });

  it('forgets what left the window', () => {
    const rates = new RateWindow();
    rates.add(0, 0n, 500);
    rates.add(2000, 2_000_000_000n, 100);
    expect(rates.fps).toBe(1);
    expect(rates.bitrate).toBe(800);
  });
});
