import { describe, expect, it } from 'vitest';
import { frameByteLength } from '../model/pipeline.js';
import { SourceError } from './source-error.js';
import { renderTestPattern, testPattern } from './test-pattern.js';
import { rotateTestPatternHue, TEST_PATTERN_BARS } from './test-pattern-layout.js';

describe('testPattern', () => {
  it('yields I420 frames with exact PTS at any rate', () => {
    const frames = [...testPattern({ width: 64, height: 48, fpsNum: 30000, fpsDen: 1001, frames: 3 })];
    expect(frames.map((f) => f.pts)).toEqual([0n, 33_366_666n, 66_733_333n]);
    for (const f of frames) expect(f.data.length).toBe(frameByteLength('I420', 64, 48));
  });

  it('moves: consecutive frames differ, the same index renders the same bytes', () => {
    const o = { width: 160, height: 120, fpsNum: 30 };
    const a = renderTestPattern(o, 10).data;
    expect(renderTestPattern(o, 10).data).toEqual(a);
    expect(renderTestPattern(o, 11).data).not.toEqual(a);
  });

  it('draws the bars, the counter and the clock', () => {
    const o = { width: 160, height: 120, fpsNum: 30 };
    const f = renderTestPattern(o, 0).data;
    // Bottom-left pixel is the first bar's luma; bottom-right the last bar's.
    expect(f[119 * 160]).toBe(TEST_PATTERN_BARS[0]?.yuv[0]);
    expect(f[119 * 160 + 159]).toBe(TEST_PATTERN_BARS[7]?.yuv[0]);
    // The counter region differs between frame 1 and frame 2 (digits change), and so does the clock.
    const top = (d: Uint8Array) => d.subarray(0, 160 * 16);
    expect(top(renderTestPattern(o, 1).data)).not.toEqual(top(renderTestPattern(o, 2).data));
  });

  it('supports odd sizes and a start index', () => {
    const [f] = [...testPattern({ width: 33, height: 17, fpsNum: 25, frames: 1, startIndex: 50 })];
    expect(f?.index).toBe(50);
    expect(f?.pts).toBe(2_000_000_000n);
    expect(f?.data.length).toBe(frameByteLength('I420', 33, 17));
  });

  it('turns its colours by hue: luma kept, chroma turned, greys and the default look unchanged', () => {
    const o = { width: 160, height: 120, fpsNum: 30 };
    const plain = renderTestPattern(o, 7).data;
    expect(renderTestPattern({ ...o, hue: 0 }, 7).data).toEqual(plain);
    expect(renderTestPattern({ ...o, hue: 360 }, 7).data).toEqual(plain);
    const turned = renderTestPattern({ ...o, hue: 120 }, 7).data;
    expect(turned.subarray(0, 160 * 120)).toEqual(plain.subarray(0, 160 * 120));
    expect(turned.subarray(160 * 120)).not.toEqual(plain.subarray(160 * 120));
    expect(renderTestPattern({ ...o, hue: -240 }, 7).data).toEqual(turned);
    const [grey, , , green, , red] = TEST_PATTERN_BARS;
    expect(rotateTestPatternHue(grey!, 200).yuv).toEqual(grey!.yuv);
    // 120° takes red's chroma to about green's (BT.601: red, yellow, green lie ~120° apart on the Cb/Cr plane).
    const [, u, v] = rotateTestPatternHue(red!, 120).yuv;
    expect(Math.abs(u - green!.yuv[1])).toBeLessThan(6);
    expect(Math.abs(v - green!.yuv[2])).toBeLessThan(6);
    expect(() => renderTestPattern({ ...o, hue: Number.NaN }, 0)).toThrow(/hue/);
  });

  it('rejects bad options', () => {
    expect(() => [...testPattern({ width: 0, height: 8, fpsNum: 30, frames: 1 })]).toThrow(SourceError);
    expect(() => renderTestPattern({ width: 8, height: 8, fpsNum: 0 }, 0)).toThrow(/fpsNum/);
  });
});
