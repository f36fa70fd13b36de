import { describe, expect, it } from 'vitest';
import { CameraClock, logTimeNs, TimelineOrigin, wallClockNs } from './camera-clock.js';

describe('CameraClock', () => {
  it('puts a lone camera’s first frame at 0 and keeps its frames’ own spacing', () => {
    const clock = new CameraClock(new TimelineOrigin());
    expect(clock.timeOf(5_000_000, 100)).toBe(0);
    // Captured 40 ms later by the page's clock, but the frame says 33.333 ms: the frame's spacing wins.
    expect(clock.timeOf(5_033_333, 140)).toBe(33_333);
  });

  it('places a second camera on the same timeline by the capture time of its first frame', () => {
    const origin = new TimelineOrigin();
    const front = new CameraClock(origin);
    const rear = new CameraClock(origin);
    expect(front.timeOf(1_000, 1_000)).toBe(0);
    // The rear camera's timestamps have another origin; its first frame came 2.5 s after the front's first.
    expect(rear.timeOf(77_000_000, 3_500)).toBe(2_500_000);
    expect(rear.timeOf(77_100_000, 3_600)).toBe(2_600_000);
    expect(front.timeOf(2_601_000, 3_601)).toBe(2_600_000);
  });

  it('accepts only times after the last one taken', () => {
    const clock = new CameraClock(new TimelineOrigin());
    expect(clock.accept(clock.timeOf(0, 0))).toBe(true);
    expect(clock.accept(clock.timeOf(0, 10))).toBe(false);
    expect(clock.accept(clock.timeOf(-5, 10))).toBe(false);
    expect(clock.accept(clock.timeOf(33_000, 33))).toBe(true);
    expect(clock.lastUs).toBe(33_000);
  });

  it('after reanchor (a new source) places the next frame by its capture time, never behind the last frame', () => {
    const clock = new CameraClock(new TimelineOrigin());
    clock.accept(clock.timeOf(0, 0));
    clock.accept(clock.timeOf(1_000_000, 1_000));
    clock.reanchor();
    // The new source's timestamps start over; its first frame was captured 2 s in.
    expect(clock.timeOf(0, 2_000)).toBe(2_000_000);
    clock.reanchor();
    // Its timestamps had run ahead of the page's clock: placed just after the last frame, not before it.
    clock.accept(clock.timeOf(0, 2_000));
    clock.accept(clock.timeOf(900_000, 2_100));
    clock.reanchor();
    expect(clock.timeOf(123, 2_200)).toBe(2_900_001);
  });
});

describe('wallClockNs', () => {
  it('adds the page’s time origin and gives ns', () => {
    expect(wallClockNs(1.5, 1_700_000_000_000)).toBe(1_700_000_000_001_500_000n);
  });
});

describe('logTimeNs', () => {
  it('is the wall clock a source drew into its frame, to the ns, else the capture time on the wall clock', () => {
    expect(logTimeNs({ atMs: 1.5, wallClockMs: 1_760_000_123_456 })).toBe(1_760_000_123_456_000_000n);
    expect(logTimeNs({ atMs: 1.5 })).toBe(wallClockNs(1.5));
  });
});
