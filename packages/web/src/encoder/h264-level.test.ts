import { describe, expect, it } from 'vitest';
import { WebError } from '../errors.js';
import { H264Profile, h264CodecString, h264LevelFor } from './h264-level.js';

describe('h264LevelFor / h264CodecString', () => {
  it('picks level 3 for 640x480 at 30 fps and 3.1 for 1280x720 at 30 fps', () => {
    expect(h264CodecString({ width: 640, height: 480, framerate: 30 })).toBe('avc1.42E01E');
    expect(h264CodecString({ width: 1280, height: 720, framerate: 30 })).toBe('avc1.42E01F');
  });

  it('goes up a level for frame rate, size and bitrate', () => {
    expect(h264LevelFor({ width: 1280, height: 720, framerate: 60 }).name).toBe('3.2');
    expect(h264LevelFor({ width: 1920, height: 1080, framerate: 30 }).name).toBe('4');
    expect(h264LevelFor({ width: 640, height: 480, framerate: 30, bitrate: 12_000_000 }).name).toBe('3.1');
    expect(h264CodecString({ width: 1920, height: 1080, framerate: 30 }, H264Profile.High)).toBe(
      'avc1.640028',
    );
  });

  it('rounds partial macroblocks up', () => {
    // 1920x1080 is 120x68 macroblocks (8160), which still fits level 4's 8192.
    expect(h264LevelFor({ width: 1920, height: 1088, framerate: 30 }).name).toBe('4');
    expect(h264LevelFor({ width: 2048, height: 1088, framerate: 30 }).name).toBe('4.2');
  });

  it('refuses sizes beyond level 5.2 and nonsense input', () => {
    expect(() => h264LevelFor({ width: 8192, height: 8192, framerate: 30 })).toThrow(WebError);
    expect(() => h264LevelFor({ width: 0, height: 480, framerate: 30 })).toThrow(/positive size/);
    expect(() => h264LevelFor({ width: 640, height: 480, framerate: 0 })).toThrow(WebError);
  });
});
