/**
 * The desktop systems whose cameras ffmpeg opens: Linux (V4L2), macOS (AVFoundation), Windows (DirectShow),
 * named as `process.platform` names them.
 */
export type CameraPlatform = 'linux' | 'darwin' | 'win32';

/** The camera platform `platform` (a `process.platform` value) is, or `undefined` when ffmpeg has no camera input there. */
export function cameraPlatform(platform: string): CameraPlatform | undefined {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : undefined;
}

/** How a user names a camera on each platform, for help texts and error messages. */
export const HOW_TO_NAME_A_CAMERA: Readonly<Record<CameraPlatform, string>> = {
  linux: 'a V4L2 device path such as /dev/video0',
  darwin: 'an AVFoundation index such as 0, or a name such as "FaceTime HD Camera"',
  win32:
    'a DirectShow name such as "Integrated Camera" (or video=NAME, or its @device_pnp_… alternative name)',
};

/** How to install ffmpeg on each platform, for the errors that say it is missing. */
export const FFMPEG_INSTALL_HINT: Readonly<Record<CameraPlatform, string>> = {
  linux: 'apt install ffmpeg',
  darwin: 'brew install ffmpeg',
  win32: 'winget install ffmpeg',
};
