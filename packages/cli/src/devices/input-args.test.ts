import { describe, expect, it } from 'vitest';
import { deviceInputArgs } from './input-args.js';

const hd = { size: { width: 1280, height: 720 }, rate: { num: 30000, den: 1001 } } as const;

describe('deviceInputArgs', () => {
  it('Linux: V4L2 with the device path, the mode only when asked', () => {
    expect(deviceInputArgs('linux', '/dev/video0')).toEqual(['-f', 'v4l2', '-i', '/dev/video0']);
    expect(deviceInputArgs('linux', '/dev/video2', hd)).toEqual([
      '-f',
      'v4l2',
      '-framerate',
      '30000/1001',
      '-video_size',
      '1280x720',
      '-i',
      '/dev/video2',
    ]);
    expect(deviceInputArgs('linux', '/dev/video0', { size: { width: 640, height: 480 } })).toEqual([
      '-f',
      'v4l2',
      '-video_size',
      '640x480',
      '-i',
      '/dev/video0',
    ]);
  });

  it('macOS: AVFoundation by index or name, no audio, 30 fps unless told', () => {
    expect(deviceInputArgs('darwin', '0')).toEqual([
      '-f',
      'avfoundation',
      '-framerate',
      '30/1',
      '-i',
      '0:none',
    ]);
    expect(deviceInputArgs('darwin', 'FaceTime HD Camera', hd)).toEqual([
      '-f',
      'avfoundation',
      '-framerate',
      '30000/1001',
      '-video_size',
      '1280x720',
      '-i',
      'FaceTime HD Camera:none',
    ]);
    expect(deviceInputArgs('darwin', '1', { pixelFormat: 'uyvy422' })).toEqual([
      '-f',
      'avfoundation',
      '-framerate',
      '30/1',
      '-pixel_format',
      'uyvy422',
      '-i',
      '1:none',
    ]);
  });

  it('Windows: DirectShow "video=NAME", a given video= kept as it is', () => {
    expect(deviceInputArgs('win32', 'Integrated Camera')).toEqual([
      '-f',
      'dshow',
      '-i',
      'video=Integrated Camera',
    ]);
    expect(deviceInputArgs('win32', 'video=USB Video Device', hd)).toEqual([
      '-f',
      'dshow',
      '-framerate',
      '30000/1001',
      '-video_size',
      '1280x720',
      '-i',
      'video=USB Video Device',
    ]);
    const pnp =
      '@device_pnp_\\\\?\\usb#vid_046d&pid_0825&mi_00#6&2a4b1c3&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global';
    expect(deviceInputArgs('win32', pnp).at(-1)).toBe(`video=${pnp}`);
    // A name with "=" in it that does not start with video= still gets the prefix.
    expect(deviceInputArgs('win32', 'Cam=2').at(-1)).toBe('video=Cam=2');
  });
});
