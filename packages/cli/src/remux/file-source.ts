import { closeSync, openSync, readSync } from 'node:fs';
import { CustomSource } from 'mediabunny';

/**
 * A mediabunny source over a local file that reads synchronously, in growing sequential runs (the
 * `network` prefetch profile: up to 8 MiB ahead), into a bounded cache. mediabunny's own FilePathSource
 * reads 64 KiB pieces through the thread pool; a remux reads the file front to back, where waiting for
 * each piece costs more than the read. The file is never whole in memory.
 */
export function syncFileSource(path: string, size: number, maxCacheBytes: number): CustomSource {
  let fd: number | undefined = openSync(path, 'r');
  const source = new CustomSource({
    getSize: () => size,
    read: (start, end) => {
      if (fd === undefined) throw new Error(`${path} was closed`);
      const buffer = new Uint8Array(end - start);
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(fd, buffer, done, buffer.length - done, start + done);
        if (n === 0) break; // the file shrank under us: the demuxer reports what is missing
        done += n;
      }
      return done === buffer.length ? buffer : buffer.subarray(0, done);
    },
    dispose: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    maxCacheSize: maxCacheBytes,
    prefetchProfile: 'network',
  });
  failStuckReads(source);
  return source;
}

/**
 * Reads starting at the same byte this many times in a row: no demuxer does that while making progress (the stuck
 * loops get there in about 50 ms).
 */
const STUCK_READS = 100_000;

/**
 * mediabunny 1.61.0's Matroska demuxer can loop forever on damaged files, never yielding, and `camstream remux`
 * would hang at 100% CPU: its resync after junk where a top-level element should be asks for the same last bytes
 * again and again when no element id follows, and goes back to where it started when an id sits there with a
 * broken size. Both loops read through the source's internal `_read` from the same offset every time, so reads
 * starting at one offset {@link STUCK_READS} times in a row fail instead; the demuxer's error then names the file.
 */
function failStuckReads(source: CustomSource): void {
  const internal = source as unknown as { _read?: (start: number, ...rest: unknown[]) => unknown };
  const read = internal._read?.bind(source);
  if (read === undefined) return;
  let lastStart = -1;
  let repeats = 0;
  internal._read = (start, ...rest) => {
    if (start !== lastStart) {
      lastStart = start;
      repeats = 0;
    } else if (++repeats >= STUCK_READS) {
      throw new Error(`the demuxer is stuck re-reading the data at byte ${start}`);
    }
    return read(start, ...rest);
  };
}
