import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRrd } from '@camstream/core';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../output/exit-codes.js';
import { runCaptured } from '../run-captured.test-util.js';
import { type CaptureFlags, captureOptions } from './command.js';

const dir = tempDir('camstream-command-');

const base: CaptureFlags = { tune: 'zerolatency', encoder: 'auto', timeline: 'time', appId: 'camstream' };

describe('captureOptions', () => {
  it('keeps one plain --input or --device as the single-source form', () => {
    expect(captureOptions({ ...base, input: ['clip.y4m'] })).toMatchObject({ input: 'clip.y4m' });
    expect(captureOptions({ ...base, device: '/dev/video0' })).toMatchObject({ device: '/dev/video0' });
    expect(captureOptions({ ...base, input: ['clip.y4m'] })).not.toHaveProperty('sources');
    expect(captureOptions(base)).not.toHaveProperty('sources');
  });

  it('turns specs into sources, in the order the flags were given', () => {
    const options = captureOptions({
      ...base,
      device: ['/dev/video0=cameras/front', 'video=USB Cam=cameras/rear,size=640x480,fps=15'],
      input: ['clip.mp4=replay,frames=300,encoder=wasm'],
      pattern: ['640x480@30=sim/cam0,hue=120,preset=ultrafast'],
      sourceOrder: ['device', 'pattern', 'input', 'device'],
      entity: 'robot',
    });
    expect(options.sources).toEqual([
      { device: '/dev/video0', entity: 'cameras/front' },
      { pattern: '640x480@30', entity: 'sim/cam0', hue: 120, preset: 'ultrafast' },
      { input: 'clip.mp4', entity: 'replay', frames: 300, encoder: 'wasm' },
      { device: 'video=USB Cam', entity: 'cameras/rear', width: 640, height: 480, fpsNum: 15, fpsDen: 1 },
    ]);
    expect(options).toMatchObject({ entity: 'robot' });
    expect(options).not.toHaveProperty('input');
    // One source with an entity or options is a source too.
    expect(captureOptions({ ...base, input: 'a=b=' })).toMatchObject({ input: 'a=b' });
    expect(captureOptions({ ...base, input: 'clip.y4m=cam' }).sources).toEqual([
      { input: 'clip.y4m', entity: 'cam' },
    ]);
  });

  it('reads --stamp as the shared stamp and ,stamp as a pattern’s own', () => {
    expect(captureOptions({ ...base, stamp: true })).toMatchObject({ stamp: true });
    expect(captureOptions(base)).not.toHaveProperty('stamp');
    const options = captureOptions({ ...base, pattern: ['640x480@30,stamp', '320x240@30=sim/b'] });
    expect(options.sources).toEqual([
      { pattern: '640x480@30', stamp: true },
      { pattern: '320x240@30', entity: 'sim/b' },
    ]);
    expect(options).not.toHaveProperty('stamp');
  });
});

describe('camstream capture with several sources', { timeout: 90_000 }, () => {
  it('refuses two sources on one entity, naming both (exit 2), and a hue on a file', async () => {
    const clash = await runCaptured([
      'capture',
      '--pattern',
      '64x48@30=cam',
      '--input',
      'clip.y4m=cam',
      '--save',
      join(dir, 'never.rrd'),
    ]);
    expect(clash.code).toBe(ExitCode.usage);
    expect(clash.stderr).toBe(
      'camstream: --pattern 64x48@30 and --input clip.y4m are on the same entity (/cam, /cam); give each its own with =ENTITY\n',
    );
    const hue = await runCaptured([
      'capture',
      '--input',
      'clip.y4m,hue=90',
      '--save',
      join(dir, 'never.rrd'),
    ]);
    expect(hue.code).toBe(ExitCode.usage);
    expect(hue.stderr).toMatch(/^camstream: --input "clip\.y4m,hue=90": hue applies to --pattern/);
  });

  it('numbers sources without =ENTITY by position and reports each in --log-format json', async () => {
    const save = join(dir, 'two.rrd');
    const result = await runCaptured([
      '--log-format',
      'json',
      'capture',
      '--pattern',
      '64x48@30,frames=6',
      '--input',
      join(dir, 'missing.y4m'),
      '--pattern',
      '96x64@30=sim/cam1,frames=4,hue=200',
      '--encoder',
      'wasm',
      '--preset',
      'ultrafast',
      '--save',
      save,
    ]);
    const events = result.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const of = (event: string) => events.filter((e) => e.event === event);
    expect(of('start').map((e) => e.entity)).toEqual(['video_stream/0', 'sim/cam1']);
    expect(of('source-failed')).toEqual([
      expect.objectContaining({
        level: 'error',
        entity: 'video_stream/1',
        message: expect.stringMatching(
          /^video_stream\/1 \(.*missing\.y4m\) could not start: .*; the other 2 sources go on$/,
        ),
      }),
    ]);
    expect(
      of('source-ended')
        .map((e) => e.entity)
        .sort(),
    ).toEqual(['sim/cam1', 'video_stream/0']);
    expect(of('source-summary').map((e) => [e.entity, e.outcome, e.frames])).toEqual([
      ['video_stream/0', 'ended', 6],
      ['video_stream/1', 'failed', 0],
      ['sim/cam1', 'ended', 4],
    ]);
    expect(of('done')).toHaveLength(1);
    // A failed source makes the run exit 1, after the others were recorded.
    expect(result.code).toBe(ExitCode.runtime);
    expect(events.at(-1)).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/1 of 3 sources failed: video_stream\/1/),
    });
    const { messages } = decodeRrd(new Uint8Array(await readFile(save)));
    const entities = new Set(
      messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m.chunk.entityPath] : [])),
    );
    expect(entities).toEqual(new Set(['/video_stream/0', '/sim/cam1']));
  });
});
