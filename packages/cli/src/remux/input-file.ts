import { open } from 'node:fs/promises';
import { CliError } from '../errors.js';

/** What the first bytes of a file say it is. */
export type InputKind = 'rrd' | 'annexb' | 'container';

/** An input file that exists and can be read, with its size and its first bytes. */
export interface InputFile {
  /** The path as the user gave it (error messages name it). */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Up to the first 64 bytes, to tell the kind of file. */
  readonly head: Uint8Array;
  /** What {@link sniffInputKind} made of `head`. */
  readonly kind: InputKind;
}

const HEAD_BYTES = 64;
const RRF2 = [0x52, 0x52, 0x46, 0x32];

/**
 * Opens `path` just long enough to check that it is a readable, non-empty file and to read its first
 * bytes. File-system failures become one-line `CliError`s (`input`) that name the file.
 */
export async function probeInputFile(path: string): Promise<InputFile> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new CliError('input', `${path} is not a regular file; expected a video file`);
    if (stats.size === 0) throw new CliError('input', `${path} is empty; expected a video file`);
    const head = new Uint8Array(Math.min(HEAD_BYTES, stats.size));
    await handle.read(head, 0, head.length, 0);
    return { path, size: stats.size, head, kind: sniffInputKind(head) };
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle?.close();
  }
}

/** Turns a Node file-system error into a `CliError` naming the file; other errors pass through. */
export function fileError(path: string, error: unknown): unknown {
  if (error instanceof CliError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new CliError('input', `${path} does not exist`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new CliError('input', `cannot read ${path}: permission denied`, { cause: error });
  }
  if (code === 'EISDIR')
    return new CliError('input', `${path} is a directory; expected a file`, { cause: error });
  return error;
}

/**
 * Tells an RRD stream (`RRF2`), an Annex B elementary stream (starts with a start code) and anything
 * else (left to the container demuxer) apart by their first bytes, not by the file name.
 */
export function sniffInputKind(head: Uint8Array): InputKind {
  if (RRF2.every((b, i) => head[i] === b)) return 'rrd';
  let zeros = 0;
  while (zeros < head.length && head[zeros] === 0) zeros++;
  if (zeros >= 2 && head[zeros] === 1) return 'annexb';
  return 'container';
}
