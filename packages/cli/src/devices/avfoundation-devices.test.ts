import { describe, expect, it } from 'vitest';
import { parseAvfoundationDevices } from './avfoundation-devices.js';

describe('parseAvfoundationDevices', () => {
  it('reads the video devices only, without screens', () => {
    const stderr = `[AVFoundation indev @ 0x7fb1c8d04a40] AVFoundation video devices:
[AVFoundation indev @ 0x7fb1c8d04a40] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7fb1c8d04a40] [1] OBS Virtual Camera
[AVFoundation indev @ 0x7fb1c8d04a40] [2] Capture screen 0
[AVFoundation indev @ 0x7fb1c8d04a40] AVFoundation audio devices:
[AVFoundation indev @ 0x7fb1c8d04a40] [0] MacBook Pro Microphone
[AVFoundation indev @ 0x7fb1c8d04a40] [1] BlackHole 2ch
: Input/output error
`;
    expect(parseAvfoundationDevices(stderr)).toEqual([
      { index: 0, name: 'FaceTime HD Camera' },
      { index: 1, name: 'OBS Virtual Camera' },
    ]);
  });

  it('keeps names with brackets and colons as they are; no video devices is an empty list', () => {
    const stderr = `[AVFoundation indev @ 0x1] AVFoundation video devices:
[AVFoundation indev @ 0x1] [0] Jo’s iPhone [2] Camera
[AVFoundation indev @ 0x1] [1] Cam: Link 4K
[AVFoundation indev @ 0x1] AVFoundation audio devices:
`;
    expect(parseAvfoundationDevices(stderr)).toEqual([
      { index: 0, name: 'Jo’s iPhone [2] Camera' },
      { index: 1, name: 'Cam: Link 4K' },
    ]);
    expect(
      parseAvfoundationDevices(`[AVFoundation indev @ 0x1] AVFoundation video devices:
[AVFoundation indev @ 0x1] [0] Capture screen 0
[AVFoundation indev @ 0x1] AVFoundation audio devices:
[AVFoundation indev @ 0x1] [0] MacBook Air Microphone
`),
    ).toEqual([]);
  });
});
