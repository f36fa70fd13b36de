import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.js';
import { cachedMedia, testsrcArgs } from './media.js';

/** How the browser's camera behaves. */
export type FakeCamera =
  /** Chromium's built-in fake device, granted without a prompt (`=fps=30`: 30 instead of 20 fps). */
  | { readonly kind: 'fake'; readonly fps?: number }
  /** A Y4M file played as the camera (loops), granted without a prompt. */
  | { readonly kind: 'file'; readonly path: string }
  /** A fake device exists, but every permission prompt is refused (the user said no). */
  | { readonly kind: 'denied' };

/** Chromium flags for {@link FakeCamera}. */
export function cameraArgs(camera: FakeCamera): string[] {
  switch (camera.kind) {
    case 'fake':
      return [
        camera.fps === undefined
          ? '--use-fake-device-for-media-stream'
          : `--use-fake-device-for-media-stream=fps=${camera.fps}`,
        '--use-fake-ui-for-media-stream',
      ];
    case 'file':
      return [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${camera.path}`,
      ];
    case 'denied':
      return ['--use-fake-device-for-media-stream', '--deny-permission-prompts'];
  }
}

/** A camera playing a 1 s, 30 fps {@link makeY4mClip} of `testsrc2` at `width`x`height`. */
export function testsrcCamera(width: number, height: number): FakeCamera {
  return { kind: 'file', path: makeY4mClip({ width, height, fps: 30, seconds: 1 }) };
}

/** Launches Debian's Chromium with the viewer flags and a fake camera. */
export function launchWithCamera(camera: FakeCamera): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...cameraArgs(camera)],
  });
}

/**
 * A Y4M clip of ffmpeg's `testsrc2` (its colour bars are what `pixels.ts` looks for), made by Debian's ffmpeg
 * in the test run (raw video: ~14 MB per second at 640x480; never committed), once per machine
 * ({@link cachedMedia}).
 */
export function makeY4mClip(options: {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}): string {
  const { width, height, fps, seconds } = options;
  return cachedMedia(`testsrc2-${width}x${height}-${fps}fps-${seconds}s.y4m`, (path) =>
    execFileSync(
      'ffmpeg',
      [...testsrcArgs({ width, height, fps }), '-t', String(seconds), '-pix_fmt', 'yuv420p', path],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
}
