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
  return new CustomSource({
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
}
