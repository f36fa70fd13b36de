import { type ChildProcess, spawn } from 'node:child_process';
import { frameByteLength, type PixelFormat, type RawFrame } from '@camstream/core/media';

/** A moving gradient: every frame differs, so x264 makes real P-frames. */
export function movingFrame(
  index: number,
  width = 160,
  height = 120,
  format: PixelFormat = 'I420',
): RawFrame {
  const data = new Uint8Array(frameByteLength(format, width, height));
  for (let i = 0; i < data.length; i++) data[i] = (i % width) + (Math.floor(i / width) >> 1) + index * 5;
  return { format, width, height, data, pts: BigInt(index) * 33_333_333n, index };
}

/**
 * Starts `parent-death.test-util.ts` in a Node process of its own (with `y4m`: ffmpeg reading that file itself;
 * with `exitWith`: that ffmpeg, and the process exits once a line comes on its stdin) and resolves with it and the pid of the
 * ffmpeg it started, once that ffmpeg runs.
 */
export function parentOfFfmpeg(
  how: { readonly y4m?: string; readonly exitWith?: string } = {},
): Promise<{ parent: ChildProcess; pid: number }> {
  const script = new URL('./parent-death.test-util.ts', import.meta.url).pathname;
  const mode =
    how.y4m !== undefined
      ? ['--y4m', how.y4m]
      : how.exitWith !== undefined
        ? ['--exit-with', how.exitWith]
        : [];
  const parent = spawn(
    process.execPath,
    ['--conditions=@camstream/source', '--import', 'tsx', script, ...mode],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    parent.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve({ parent, pid: Number(text.trim()) });
    });
    parent.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
  });
}
