import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameByteLength } from '@camstream/core';
import { ffmpegEnv } from '@camstream/encoder-ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../output/exit-codes.js';
import { openDeviceSource } from './device-source.js';

const dir = tempDir('camstream-device-');

/** The error `openDeviceSource` fails with, and the exit code the CLI gives it. */
async function failure(
  device: string,
  options: Parameters<typeof openDeviceSource>[1] = {},
): Promise<{ error: { code?: string; message: string }; exit: number }> {
  const error = await openDeviceSource(device, options).then(
    (source) => {
      source.close();
      throw new Error(`${device} opened`);
    },
    (reason: unknown) => reason as { code?: string; message: string },
  );
  return { error, exit: exitCodeFor(error) };
}

describe('openDeviceSource on Linux (V4L2, for real)', () => {
  it('a device that does not exist points to camstream devices (exit 1)', async () => {
    const { error, exit } = await failure('/dev/video99', { platform: 'linux' });
    expect(error).toMatchObject({
      code: 'input',
      message: '/dev/video99 does not exist; is the camera plugged in? List cameras with: camstream devices',
    });
    expect(exit).toBe(ExitCode.runtime);
  });

  it('a regular file is not a video device (exit 1)', async () => {
    const file = join(dir, 'video0');
    writeFileSync(file, 'not a camera');
    const { error, exit } = await failure(file, { platform: 'linux' });
    expect(error).toMatchObject({
      code: 'input',
      message: `${file} is not a video device; expected a V4L2 device such as /dev/video0 (list them with: camstream devices)`,
    });
    expect(exit).toBe(ExitCode.runtime);
  });

  it('a character device that is no camera: what ffmpeg said, and where to look', async () => {
    const { error, exit } = await failure('/dev/null', { platform: 'linux' });
    expect(error.code).toBe('input');
    expect(error.message).toMatch(
      /^\/dev\/null: ffmpeg could not read the camera: .*Inappropriate ioctl for device; list cameras with: camstream devices$/,
    );
    expect(exit).toBe(ExitCode.runtime);
  });

  it('no ffmpeg: the ffmpeg option naming a missing binary, or a PATH without ffmpeg (exit 1)', async () => {
    const missing = join(dir, 'no-such-ffmpeg');
    const named = await failure('/dev/null', { platform: 'linux', ffmpeg: missing });
    expect(named.error).toMatchObject({
      code: 'runtime',
      message: `--device needs the system's ffmpeg, and "${missing}" was not found; install it (apt install ffmpeg) or pipe Y4M in: ffmpeg -f v4l2 -i /dev/null -f yuv4mpegpipe - | camstream capture --input -`,
    });
    expect(named.exit).toBe(ExitCode.runtime);
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      const onPath = await failure('/dev/null', { platform: 'linux', size: { width: 640, height: 480 } });
      expect(onPath.error).toMatchObject({
        code: 'runtime',
        message: expect.stringMatching(
          /^--device needs the system's ffmpeg, and "ffmpeg" was not found; install it \(apt install ffmpeg\) or pipe Y4M in: ffmpeg -f v4l2 -video_size 640x480 -i \/dev\/null /,
        ),
      });
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('openDeviceSource on macOS and Windows (names, not paths)', () => {
  it('no path check: the camera name goes to ffmpeg as AVFoundation or DirectShow input', async () => {
    const argsFile = join(dir, 'args.txt');
    const ffmpeg = join(dir, 'fake-ffmpeg');
    // Records its arguments and fails as ffmpeg does for a camera it cannot open.
    writeFileSync(
      ffmpeg,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nprintf '%s' "$GLIBC_TUNABLES" > '${argsFile}.env'\ncut -d' ' -f5 /proc/$$/stat > '${argsFile}.pgid'\necho 'Could not find video device with name [FaceTime HD Camera] among source devices of type video.' >&2\nexit 1\n`,
    );
    chmodSync(ffmpeg, 0o755);
    const mac = await failure('FaceTime HD Camera', { platform: 'darwin', ffmpeg });
    expect(mac.error.code).toBe('input');
    expect(mac.error.message).toMatch(
      /^FaceTime HD Camera: ffmpeg could not read the camera: Could not find video device .*; list cameras with: camstream devices \(--device takes an AVFoundation index such as 0, or a name/,
    );
    expect(readFileSync(argsFile, 'utf8').split('\n').slice(4, 10)).toEqual([
      '-f',
      'avfoundation',
      '-framerate',
      '30/1',
      '-i',
      'FaceTime HD Camera:none',
    ]);
    // A process group of its own: a terminal's Ctrl-C reaches camstream alone, which stops the camera in order.
    const ownGroup = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[2];
    expect(readFileSync(`${argsFile}.pgid`, 'utf8').trim()).not.toBe(ownGroup);
    // The encoder's malloc settings, planned for a 1080p frame when no size is asked.
    expect(readFileSync(`${argsFile}.env`, 'utf8')).toBe(
      ffmpegEnv(frameByteLength('I420', 1920, 1080), {}).GLIBC_TUNABLES,
    );
    const windows = await failure('USB Camera', { platform: 'win32', ffmpeg, rate: { num: 15, den: 1 } });
    expect(windows.error.message).toMatch(
      /; list cameras with: camstream devices \(--device takes a DirectShow name/,
    );
    expect(readFileSync(argsFile, 'utf8').split('\n').slice(4, 10)).toEqual([
      '-f',
      'dshow',
      '-framerate',
      '15/1',
      '-i',
      'video=USB Camera',
    ]);
    const sized = await failure('USB Camera', {
      platform: 'win32',
      ffmpeg,
      size: { width: 3840, height: 2160 },
    });
    expect(sized.error.code).toBe('input');
    expect(readFileSync(`${argsFile}.env`, 'utf8')).toBe(
      ffmpegEnv(frameByteLength('I420', 3840, 2160), {}).GLIBC_TUNABLES,
    );
  });

  it('a missing ffmpeg names the install of that system', async () => {
    const ffmpeg = join(dir, 'no-such-ffmpeg');
    expect((await failure('0', { platform: 'darwin', ffmpeg })).error.message).toBe(
      `--device needs the system's ffmpeg, and "${ffmpeg}" was not found; install it (brew install ffmpeg) or pipe Y4M in: ffmpeg -f avfoundation -framerate 30/1 -i 0:none -f yuv4mpegpipe - | camstream capture --input -`,
    );
    expect((await failure('Integrated Camera', { platform: 'win32', ffmpeg })).error.message).toMatch(
      /install it \(winget install ffmpeg\) or pipe Y4M in: ffmpeg -f dshow -i "video=Integrated Camera" -f yuv4mpegpipe -/,
    );
  });

  it('other systems are told to pipe Y4M in', async () => {
    const { error, exit } = await failure('/dev/video0', { platform: 'freebsd' });
    expect(error).toMatchObject({
      code: 'runtime',
      message: expect.stringMatching(/not on freebsd; pipe Y4M/),
    });
    expect(exit).toBe(ExitCode.runtime);
  });
});
