import { MemorySink } from '@camstream/core';
import { describe, expect, it } from 'vitest';
import { WebError } from '../errors.js';
import { encoderDefaults, resolveEncoder, resolveSessionOptions, resolveSource } from './resolve-options.js';
import { SharedRecording } from './shared-recording.js';

describe('resolveSource / resolveEncoder / resolveSessionOptions', () => {
  it('fills in the defaults: the default camera, 640x480 at 30 fps, auto encoder', () => {
    expect(resolveSource(undefined)).toEqual({
      kind: 'camera',
      deviceId: undefined,
      width: 640,
      height: 480,
      frameRate: 30,
      reader: 'auto',
    });
    expect(resolveEncoder(undefined).kind).toBe('auto');
    expect(encoderDefaults(resolveEncoder(undefined), { width: 640, height: 480, frameRate: 30 })).toEqual({
      bitrate: 921_600,
      keyframeInterval: 60,
    });
  });

  it('rejects odd sizes, bad rates and empty sinks with what was expected', () => {
    expect(() => resolveSource({ kind: 'test-pattern', width: 641 })).toThrow(/even whole number.*got 641/);
    expect(() => resolveSource({ kind: 'camera', frameRate: 0 })).toThrow(/1 to 120, got 0/);
    expect(() => resolveSource({ kind: 'screen' } as never)).toThrow(/"camera", "test-pattern" or "track"/);
    expect(() => resolveEncoder({ kind: 'x264' as never })).toThrow(/"auto", "webcodecs" or "wasm"/);
    expect(() => resolveEncoder({ keyframeInterval: 0.5 })).toThrow(/whole number of frames/);
    expect(() => resolveSessionOptions({ sinks: [] })).toThrow(/non-empty array of functions/);
    expect(() => resolveSessionOptions({ sinks: [() => ({}) as never], statsIntervalMs: 5 })).toThrow(
      /at least 100 ms/,
    );
    expect(() => resolveSessionOptions({ sinks: [() => ({}) as never], statsWindowMs: Number.NaN })).toThrow(
      /statsWindowMs must be at least 100 ms, got NaN/,
    );
    expect(resolveSessionOptions({ sinks: [() => ({}) as never] }).statsWindowMs).toBe(2000);
  });

  it('takes stamp on a test pattern: a boolean, default false, on a pattern at least 80 pixels wide', () => {
    expect(resolveSource({ kind: 'test-pattern' })).toMatchObject({ kind: 'test-pattern', stamp: false });
    expect(resolveSource({ kind: 'test-pattern', stamp: true, width: 80, height: 48 })).toEqual({
      kind: 'test-pattern',
      width: 80,
      height: 48,
      frameRate: 30,
      stamp: true,
    });
    expect(() => resolveSource({ kind: 'test-pattern', stamp: 'yes' as never })).toThrow(
      expect.objectContaining({
        code: 'invalid-argument',
        message: expect.stringMatching(/source stamp must be true or false, got yes/),
      }),
    );
    expect(() => resolveSource({ kind: 'test-pattern', stamp: true, width: 64, height: 48 })).toThrow(
      /stamped test pattern must be at least 80 pixels wide .*got 64/,
    );
    // Unstamped, a narrow pattern is as before.
    expect(resolveSource({ kind: 'test-pattern', width: 64, height: 48 })).toMatchObject({ stamp: false });
  });

  it('refuses an application id newer Rerun viewers would refuse or rename, naming the character', () => {
    const sinks = [() => ({}) as never];
    expect(resolveSessionOptions({ sinks }).applicationId).toBe('camstream_web');
    expect(resolveSessionOptions({ sinks, applicationId: 'lab [cam 2]:front' }).applicationId).toBe(
      'lab [cam 2]:front',
    );
    const refusal = (applicationId: string) => {
      try {
        resolveSessionOptions({ sinks, applicationId });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const dotted = refusal('camstream.web');
    expect(dotted).toBeInstanceOf(WebError);
    expect(dotted).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(
        /^applicationId "camstream\.web" contains "\." \(U\+002E\); allowed are ASCII letters, .*\(no dots\); expected a name such as "camstream_web"/,
      ),
    });
    expect(refusal('')).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/"" is empty/),
    });
    expect(refusal('x'.repeat(181))).toMatchObject({ message: expect.stringMatching(/181 bytes long/) });
  });

  it('takes a SharedRecording instead of sinks, with its timeline and an entity path of its own', () => {
    const recording = new SharedRecording({ sinks: [new MemorySink()], timeline: 'capture' });
    const resolved = resolveSessionOptions({ recording, entityPath: 'cameras/front', logStats: true });
    expect(resolved).toMatchObject({
      recording,
      entityPath: 'cameras/front',
      timeline: 'capture',
      logStats: true,
      sinks: [],
    });
    expect(resolveSessionOptions({ sinks: [() => ({}) as never] })).toMatchObject({
      recording: undefined,
      entityPath: 'video_stream',
      timeline: 'time',
      logStats: false,
    });
    expect(() => resolveSessionOptions({ recording })).toThrow(
      /needs its own entityPath, e\.g\. "cameras\/front"/,
    );
    expect(() =>
      resolveSessionOptions({ recording, entityPath: 'a', sinks: [() => new MemorySink()] }),
    ).toThrow(/sinks cannot be given with recording/);
    expect(() => resolveSessionOptions({ recording, entityPath: 'a', timeline: 't' })).toThrow(
      /timeline cannot be given with recording/,
    );
    expect(() => resolveSessionOptions({ recording: {} as never, entityPath: 'a' })).toThrow(
      /recording must be a SharedRecording/,
    );
    expect(() => resolveSource({ kind: 'track', track: {} as never })).toThrow(/a video MediaStreamTrack/);
    expect(() => resolveSessionOptions({})).toThrow(/or give a SharedRecording as recording/);
  });
});
