import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAvfoundationDevices } from './avfoundation-devices.js';
import type { CameraPlatform } from './camera-platform.js';
import { parseDshowDevices } from './dshow-devices.js';
import { runFfmpeg } from './run-ffmpeg.js';
import { type CameraFormat, parseV4l2Formats } from './v4l2-formats.js';

/** A camera ffmpeg can open, as `camstream devices` reports it. */
export interface Camera {
  /** What to pass to `camstream capture --device`. */
  readonly device: string;
  /** Its name: the driver's (Linux, from sysfs; the node's name when sysfs has none), AVFoundation's, DirectShow's. */
  readonly name: string;
  /** macOS: its AVFoundation index (changes when devices are plugged in or out). */
  readonly index?: number;
  /** Windows: its unique DirectShow alternative name (`@device_pnp_…`). */
  readonly alternativeName?: string;
  /** Linux: the formats and sizes it offers; empty elsewhere (ffmpeg lists modes only while opening one). */
  readonly formats: readonly CameraFormat[];
  /** Linux: why ffmpeg could not ask it (busy, no permission), when it could not. */
  readonly problem?: string;
}

/** Options of {@link listDevices}. */
export interface ListDevicesOptions {
  /** The ffmpeg to run (default `ffmpeg` on the PATH). */
  readonly ffmpegPath?: string;
  /** Linux: where the `videoN` nodes are (default `/dev`). */
  readonly deviceDir?: string;
}

const WHAT = 'camstream devices';

/**
 * The cameras the system's ffmpeg can open on `platform`: Linux's `/dev/video*` character devices with the
 * formats ffmpeg reports (metadata-only nodes left out), macOS's AVFoundation video devices, Windows'
 * DirectShow video devices. A missing ffmpeg is a `runtime` CliError saying how to install it.
 */
export async function listDevices(
  platform: CameraPlatform,
  options: ListDevicesOptions = {},
): Promise<Camera[]> {
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  switch (platform) {
    case 'linux':
      return listV4l2(ffmpeg, options.deviceDir ?? '/dev');
    case 'darwin': {
      const { stderr } = await runFfmpeg(
        ffmpeg,
        ['-hide_banner', '-f', 'avfoundation', '-list_devices', 'true', '-i', ''],
        { platform, what: WHAT },
      );
      const devices = parseAvfoundationDevices(stderr);
      return devices.map(({ index, name }) => ({
        // AVFoundation splits its input at ":" and reads digits as an index: such names go by index.
        device: name.includes(':') || /^\d+$/.test(name) || isShared(name, devices) ? String(index) : name,
        name,
        index,
        formats: [],
      }));
    }
    case 'win32': {
      const { stderr } = await runFfmpeg(
        ffmpeg,
        ['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy'],
        {
          platform,
          what: WHAT,
        },
      );
      const devices = parseDshowDevices(stderr);
      return devices.map(({ name, alternativeName }) => ({
        // Two cameras of one model share a name, and dshow splits "video=…" at ":": the unique name tells them apart.
        device:
          alternativeName !== undefined && (name.includes(':') || isShared(name, devices))
            ? alternativeName
            : name,
        name,
        ...(alternativeName !== undefined && { alternativeName }),
        formats: [],
      }));
    }
  }
}

function isShared(name: string, devices: readonly { readonly name: string }[]): boolean {
  return devices.filter((device) => device.name === name).length > 1;
}

async function listV4l2(ffmpeg: string, deviceDir: string): Promise<Camera[]> {
  // Asked first so that a missing ffmpeg is said even when no camera is plugged in: capture needs it too.
  await runFfmpeg(ffmpeg, ['-hide_banner', '-version'], { platform: 'linux', what: WHAT });
  const cameras: Camera[] = [];
  for (const node of await videoNodes(deviceDir)) {
    const path = join(deviceDir, node);
    const { stderr } = await runFfmpeg(
      ffmpeg,
      ['-hide_banner', '-f', 'v4l2', '-list_formats', 'all', '-i', path],
      {
        platform: 'linux',
        what: WHAT,
      },
    );
    const report = parseV4l2Formats(stderr);
    if (report.notCapture) continue;
    cameras.push({
      device: path,
      name: (await driverName(node)) ?? node,
      formats: report.formats,
      ...(report.problem !== undefined && { problem: report.problem }),
    });
  }
  return cameras;
}

/** The `videoN` character devices in `dir`, in number order. */
async function videoNodes(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const nodes: string[] = [];
  for (const name of names.filter((n) => /^video\d+$/.test(n))) {
    const stats = await stat(join(dir, name)).catch(() => undefined);
    if (stats?.isCharacterDevice() === true) nodes.push(name);
  }
  return nodes.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
}

/** The card name the V4L2 driver gives the node (`Integrated Camera: Integrated C`), when sysfs has it. */
async function driverName(node: string): Promise<string | undefined> {
  try {
    const name = (await readFile(`/sys/class/video4linux/${node}/name`, 'utf8')).trim();
    return name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}
