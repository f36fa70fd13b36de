import type { CameraPlatform } from './camera-platform.js';

/** What {@link deviceInputArgs} asks of the camera; the camera's own default mode for what is left out. */
export interface DeviceInputOptions {
  /** The frame size (`-video_size WxH`). */
  readonly size?: { readonly width: number; readonly height: number };
  /** The frame rate (`-framerate NUM/DEN`). */
  readonly rate?: { readonly num: number; readonly den: number };
  /**
   * The pixel format asked of an AVFoundation camera (`-pixel_format`, macOS only). Without it ffmpeg asks
   * for yuv420p and, when the camera has no such mode, takes the camera's first format instead.
   */
  readonly pixelFormat?: string;
}

/**
 * The frame rate asked of an AVFoundation camera when none is given. ffmpeg's own default there is 29.97
 * (`ntsc`), which most Mac cameras do not offer, and AVFoundation refuses a rate the camera does not list
 * ("Selected framerate is not supported by the device"); 30 is one nearly all of them offer.
 */
export const AVFOUNDATION_DEFAULT_RATE = { num: 30, den: 1 } as const;

/**
 * The ffmpeg input arguments (everything up to and including `-i …`) that open `device` as a camera on
 * `platform`, video only:
 * - Linux: `-f v4l2 [-framerate R] [-video_size WxH] -i /dev/videoN`
 * - macOS: `-f avfoundation -framerate R [-video_size WxH] [-pixel_format F] -i "INDEX-or-NAME:none"` (`:none`:
 *   no audio device)
 * - Windows: `-f dshow [-framerate R] [-video_size WxH] -i "video=NAME"` (a device given as `video=…` is kept)
 */
export function deviceInputArgs(
  platform: CameraPlatform,
  device: string,
  options: DeviceInputOptions = {},
): string[] {
  const rate = platform === 'darwin' ? (options.rate ?? AVFOUNDATION_DEFAULT_RATE) : options.rate;
  const mode: string[] = [];
  if (rate !== undefined) mode.push('-framerate', `${rate.num}/${rate.den}`);
  if (options.size !== undefined) mode.push('-video_size', `${options.size.width}x${options.size.height}`);
  switch (platform) {
    case 'linux':
      return ['-f', 'v4l2', ...mode, '-i', device];
    case 'darwin': {
      if (options.pixelFormat !== undefined) mode.push('-pixel_format', options.pixelFormat);
      return ['-f', 'avfoundation', ...mode, '-i', `${device}:none`];
    }
    case 'win32':
      return ['-f', 'dshow', ...mode, '-i', device.startsWith('video=') ? device : `video=${device}`];
  }
}
