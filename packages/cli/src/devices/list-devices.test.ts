import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { listDevices } from './list-devices.js';

const dir = tempDir('camstream-devices-');

/** An ffmpeg stand-in that prints `listing` on stderr whatever it is asked, as ffmpeg prints listings. */
function fakeFfmpeg(name: string, listing: string): string {
  const text = join(dir, `${name}.txt`);
  writeFileSync(text, listing);
  const script = join(dir, name);
  writeFileSync(script, `#!/bin/sh\ncat '${text}' >&2\nexit 1\n`);
  chmodSync(script, 0o755);
  return script;
}

describe('listDevices', () => {
  it('a missing ffmpeg is a runtime error naming the install, on every platform, camera or not', async () => {
    for (const [platform, install] of [
      ['linux', 'apt install ffmpeg'],
      ['darwin', 'brew install ffmpeg'],
      ['win32', 'winget install ffmpeg'],
    ] as const) {
      await expect(
        listDevices(platform, { ffmpegPath: join(dir, 'no-ffmpeg'), deviceDir: dir }),
      ).rejects.toMatchObject({
        code: 'runtime',
        message: expect.stringContaining(
          `"${join(dir, 'no-ffmpeg')}" was not found; install it (${install})`,
        ),
      });
    }
  });

  it('Linux: the videoN character devices, asked of the real ffmpeg; other files and names are not cameras', async () => {
    const devDir = mkdtempSync(join(dir, 'dev-'));
    expect(await listDevices('linux', { deviceDir: devDir })).toEqual([]);
    // /dev/null is a character device but no V4L2 one: listed, with what ffmpeg said.
    symlinkSync('/dev/null', join(devDir, 'video10'));
    symlinkSync('/dev/null', join(devDir, 'vbi0'));
    writeFileSync(join(devDir, 'video2'), 'not a device');
    const cameras = await listDevices('linux', { deviceDir: devDir });
    expect(cameras).toEqual([
      {
        device: join(devDir, 'video10'),
        name: 'video10',
        formats: [],
        problem: expect.stringMatching(/Inappropriate ioctl for device/),
      },
    ]);
  });

  it('Linux: the formats ffmpeg lists; metadata nodes left out; in number order', async () => {
    const devDir = mkdtempSync(join(dir, 'dev-'));
    for (const node of ['video0', 'video1', 'video11']) symlinkSync('/dev/null', join(devDir, node));
    const script = join(dir, 'v4l2-ffmpeg');
    // Answers as ffmpeg does for a UVC camera's capture node (video0, video11) and its metadata node (video1).
    writeFileSync(
      script,
      `#!/bin/sh
for last; do :; done
case "$last" in
  */video1) printf '[video4linux2,v4l2 @ 0x5603] Not a video capture device.\\n%s: No such device\\n' "$last" >&2 ;;
  */video*) printf '[video4linux2,v4l2 @ 0x5603] Compressed:       mjpeg :          Motion-JPEG : 1280x720 640x480\\n%s: Immediate exit requested\\n' "$last" >&2 ;;
esac
exit 1
`,
    );
    chmodSync(script, 0o755);
    const cameras = await listDevices('linux', { ffmpegPath: script, deviceDir: devDir });
    expect(cameras.map((camera) => camera.device)).toEqual([join(devDir, 'video0'), join(devDir, 'video11')]);
    expect(cameras[0]).toMatchObject({
      formats: [
        { kind: 'compressed', format: 'mjpeg', description: 'Motion-JPEG', sizes: ['1280x720', '640x480'] },
      ],
    });
    expect(cameras[0]).not.toHaveProperty('problem');
  });

  it('macOS: AVFoundation cameras by name; a name AVFoundation would misread goes by index', async () => {
    const ffmpeg = fakeFfmpeg(
      'avfoundation-ffmpeg',
      `[AVFoundation indev @ 0x7fb1c8d04a40] AVFoundation video devices:
[AVFoundation indev @ 0x7fb1c8d04a40] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7fb1c8d04a40] [1] Cam Link 4K
[AVFoundation indev @ 0x7fb1c8d04a40] [2] Cam Link 4K
[AVFoundation indev @ 0x7fb1c8d04a40] [3] Studio: Display Camera
[AVFoundation indev @ 0x7fb1c8d04a40] [4] Capture screen 0
[AVFoundation indev @ 0x7fb1c8d04a40] AVFoundation audio devices:
[AVFoundation indev @ 0x7fb1c8d04a40] [0] MacBook Pro Microphone
: Input/output error
`,
    );
    expect(await listDevices('darwin', { ffmpegPath: ffmpeg })).toEqual([
      { device: 'FaceTime HD Camera', name: 'FaceTime HD Camera', index: 0, formats: [] },
      { device: '1', name: 'Cam Link 4K', index: 1, formats: [] },
      { device: '2', name: 'Cam Link 4K', index: 2, formats: [] },
      { device: '3', name: 'Studio: Display Camera', index: 3, formats: [] },
    ]);
  });

  it('Windows: DirectShow cameras by name; two of one model by their alternative names', async () => {
    const ffmpeg = fakeFfmpeg(
      'dshow-ffmpeg',
      `[dshow @ 000001f8a1b0e3c0] "USB Camera" (video)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_pnp_\\\\?\\usb#vid_0c45&pid_6366&mi_00#1"
[dshow @ 000001f8a1b0e3c0] "USB Camera" (video)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_pnp_\\\\?\\usb#vid_0c45&pid_6366&mi_00#2"
[dshow @ 000001f8a1b0e3c0] "Integrated Webcam" (video)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_pnp_\\\\?\\usb#vid_0bda&pid_5520&mi_00#3"
[dshow @ 000001f8a1b0e3c0] "Microphone (Realtek(R) Audio)" (audio)
[dshow @ 000001f8a1b0e3c0]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\\wave_{5E1F}"
dummy: Immediate exit requested
`,
    );
    const first = '@device_pnp_\\\\?\\usb#vid_0c45&pid_6366&mi_00#1';
    const cameras = await listDevices('win32', { ffmpegPath: ffmpeg });
    expect(cameras.map((camera) => camera.device)).toEqual([
      first,
      '@device_pnp_\\\\?\\usb#vid_0c45&pid_6366&mi_00#2',
      'Integrated Webcam',
    ]);
    expect(cameras[0]).toEqual({ device: first, name: 'USB Camera', alternativeName: first, formats: [] });
  });
});
