import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogLine, stripPrefix, ticksToNanos } from './ffmpeg-log.js';

// Real lines of ffmpeg 5.1 (`-loglevel level+info`), as the decode worker receives them.
const SHOWINFO =
  '[Parsed_showinfo_0 @ 0x1e2a0] [info] n:  12 pts:   6144 pts_time:0.4     pos:    10211 fmt:yuv420p sar:1/1 s:160x120 i:P iskey:0 type:B ';
const CONFIG = '[Parsed_showinfo_0 @ 0x1e2a0] [info] config in time_base: 1/15360, frame_rate: 30/1';
const STREAM =
  '[info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 160x120 [SAR 1:1 DAR 4:3], 233 kb/s, 29.97 fps, 29.97 tbr, 15360 tbn (default)';

describe('parseLogLine', () => {
  it('reads showinfo frame lines, the time base, the input description and error lines', () => {
    expect(parseLogLine(SHOWINFO)).toEqual({
      kind: 'frame',
      frame: { n: 12, pts: 6144n, width: 160, height: 120 },
    });
    expect(parseLogLine(CONFIG)).toEqual({ kind: 'time-base', timeBase: { num: 1, den: 15360 } });
    expect(parseLogLine(STREAM)).toEqual({
      kind: 'video-stream',
      codec: 'h264',
      width: 160,
      height: 120,
      fps: { num: 30000, den: 1001 },
    });
    expect(parseLogLine('[info]   Duration: 00:01:02.50, start: 0.000000, bitrate: 277 kb/s')).toEqual({
      kind: 'duration',
      durationNs: 62_500_000_000n,
    });
    expect(parseLogLine('[info]   Duration: N/A, bitrate: N/A')).toEqual({
      kind: 'duration',
      durationNs: undefined,
    });
    expect(parseLogLine("[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/input.mp4':")).toEqual({
      kind: 'input-start',
    });
    expect(parseLogLine("[info] Output #0, rawvideo, to '/dev/out':")).toEqual({ kind: 'output-start' });
    expect(parseLogLine('[matroska,webm @ 0x5597] [error] File ended prematurely')).toEqual({
      kind: 'error',
      text: 'File ended prematurely',
    });
    expect(parseLogLine('[info] Press [q] to stop, [?] for help')).toEqual({ kind: 'other' });
  });

  it('reads "1k fps", a frame without timestamp, and a stream line without a rate', () => {
    const rate = parseLogLine(
      '[info]   Stream #0:0: Video: rawvideo (I420 / 0x30323449), yuv420p, 64x48, 1k fps, 1k tbr',
    );
    expect(rate).toMatchObject({ kind: 'video-stream', codec: 'rawvideo', fps: { num: 1000, den: 1 } });
    expect(
      parseLogLine('[P @ 0x1] [info] n:   0 pts:NOPTS pts_time:NOPTS pos: -1 fmt:gray s:2x2 i:P'),
    ).toMatchObject({
      frame: { pts: undefined, width: 2, height: 2 },
    });
    expect(parseLogLine('[info]   Stream #0:1: Video: vp9, yuv420p, 64x48')).toMatchObject({
      fps: undefined,
    });
  });

  it('property: every showinfo line it could be given reads back what was written', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }),
        fc.integer({ min: 1, max: 16384 }),
        fc.integer({ min: 1, max: 16384 }),
        fc.constantFrom('', '[Parsed_showinfo_0 @ 0xabc] [info] ', '[info] '),
        (n, pts, w, h, prefix) => {
          const line = `${prefix}n:${String(n).padStart(4)} pts:${String(pts).padStart(7)} pts_time:1 pos: -1 fmt:yuv420p sar:1/1 s:${w}x${h} i:P iskey:1 type:I`;
          expect(parseLogLine(line)).toEqual({ kind: 'frame', frame: { n, pts, width: w, height: h } });
        },
      ),
    );
  });

  it('property: arbitrary text never throws, and only a [error] prefix makes an error line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const line = parseLogLine(text);
        if (line.kind === 'error') expect(stripPrefix(text).level).toMatch(/^(error|fatal|panic)$/);
      }),
    );
  });
});

describe('ticksToNanos', () => {
  it('is exact where the time base allows it and rounds down otherwise', () => {
    expect(ticksToNanos(512n, { num: 1, den: 15360 })).toBe(33_333_333n);
    expect(ticksToNanos(3n, { num: 1, den: 1000 })).toBe(3_000_000n);
    expect(ticksToNanos(1n, { num: 1001, den: 30000 })).toBe(33_366_666n);
    expect(ticksToNanos(-1n, { num: 1, den: 3 })).toBe(-333_333_334n);
  });

  it('property: the result is the floor of ticks·num·10⁹/den, and monotone in ticks', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (ticks, num, den) => {
          const ns = ticksToNanos(ticks, { num, den });
          const exact = ticks * BigInt(num) * 1_000_000_000n;
          expect(ns * BigInt(den) <= exact).toBe(true);
          expect((ns + 1n) * BigInt(den) > exact).toBe(true);
          expect(ticksToNanos(ticks + 1n, { num, den }) >= ns).toBe(true);
        },
      ),
    );
  });
});
