import { describe, expect, it } from 'vitest';
import { planSources } from './source-plan.js';

describe('planSources', () => {
  it('the single-source form is one source with the options as they are', () => {
    const options = { input: 'clip.y4m', entity: 'cam', crf: 20 };
    expect(planSources(options)).toEqual([{ kind: 'input', label: 'clip.y4m', entity: 'cam', options }]);
    expect(planSources({})).toEqual([
      { kind: 'pattern', label: 'testsrc', entity: 'video_stream', options: {} },
    ]);
  });

  it('puts each source’s own settings over the shared ones', () => {
    const plans = planSources({
      sources: [
        { device: '/dev/video0', entity: 'cameras/front', crf: 18 },
        { input: 'replay.mp4', frames: 300, encoder: 'wasm' },
        { pattern: '640x480@29.97', hue: 120, bitrate: 1e6 },
      ],
      width: 1280,
      height: 720,
      fpsNum: 25,
      bitrate: 2e6,
      preset: 'veryfast',
      encoder: 'ffmpeg',
      save: 'out.rrd',
    });
    expect(plans.map((p) => [p.kind, p.label, p.entity])).toEqual([
      ['device', '/dev/video0', 'cameras/front'],
      ['input', 'replay.mp4', 'video_stream/1'],
      ['pattern', 'pattern 640x480@29.97', 'video_stream/2'],
    ]);
    // A source's crf replaces the shared bitrate (they exclude each other).
    expect(plans[0]!.options).toEqual({
      device: '/dev/video0',
      crf: 18,
      width: 1280,
      height: 720,
      fpsNum: 25,
      preset: 'veryfast',
      encoder: 'ffmpeg',
      save: 'out.rrd',
    });
    expect(plans[1]!.options).toMatchObject({
      input: 'replay.mp4',
      frames: 300,
      encoder: 'wasm',
      bitrate: 2e6,
    });
    // The pattern's name gives its size and rate.
    expect(plans[2]!.options).toMatchObject({
      width: 640,
      height: 480,
      fpsNum: 30000,
      fpsDen: 1001,
      hue: 120,
      bitrate: 1e6,
    });
    expect(plans[2]!.options).not.toHaveProperty('input');
  });

  it('gives stdin and --live to the source that reads stdin only', () => {
    const stdin = process.stdin;
    const plans = planSources({ sources: [{ input: '-' }, { pattern: true }], stdin, live: true });
    expect(plans[0]!.options).toMatchObject({ input: '-', stdin, live: true });
    expect(plans[1]!.options).not.toHaveProperty('live');
    expect(plans[1]!.label).toBe('testsrc');
  });

  it('gives a shared stamp to every pattern, which one may turn off for itself', () => {
    expect(planSources({ stamp: true })[0]!.options).toMatchObject({ stamp: true });
    const plans = planSources({
      sources: [{ pattern: '640x480@30' }, { pattern: '640x480@30', stamp: false }, { input: 'a.y4m' }],
      stamp: true,
    });
    expect(plans.map((p) => p.options.stamp)).toEqual([true, false, true]);
    expect(planSources({ sources: [{ pattern: true, stamp: true }] })[0]!.options).toMatchObject({
      stamp: true,
    });
  });

  it('refuses what cannot be meant, with one usage line', () => {
    const bad: [Parameters<typeof planSources>[0], RegExp][] = [
      [{ sources: [] }, /sources is empty/],
      [{ sources: [{ pattern: true }], input: 'x.y4m' }, /give input and device there/],
      [{ sources: [{}] }, /sources\[0\] names no source/],
      [{ sources: [{ input: 'a.y4m', device: '/dev/video0' }] }, /names device and input/],
      [{ sources: [{ input: 'a.y4m', hue: 30 }] }, /hue applies to a test pattern/],
      [{ sources: [{ device: '/dev/video0', stamp: true }] }, /stamp applies to a test pattern/],
      [{ sources: [{ pattern: true, stamp: 1 as unknown as boolean }] }, /stamp must be true or false/],
      [{ input: 'a.y4m', stamp: true }, /--stamp draws the capture time into the test pattern; a file/],
      [{ device: '/dev/video0', stamp: true }, /a camera has its own picture/],
      [{ sources: [{ input: 'a.y4m' }, { device: '/dev/video0' }], stamp: true }, /--stamp would be unused/],
      [{ sources: [{ pattern: '640x480@30', width: 320, height: 240 }] }, /gives its own size and rate/],
      [{ sources: [{ pattern: '640x480' }] }, /expected WIDTHxHEIGHT@FPS/],
      [{ sources: [{ input: '-' }, { input: '-' }] }, /two sources read stdin/],
      [{ sources: [{ pattern: true }, { input: 'a.y4m' }], live: true }, /--live applies to --input -/],
      [
        {
          sources: [
            { pattern: true, entity: 'a' },
            { pattern: true, entity: 'b' },
          ],
          entity: 'c',
        },
        /--entity c would be unused/,
      ],
      [{ sources: [{ pattern: true, entity: 'a//b' }] }, /sources\[0\]\.entity "a\/\/b"/],
      [
        {
          sources: [
            { pattern: true, entity: 'x' },
            { pattern: true, entity: 'x' },
          ],
        },
        /same entity/,
      ],
      [{ sources: [{ pattern: true }, { pattern: true, entity: 'video_stream/0' }] }, /same entity/],
    ];
    for (const [options, message] of bad) {
      expect(() => planSources(options), message.source).toThrow(
        expect.objectContaining({ code: 'usage', message: expect.stringMatching(message) }),
      );
    }
  });
});
