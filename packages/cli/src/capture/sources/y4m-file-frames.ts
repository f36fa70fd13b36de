import { closeSync, openSync, readSync } from 'node:fs';
import { frameByteLength } from '@camstream/core';

/** Header and FRAME lines are short; core's Y4M parser gives up on longer ones too. */
const MAX_LINE = 4096;
const FRAME_LINE = 'FRAME\n';

/**
 * How many whole frames the Y4M file at `path` (`fileBytes` long, `width`x`height` I420) holds, counted from
 * its FRAME lines alone (one small read each, no pixels), or `undefined` unless every frame is a plain
 * `FRAME` line and its pixels and the file ends on the last one: then only a full read (core's parser) can
 * say what is wrong, or where a frame's parameters matter. Synchronous: an hour at 30 fps is 108 000 reads of
 * 6 bytes, a fraction of a second, once before encoding starts.
 */
export function countY4mFrames(
  path: string,
  fileBytes: number,
  width: number,
  height: number,
): number | undefined {
  if (!Number.isSafeInteger(fileBytes)) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(Math.min(MAX_LINE, fileBytes));
    const bytesRead = readSync(fd, head, 0, head.length, 0);
    const newline = head.subarray(0, bytesRead).indexOf(0x0a);
    if (newline < 0) return undefined;
    const step = FRAME_LINE.length + frameByteLength('I420', width, height);
    const line = new Uint8Array(FRAME_LINE.length);
    let frames = 0;
    for (let offset = newline + 1; offset < fileBytes; offset += step, frames++) {
      if (offset + step > fileBytes) return undefined;
      if (
        readSync(fd, line, 0, line.length, offset) !== line.length ||
        Buffer.from(line).toString('latin1') !== FRAME_LINE
      )
        return undefined;
    }
    return frames;
  } catch {
    // Gone or unreadable since it was opened: the full read says so in its own words.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
