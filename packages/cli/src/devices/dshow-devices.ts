import { logLines } from './ffmpeg-log.js';

/** A video device in DirectShow's listing. */
export interface DshowDevice {
  /** Its friendly name (`Integrated Camera`); two cameras of one model share it. */
  readonly name: string;
  /** Its unique "alternative name" (`@device_pnp_\\?\usb#vid_…`), when listed. */
  readonly alternativeName?: string;
}

/**
 * Reads the video devices from the stderr of `ffmpeg -list_devices true -f dshow -i dummy`, in both formats
 * dshow.c has printed:
 * - before FFmpeg 4.4: a `DirectShow video devices (…)` heading, then ` "NAME"` and
 *   `    Alternative name "…"` lines, up to the `DirectShow audio devices` heading;
 * - FFmpeg 4.4 and later: `"NAME" (video)` (or `(audio)`, `(audio, video)`, `(none)`) and
 *   `  Alternative name "…"` lines, no headings.
 */
export function parseDshowDevices(stderr: string): DshowDevice[] {
  const devices: { name: string; alternativeName?: string }[] = [];
  let section: 'video' | 'audio' | undefined;
  let last: { name: string; alternativeName?: string } | undefined;
  for (const raw of logLines(stderr)) {
    const line = raw.trim();
    if (line.startsWith('DirectShow video devices')) {
      section = 'video';
      continue;
    }
    if (line.startsWith('DirectShow audio devices')) {
      section = 'audio';
      continue;
    }
    const alternative = /^Alternative name "(.*)"$/.exec(line);
    if (alternative !== null) {
      if (last !== undefined) last.alternativeName = alternative[1] as string;
      last = undefined;
      continue;
    }
    const device = /^"(.*)"(?: \(([^)]*)\))?$/.exec(line);
    last = undefined;
    if (device === null) continue;
    const types = device[2];
    const isVideo = types === undefined ? section === 'video' : types.split(/,\s*/).includes('video');
    if (!isVideo) continue;
    last = { name: device[1] as string };
    devices.push(last);
  }
  return devices;
}
