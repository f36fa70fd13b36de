import { describe, expect, it } from 'vitest';
import { parseDshowDevices } from './dshow-devices.js';

describe('parseDshowDevices', () => {
  it('reads the sections of FFmpeg before 4.4', () => {
    const stderr = `[dshow @ 0000000000d4b2c0] DirectShow video devices (some may be both video and audio devices)
[dshow @ 0000000000d4b2c0]  "Integrated Camera"
[dshow @ 0000000000d4b2c0]     Alternative name "@device_pnp_\\\\?\\usb#vid_04f2&pid_b2ea&mi_00#7&2ff2c7d&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global"
[dshow @ 0000000000d4b2c0]  "OBS Virtual Camera"
[dshow @ 0000000000d4b2c0]     Alternative name "@device_sw_{860BB310-5D01-11D0-BD3B-00A0C911CE86}\\{A3FCE0F5-3493-419F-958A-ABA1250EC20B}"
[dshow @ 0000000000d4b2c0] DirectShow audio devices
[dshow @ 0000000000d4b2c0]  "Microphone (Realtek High Definition Audio)"
[dshow @ 0000000000d4b2c0]     Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\\wave_{1A2B}"
dummy: Immediate exit requested
`;
    expect(parseDshowDevices(stderr)).toEqual([
      {
        name: 'Integrated Camera',
        alternativeName:
          '@device_pnp_\\\\?\\usb#vid_04f2&pid_b2ea&mi_00#7&2ff2c7d&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global',
      },
      {
        name: 'OBS Virtual Camera',
        alternativeName:
          '@device_sw_{860BB310-5D01-11D0-BD3B-00A0C911CE86}\\{A3FCE0F5-3493-419F-958A-ABA1250EC20B}',
      },
    ]);
  });

  it('reads the "(video)" suffix of FFmpeg 4.4 and later', () => {
    const stderr = `[dshow @ 000001f8a1b0e3c0] "USB2.0 HD UVC WebCam" (video)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_pnp_\\\\?\\usb#vid_13d3&pid_56a2&mi_00#6&1e3c0a1&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global"
[dshow @ 000001f8a1b0e3c0] "Capture Card (HDMI)" (audio, video)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_pnp_\\\\?\\usb#vid_534d&pid_2109"
[dshow @ 000001f8a1b0e3c0] "Microphone Array (Realtek(R) Audio)" (audio)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\\wave_{5E1F}"
[dshow @ 000001f8a1b0e3c0] "Broken Filter" (none)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_sw_{0}"
dummy: Immediate exit requested
`;
    expect(parseDshowDevices(stderr)).toEqual([
      {
        name: 'USB2.0 HD UVC WebCam',
        alternativeName:
          '@device_pnp_\\\\?\\usb#vid_13d3&pid_56a2&mi_00#6&1e3c0a1&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global',
      },
      { name: 'Capture Card (HDMI)', alternativeName: '@device_pnp_\\\\?\\usb#vid_534d&pid_2109' },
    ]);
  });

  it('no video device is an empty list', () => {
    expect(
      parseDshowDevices(`[dshow @ 0000020f] "Microphone (USB Audio)" (audio)
[dshow @ 0000020f]   Alternative name "@device_cm_{1}"
dummy: Immediate exit requested
`),
    ).toEqual([]);
  });
});
