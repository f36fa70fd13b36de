import type { CameraPlatform } from './camera-platform.js';
import type { Camera } from './list-devices.js';
import { shellWord } from './shell-word.js';

/** Why no camera may have been found, per platform. */
const NO_CAMERA_HINT: Readonly<Record<CameraPlatform, string>> = {
  linux: 'is the camera plugged in, and may this user open it (ls -l /dev/video*; the "video" group)?',
  darwin:
    'is the camera connected, and may this terminal use it (System Settings > Privacy & Security > Camera)?',
  win32: 'is the camera connected and enabled (Device Manager), and does its driver offer DirectShow?',
};

/** `camstream devices`' text report: each camera with the `--device` value that opens it. */
export function formatDevices(cameras: readonly Camera[], platform: CameraPlatform): string {
  if (cameras.length === 0) return `no cameras found; ${NO_CAMERA_HINT[platform]}\n`;
  const lines = [`${cameras.length === 1 ? '1 camera' : `${cameras.length} cameras`}:`];
  for (const camera of cameras) {
    lines.push(`  --device ${shellWord(camera.device)}`);
    const facts = [
      camera.name !== camera.device && camera.name,
      camera.index !== undefined && `index ${camera.index}`,
    ];
    const known = facts.filter((fact) => typeof fact === 'string');
    if (known.length > 0) lines.push(`      ${known.join(', ')}`);
    if (camera.alternativeName !== undefined && camera.alternativeName !== camera.device) {
      lines.push(`      alternative name: ${camera.alternativeName}`);
    }
    for (const format of camera.formats) {
      const sizes = format.sizes.length > 0 ? format.sizes.join(' ') : 'sizes not listed';
      lines.push(`      ${format.kind} ${format.format} (${format.description}): ${sizes}`);
    }
    if (camera.problem !== undefined) lines.push(`      ffmpeg could not ask it: ${camera.problem}`);
  }
  lines.push(
    '',
    'Capture one with: camstream capture --device VALUE --save camera.rrd (--size and --fps ask for a mode)',
  );
  return `${lines.join('\n')}\n`;
}
