import { describe, expect, it } from 'vitest';
import { isCamstreamError } from '../errors.js';
import {
  checkH264Frame,
  EncoderOptionsError,
  resolveH264Options,
  x264CodecArgs,
  x264EncodeArgs,
} from './encoder-options.js';

describe('H.264 encoder options', () => {
  it('fills in the defaults and builds the x264 arguments from them', () => {
    const o = resolveH264Options({ width: 64, height: 48, fpsNum: 30 });
    expect(o).toMatchObject({
      preset: 'veryfast',
      tune: 'zerolatency',
      gop: 30,
      pixelFormat: 'I420',
      frameBytes: 4608,
    });
    const args = x264EncodeArgs(o, 'in', 'out');
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-flush_packets'))).toEqual(x264CodecArgs(o));
    expect(args.join(' ')).toContain('-g 30 -keyint_min 30 -sc_threshold 0');
    expect(x264CodecArgs(o, 'libx264rgb')[1]).toBe('libx264rgb');
  });

  it('throws core errors with the option and frame codes', () => {
    const bad = (run: () => unknown, code: string): void => {
      try {
        run();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(EncoderOptionsError);
        expect(isCamstreamError(error, code)).toBe(true);
      }
    };
    bad(() => resolveH264Options({ width: 63, height: 48, fpsNum: 30 }), 'invalid-options');
    bad(
      () => resolveH264Options({ width: 64, height: 48, fpsNum: 30, pixelFormat: 'YUY2' as never }),
      'unsupported-format',
    );
    const o = resolveH264Options({ width: 64, height: 48, fpsNum: 30 });
    const frame = {
      format: 'I420',
      width: 64,
      height: 48,
      data: new Uint8Array(10),
      pts: 0n,
      index: 0,
    } as const;
    bad(() => checkH264Frame(frame, o), 'invalid-frame');
  });
});
