import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPattern, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, type CliResult, runCli } from '../harness/cli-process.js';
import { makeTestsrc2, readSaved } from './capture-media.js';

// Bad input to `camstream capture`, run as the built binary: each case exits 1 (runtime) or 2 (usage) with one
// line that names the input and the fix, and never a stack trace.
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-bad-input-'));
  // The unreadable-file case runs the CLI as "nobody": it must reach the folder.
  chmodSync(dir, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One `camstream: …` line on stderr matching `message`, no stack, the exit code, nothing on stdout. */
function expectOneLine(result: CliResult, code: 1 | 2, message: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^camstream: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

const quiet = ['--quiet', 'capture', '--encoder', 'wasm'];

describe('camstream capture refuses bad input clearly', () => {
  it('a missing file', async () => {
    const input = join(dir, 'missing.mp4');
    expectOneLine(
      await runCli([...quiet, '--input', input, '--save', join(dir, 'x.rrd')]),
      1,
      new RegExp(`${input} does not exist; check the path`),
    );
  });

  it('an unreadable file (permission denied, as a user who may not read it)', async () => {
    const input = join(dir, 'secret.y4m');
    writeFileSync(input, 'YUV4MPEG2 W16 H16 F25:1\n');
    chmodSync(input, 0o600);
    const result = await runCli([...quiet, '--input', input, '--save', join(dir, 'secret.rrd')], {
      uid: 65534,
    });
    expectOneLine(
      result,
      1,
      new RegExp(`${input} is not readable \\(permission denied\\); check its permissions`),
    );
  });

  it('a corrupt mp4', async () => {
    const input = join(dir, 'corrupt.mp4');
    writeFileSync(input, Buffer.concat([Buffer.from('\0\0\0\x18ftypisom'), Buffer.alloc(4000, 0x5a)]));
    expectOneLine(
      await runCli([...quiet, '--input', input, '--save', join(dir, 'corrupt.rrd')]),
      1,
      /corrupt\.mp4/,
    );
  });

  it('a truncated Y4M on stdin: exit 1, and the frames before the cut are saved', async () => {
    const frames = [...testPattern({ width: 64, height: 48, fpsNum: 25, frames: 3 })];
    const bytes = Buffer.concat([
      y4mHeaderBytes(64, 48, 25),
      ...frames.slice(0, 2).flatMap((f) => [Y4M_FRAME_LINE, f.data]),
      Y4M_FRAME_LINE,
      frames[2]!.data.subarray(0, 1000),
    ]);
    const save = join(dir, 'truncated.rrd');
    const result = await runCli([...quiet, '--input', '-', '--preset', 'ultrafast', '--save', save], {
      stdin: bytes,
    });
    expectOneLine(result, 1, /stdin: frame 2 is truncated: got 1000 of 4608 bytes/);
    expect(readSaved(save).samples).toBe(2);
  });

  it('Y4M that is not Y4M on stdin', async () => {
    const result = await runCli([...quiet, '--input', '-', '--save', join(dir, 'no.rrd')], {
      stdin: Buffer.from('this is not a video\n'),
    });
    expectOneLine(result, 1, /stdin: expected a Y4M stream starting with "YUV4MPEG2"/);
  });

  it('a wrong --size for raw input', async () => {
    const input = join(dir, 'clip.yuv');
    makeTestsrc2(input, { size: '160x120', fps: 10, frames: 5, format: 'rawvideo' });
    expectOneLine(
      await runCli([...quiet, '--input', input, '--size', '320x240', '--save', join(dir, 'raw.rrd')]),
      2,
      /clip\.yuv is 144000 bytes, not a whole number of 320x240 yuv420p frames \(115200 bytes each\); check --size and --pix-fmt/,
    );
    expectOneLine(
      await runCli([...quiet, '--input', input, '--save', join(dir, 'raw.rrd')]),
      2,
      /raw video without a header; give its size with --size/,
    );
  });

  it('a --size that contradicts the Y4M header', async () => {
    const header = y4mHeaderBytes(64, 48, 25);
    expectOneLine(
      await runCli([...quiet, '--input', '-', '--size', '640x480', '--save', join(dir, 'y.rrd')], {
        stdin: header,
      }),
      2,
      /--size 640x480 does not match stdin's Y4M header \(64x48\); drop --size/,
    );
  });

  it('a port in use for --serve', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      expectOneLine(
        await runCli([...quiet, '--serve', String(port), '--frames', '5']),
        1,
        new RegExp(
          `cannot serve on 127\\.0\\.0\\.1:${port}: the port is in use; pick another port with --serve PORT`,
        ),
      );
    } finally {
      blocker.close();
    }
  });

  it('an unreachable --connect target', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const url = `rerun+http://127.0.0.1:${port}/proxy`;
    expectOneLine(
      await runCli([...quiet, '--connect', url, '--frames', '5']),
      1,
      new RegExp(
        `cannot reach ${url.replaceAll('.', '\\.').replaceAll('+', '\\+')} \\(connection refused\\); start a viewer there first`,
      ),
    );
  });

  it('a --device that does not exist, or is not a camera', async () => {
    expectOneLine(
      await runCli([...quiet, '--device', '/dev/video99', '--save', join(dir, 'cam.rrd')]),
      1,
      /\/dev\/video99 does not exist; is the camera plugged in\? List cameras with: camstream devices$/,
    );
    // /dev/null is a character device, so the system ffmpeg is asked, and says what is wrong.
    expectOneLine(
      await runCli([...quiet, '--device', '/dev/null', '--save', join(dir, 'cam.rrd')]),
      1,
      /\/dev\/null: ffmpeg could not read the camera: .*; list cameras with: camstream devices$/,
    );
  });

  it('--device without a system ffmpeg names the fix', async () => {
    expectOneLine(
      await runCli([...quiet, '--device', '/dev/null', '--save', join(dir, 'cam.rrd')], {
        env: { PATH: dir },
      }),
      1,
      /--device needs the system's ffmpeg, and "ffmpeg" was not found; install it \(apt install ffmpeg\)/,
    );
  });

  it('the access token from CAMSTREAM_TOKEN: too short is a usage error, empty is none', async () => {
    const serve = [...quiet, '--serve', '0.0.0.0:0', '--frames', '2'];
    expectOneLine(
      await runCli(serve, { env: { CAMSTREAM_TOKEN: 'short' } }),
      2,
      /the access token must be at least 8 visible ASCII characters without spaces \(got 5 characters\)/,
    );
    expectOneLine(await runCli(serve, { env: { CAMSTREAM_TOKEN: '' } }), 2, /viewers need an access token/);
    // Only --serve uses it: a token in the environment does not get in the way of other runs.
    const save = join(dir, 'env-token.rrd');
    const result = await runCli([...quiet, '--frames', '2', '--size', '64x48', '--save', save], {
      env: { CAMSTREAM_TOKEN: 'short' },
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('TLS files that cannot be used: one line, exit 1', async () => {
    const pem = join(dir, 'not-a-cert.pem');
    writeFileSync(pem, 'hello\n');
    const serve = [...quiet, '--serve', '127.0.0.1:0', '--frames', '2'];
    expectOneLine(
      await runCli([...serve, '--tls-cert', join(dir, 'missing.pem'), '--tls-key', pem]),
      1,
      /--tls-cert .*missing\.pem does not exist; expected a PEM file/,
    );
    expectOneLine(
      await runCli([...serve, '--tls-cert', pem, '--tls-key', dir]),
      1,
      /--tls-key .* is a directory; expected a PEM file/,
    );
    expectOneLine(
      await runCli([...serve, '--tls-cert', pem, '--tls-key', pem]),
      1,
      /--tls-cert .*not-a-cert\.pem is not a PEM certificate \(/,
    );
  });

  it('a Y4M header larger than H.264 allows: one line with the limit, exit 1', async () => {
    const result = await runCli([...quiet, '--input', '-', '--save', join(dir, 'huge.rrd')], {
      stdin: Buffer.concat([y4mHeaderBytes(8192, 8192, 25), Y4M_FRAME_LINE, Buffer.alloc(4096)]),
    });
    expectOneLine(
      result,
      1,
      /stdin's Y4M header: 8192x8192 is larger than H\.264 allows \(level 6\.2: at most 139264 macroblocks/,
    );
  });

  it('invalid flag values and combinations exit 2', async () => {
    // The binary's exit code and output for a representative few; program.test.ts covers every parser in-process.
    const cases: [string[], RegExp][] = [
      [['--size', '1280x721'], /option '--size <WxH>' argument '1280x721' is invalid.*must be even/],
      [['--fps', '0'], /frame rate "0" is out of range/],
      [
        ['--preset', 'turbo'],
        /'--preset <preset>' argument 'turbo' is invalid\. Allowed choices are ultrafast/,
      ],
      [['--connect', 'http://127.0.0.1:9876'], /is not a Rerun proxy URL; expected e\.g\. rerun\+http/],
      [
        ['--input', 'a.y4m=cam', '--pattern', '64x64@30=cam'],
        /--input a\.y4m and --pattern 64x64@30 are on the same entity .*give each its own with =ENTITY/,
      ],
      [['--save', join(dir, 'x.mp4')], /--save .*x\.mp4 does not end in \.rrd/],
      [[], /capture needs somewhere to send the video/],
      [
        ['--size', '8192x8192'],
        /size "8192x8192" is larger than H\.264 allows \(level 6\.2: at most 139264 macroblocks of 16x16/,
      ],
      [['--size', '16386x64'], /each side at most 16384 pixels/],
      [['--fps', '1001'], /frame rate "1001" is out of range; expected between 0\.001 and 1000/],
      [
        ['--serve', '0.0.0.0:0', '--frames', '2'],
        /^camstream: --serve 0\.0\.0\.0:0 is reachable from other machines, so viewers need an access token: set CAMSTREAM_TOKEN \(.*\) or pass --token TOKEN$/,
      ],
      [['--serve', '127.0.0.1:0', '--token', 'short'], /access token must be at least 8 visible ASCII/],
      [['--serve', '0', '--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together; give both/],
      [['--serve', '0', '--tls-key', 'key.pem'], /--tls-cert and --tls-key go together/],
      [['--save', join(dir, 't.rrd'), '--token', '0123456789'], /--token applies to --serve/],
      [['--save', join(dir, 't.rrd'), '--tls-cert', 'c', '--tls-key', 'k'], /--tls-cert applies to --serve/],
    ];
    for (const [flags, message] of cases) {
      const save =
        flags.some((f) => f.startsWith('--save') || f === '--serve' || f === '--connect') ||
        flags.length === 0;
      const args = [...quiet, ...flags, ...(save ? [] : ['--save', join(dir, 'never.rrd')])];
      expectOneLine(await runCli(args), 2, message);
    }
  });
});
