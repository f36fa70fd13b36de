import { describe, expect, it } from 'vitest';
import { parsePatternName, parseSourceSpec, sourceEntities } from './source-spec.js';

describe('parseSourceSpec', () => {
  it('reads NAME, =ENTITY and ,KEY=VALUE options', () => {
    expect(parseSourceSpec('device', '/dev/video0')).toEqual({
      kind: 'device',
      name: '/dev/video0',
      options: {},
    });
    expect(parseSourceSpec('device', '/dev/video0=cameras/front')).toEqual({
      kind: 'device',
      name: '/dev/video0',
      entity: 'cameras/front',
      options: {},
    });
    expect(
      parseSourceSpec('device', '/dev/video2=cameras/rear,size=640x480,preset=ultrafast,fps=15'),
    ).toEqual({
      kind: 'device',
      name: '/dev/video2',
      entity: 'cameras/rear',
      options: { size: { width: 640, height: 480 }, preset: 'ultrafast', fps: { num: 15, den: 1 } },
    });
    expect(parseSourceSpec('input', 'clip.mp4,frames=300,encoder=wasm')).toEqual({
      kind: 'input',
      name: 'clip.mp4',
      options: { frames: 300, encoder: 'wasm' },
    });
    expect(parseSourceSpec('pattern', '640x480@30=sim/cam0')).toMatchObject({
      name: '640x480@30',
      entity: 'sim/cam0',
    });
  });

  it('keeps = and , that belong to the name', () => {
    expect(parseSourceSpec('device', 'video=USB Camera')).toMatchObject({ name: 'video=USB Camera' });
    expect(parseSourceSpec('device', 'video=Cam')).toMatchObject({ name: 'video=Cam' });
    expect(parseSourceSpec('device', 'video=Cam,fps=15')).toMatchObject({
      name: 'video=Cam',
      options: { fps: { num: 15, den: 1 } },
    });
    expect(parseSourceSpec('device', 'video=USB Camera=cameras/usb')).toMatchObject({
      name: 'video=USB Camera',
      entity: 'cameras/usb',
    });
    expect(parseSourceSpec('input', 'clip=1.mp4')).toMatchObject({ name: 'clip=1.mp4' });
    expect(parseSourceSpec('input', 'a=b=')).toEqual({ kind: 'input', name: 'a=b', options: {} });
    expect(parseSourceSpec('input', 'my,file.mp4')).toMatchObject({ name: 'my,file.mp4', options: {} });
    expect(parseSourceSpec('input', '-=stdin_cam')).toMatchObject({ name: '-', entity: 'stdin_cam' });
  });

  it('refuses unknown or bad options, empty names and bad patterns with one usage line', () => {
    const bad = [
      ['input', 'x.mp4=e,bogus=1', /unknown option "bogus"/],
      ['input', 'x.mp4=e,size=1', /size: size "1" is not WIDTHxHEIGHT/],
      ['input', 'x.mp4=e,gop=5,gop=6', /option gop is given twice/],
      ['input', '=e', /the source name is empty/],
      ['pattern', '640x480', /expected WIDTHxHEIGHT@FPS/],
      ['pattern', '641x480@30', /odd|even/],
      ['device', '/dev/video0=a,encoder=x264', /encoder: --encoder "x264"/],
    ] as const;
    for (const [kind, text, message] of bad) {
      expect(() => parseSourceSpec(kind, text), text).toThrow(
        expect.objectContaining({ code: 'usage', message: expect.stringMatching(message) }),
      );
    }
  });

  it('takes a hue for a pattern only', () => {
    expect(parseSourceSpec('pattern', '640x480@30=sim/cam0,hue=120')).toEqual({
      kind: 'pattern',
      name: '640x480@30',
      entity: 'sim/cam0',
      options: { hue: 120 },
    });
    expect(parseSourceSpec('pattern', '640x480@30,hue=-45.5').options).toEqual({ hue: -45.5 });
    expect(() => parseSourceSpec('pattern', '640x480@30,hue=red')).toThrow(
      /hue "red" is not a number of degrees/,
    );
    expect(() => parseSourceSpec('device', '/dev/video0,hue=90')).toThrow(
      expect.objectContaining({ code: 'usage', message: expect.stringMatching(/hue applies to --pattern/) }),
    );
  });

  it('takes stamp, a switch without a value, for a pattern only', () => {
    expect(parseSourceSpec('pattern', '640x480@30,stamp')).toEqual({
      kind: 'pattern',
      name: '640x480@30',
      options: { stamp: true },
    });
    expect(parseSourceSpec('pattern', '640x480@30=sim/cam0,hue=120,stamp,preset=ultrafast')).toEqual({
      kind: 'pattern',
      name: '640x480@30',
      entity: 'sim/cam0',
      options: { hue: 120, stamp: true, preset: 'ultrafast' },
    });
    const bad = [
      ['pattern', '640x480@30,stamp=1', /stamp takes no value; write ,stamp/],
      ['pattern', '640x480@30,stamp,stamp', /option stamp is given twice/],
      ['device', '/dev/video0,stamp', /stamp applies to --pattern/],
      ['input', 'clip.mp4=replay,stamp', /stamp applies to --pattern/],
    ] as const;
    for (const [kind, text, message] of bad) {
      expect(() => parseSourceSpec(kind, text), text).toThrow(
        expect.objectContaining({ code: 'usage', message: expect.stringMatching(message) }),
      );
    }
    // Only the switches go without a value: a name with a comma and a word stays a name.
    expect(parseSourceSpec('input', 'take,stampede.mp4')).toMatchObject({ name: 'take,stampede.mp4' });
    expect(parseSourceSpec('input', 'clip,size')).toMatchObject({ name: 'clip,size', options: {} });
  });

  it('reads a pattern’s size and rate', () => {
    expect(parsePatternName('1280x720@29.97')).toEqual({
      size: { width: 1280, height: 720 },
      fps: { num: 30000, den: 1001 },
    });
  });
});

describe('sourceEntities', () => {
  const spec = (name: string, entity?: string) =>
    parseSourceSpec('input', entity === undefined ? name : `${name}=${entity}`);

  it('one source keeps the default entity; several number theirs', () => {
    expect(sourceEntities([spec('a.y4m')], 'video_stream')).toEqual(['video_stream']);
    expect(sourceEntities([spec('a.y4m'), spec('b.y4m', 'replay'), spec('c.y4m')], 'video_stream')).toEqual([
      'video_stream/0',
      'replay',
      'video_stream/2',
    ]);
  });

  it('two sources on one entity, or nested ones, are a usage error naming both', () => {
    expect(() => sourceEntities([spec('a.y4m', 'cam'), spec('b.y4m', 'cam')], 'video_stream')).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: expect.stringMatching(/--input a\.y4m and --input b\.y4m are on the same entity/),
      }),
    );
    expect(() =>
      sourceEntities([spec('a.y4m', 'cams'), spec('b.y4m', 'cams/front')], 'video_stream'),
    ).toThrow(/nested entities/);
  });
});
