import { describe, expect, it } from 'vitest';
import { formatDevices } from './format-text.js';

describe('formatDevices', () => {
  it('says no camera was found and what to check, per platform', () => {
    expect(formatDevices([], 'linux')).toMatch(/^no cameras found; is the camera plugged in.*\/dev\/video\*/);
    expect(formatDevices([], 'darwin')).toMatch(/^no cameras found; .*Privacy & Security > Camera/);
    expect(formatDevices([], 'win32')).toMatch(/^no cameras found; .*DirectShow/);
  });

  it('gives each camera its --device value, quoted for a shell when needed, with what is known of it', () => {
    const text = formatDevices(
      [
        {
          device: '/dev/video0',
          name: 'Integrated Camera: Integrated C',
          formats: [
            { kind: 'raw', format: 'yuyv422', description: 'YUYV 4:2:2', sizes: ['640x480', '1280x720'] },
            { kind: 'compressed', format: 'mjpeg', description: 'Motion-JPEG', sizes: [] },
          ],
        },
        {
          device: '/dev/video2',
          name: 'video2',
          formats: [],
          problem: '/dev/video2: Device or resource busy',
        },
      ],
      'linux',
    );
    expect(text).toBe(`2 cameras:
  --device /dev/video0
      Integrated Camera: Integrated C
      raw yuyv422 (YUYV 4:2:2): 640x480 1280x720
      compressed mjpeg (Motion-JPEG): sizes not listed
  --device /dev/video2
      video2
      ffmpeg could not ask it: /dev/video2: Device or resource busy

Capture one with: camstream capture --device VALUE --save camera.rrd (--size and --fps ask for a mode)
`);
    expect(
      formatDevices(
        [{ device: 'FaceTime HD Camera', name: 'FaceTime HD Camera', index: 0, formats: [] }],
        'darwin',
      ),
    ).toMatch(/^1 camera:\n {2}--device "FaceTime HD Camera"\n {6}index 0\n/);
    const pnp = '@device_pnp_\\\\?\\usb#vid_0c45';
    expect(
      formatDevices([{ device: pnp, name: 'USB Camera', alternativeName: pnp, formats: [] }], 'win32'),
    ).toMatch(/^1 camera:\n {2}--device "@device_pnp_\\\\\\\\\?\\\\usb#vid_0c45"\n {6}USB Camera\n\n/);
  });
});
