import { logLines } from './ffmpeg-log.js';

/** A video device in AVFoundation's listing. */
export interface AvfoundationDevice {
  /** Its index, valid until devices are plugged in or out. */
  readonly index: number;
  /** Its localized name (`FaceTime HD Camera`). */
  readonly name: string;
}

/**
 * Reads the video devices from the stderr of `ffmpeg -f avfoundation -list_devices true -i ""`:
 * `[AVFoundation indev @ 0x…] [0] FaceTime HD Camera` lines between "AVFoundation video devices:" and
 * "AVFoundation audio devices:". Screens (`Capture screen N`) are left out: they are not cameras (they can
 * still be given to `--device` by index or name).
 */
export function parseAvfoundationDevices(stderr: string): AvfoundationDevice[] {
  const devices: AvfoundationDevice[] = [];
  let inVideo = false;
  for (const line of logLines(stderr)) {
    if (line.includes('AVFoundation video devices:')) {
      inVideo = true;
      continue;
    }
    if (line.includes('AVFoundation audio devices:')) {
      inVideo = false;
      continue;
    }
    const match = /^\[(\d+)\] (.+)$/.exec(line.trim());
    if (!inVideo || match === null) continue;
    const name = (match[2] as string).trim();
    if (/^Capture screen \d+$/.test(name)) continue;
    devices.push({ index: Number(match[1]), name });
  }
  return devices;
}
