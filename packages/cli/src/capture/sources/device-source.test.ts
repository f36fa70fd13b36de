import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameByteLength } from '@camstream/core';
import { ffmpegEnv } from '@camstream/encoder-ffmpeg';
import { waitForExit } from '@camstream/test-helpers/processes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { until } from '@camstream/test-helpers/until';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../output/exit-codes.js';
import { openDeviceSource } from './device-source.js';
import type { FrameSource } from './frame-source.js';

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

/**
 * A camera's ffmpeg played by a script: `frames` frames of a real Y4M stream from Debian's ffmpeg (0: not even
 * its header), then `after` (shell lines); its pid file names the process that `after` leaves running.
 */
function fakeCamera(name: string, frames: number, after: string): { ffmpeg: string; pidFile: string } {
  const ffmpeg = join(dir, name);
  const pidFile = join(dir, `${name}.pid`);
  writeFileSync(
    ffmpeg,
    `#!/bin/sh\n${frames === 0 ? '' : `ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=64x48:rate=30 -frames:v ${frames} -pix_fmt yuv420p -f yuv4mpegpipe -\n`}${after}\n`,
  );
  chmodSync(ffmpeg, 0o755);
  return { ffmpeg, pidFile };
}

async function readAll(source: FrameSource): Promise<{ frames: number; error: unknown }> {
  let frames = 0;
  try {
    for await (const _ of source.frames()) frames++;
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: undefined };
}

describe('a camera whose ffmpeg fails or stalls', () => {
  it('an ffmpeg that exits with an error mid-stream fails the source with its reason, after its frames', async () => {
    const { ffmpeg } = fakeCamera(
      'failing-camera',
      3,
      "echo '[video4linux2,v4l2 @ 0x5581] ioctl(VIDIOC_DQBUF): No such device' >&2\nexit 1",
    );
    const source = await openDeviceSource('0', { platform: 'darwin', ffmpeg });
    const { frames, error } = await readAll(source);
    expect(frames).toBe(3);
    expect(error).toMatchObject({
      code: 'runtime',
      message:
        "0: the camera's ffmpeg exited with code 1: [video4linux2,v4l2 @ 0x5581] ioctl(VIDIOC_DQBUF): No such device",
    });
  });

  it('an ffmpeg that ignores SIGINT is killed, with what it started, once close() has waited long enough', async () => {
    const { ffmpeg, pidFile } = fakeCamera(
      'stuck-camera',
      2,
      'trap "" INT\nsleep 600 &\necho $! > "$0.pid"\nwait',
    );
    const source = await openDeviceSource('0', { platform: 'darwin', ffmpeg });
    const iterator = source.frames()[Symbol.asyncIterator]();
    await iterator.next();
    await until('the camera’s child to start', () => existsSync(pidFile));
    source.close();
    await waitForExit(Number(readFileSync(pidFile, 'utf8')));
  }, 20_000);

  it('a stop while the camera opens: the open rejects at once, and its ffmpeg is killed', {
    timeout: 20_000,
  }, async () => {
    const { ffmpeg, pidFile } = fakeCamera('silent-camera', 0, 'sleep 600 &\necho $! > "$0.pid"\nwait');
    const stop = new AbortController();
    const opening = openDeviceSource('0', { platform: 'darwin', ffmpeg, signal: stop.signal });
    await until('the camera’s child to start', () => existsSync(pidFile));
    stop.abort();
    await expect(opening).rejects.toBeDefined();
    await waitForExit(Number(readFileSync(pidFile, 'utf8')));
  });
});
