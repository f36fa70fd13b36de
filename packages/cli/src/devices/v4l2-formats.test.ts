import { describe, expect, it } from 'vitest';
import { parseV4l2Formats } from './v4l2-formats.js';

describe('parseV4l2Formats', () => {
  it('reads raw and compressed formats with their sizes (a UVC webcam, FFmpeg 5/6)', () => {
    const stderr = `[video4linux2,v4l2 @ 0x55d5c4a0e940] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 320x180 1280x720
[video4linux2,v4l2 @ 0x55d5c4a0e940] Compressed:       mjpeg :          Motion-JPEG : 1920x1080 1280x720
/dev/video0: Immediate exit requested
`;
    expect(parseV4l2Formats(stderr)).toEqual({
      notCapture: false,
      formats: [
        {
          kind: 'raw',
          format: 'yuyv422',
          description: 'YUYV 4:2:2',
          sizes: ['640x480', '320x180', '1280x720'],
        },
        { kind: 'compressed', format: 'mjpeg', description: 'Motion-JPEG', sizes: ['1920x1080', '1280x720'] },
      ],
    });
  });

  it('reads stepwise sizes, emulated formats and formats ffmpeg has no name for', () => {
    const stderr = `[video4linux2,v4l2 @ 0x5581] Raw       :     yuv420p :     Planar YUV 4:2:0 : Emulated : {32-4096, 2}x{32-2304, 2}
[video4linux2,v4l2 @ 0x5581] Raw       : Unsupported :   10-bit Bayer GRGR/BGBG :
/dev/video4: Immediate exit requested
`;
    expect(parseV4l2Formats(stderr).formats).toEqual([
      {
        kind: 'raw',
        format: 'yuv420p',
        description: 'Planar YUV 4:2:0',
        sizes: ['{32-4096, 2}x{32-2304, 2}'],
      },
      { kind: 'raw', format: 'Unsupported', description: '10-bit Bayer GRGR/BGBG', sizes: [] },
    ]);
  });

  it('knows a metadata node, and says why a node could not be asked', () => {
    const metadata = `[video4linux2,v4l2 @ 0x5603] Not a video capture device.
/dev/video1: No such device
`;
    expect(parseV4l2Formats(metadata)).toEqual({ formats: [], notCapture: true });
    const busy = `[video4linux2,v4l2 @ 0x5603] Cannot open video device /dev/video0: Device or resource busy
/dev/video0: Device or resource busy
`;
    expect(parseV4l2Formats(busy)).toEqual({
      formats: [],
      notCapture: false,
      problem: '/dev/video0: Device or resource busy',
    });
  });
});
