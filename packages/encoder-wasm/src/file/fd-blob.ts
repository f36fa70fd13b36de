// Emscripten's WORKERFS serves a file from a Blob, reading each range ffmpeg asks for with
// `new FileReaderSync().readAsArrayBuffer(blob.slice(start, end))`. Node has neither, so this gives WORKERFS
// a Blob-like view of an open file descriptor and a FileReaderSync that does one positioned `fs.readSync`:
// random access (mp4's index at the end, seeks) without ever loading the file.
import { readSync } from 'node:fs';

/** A byte range of an open file, shaped like the part of `Blob` WORKERFS uses (`size`, `slice`). */
export class FdBlob {
  readonly fd: number;
  readonly start: number;
  readonly size: number;

  constructor(fd: number, start: number, size: number) {
    this.fd = fd;
    this.start = start;
    this.size = size;
  }

  /** The range [start, end) of this blob (clamped, as `Blob.slice`). */
  slice(start = 0, end = this.size): FdBlob {
    const from = Math.min(Math.max(start, 0), this.size);
    const to = Math.min(Math.max(end, from), this.size);
    return new FdBlob(this.fd, this.start + from, to - from);
  }
}

/** The `FileReaderSync` WORKERFS constructs, for {@link FdBlob}s. */
export class FdReaderSync {
  readAsArrayBuffer(blob: FdBlob): ArrayBuffer {
    const bytes = new Uint8Array(blob.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(blob.fd, bytes, done, bytes.length - done, blob.start + done);
      // The file shrank under us: hand over what was there; ffmpeg sees a short read (end of file).
      if (n === 0) return bytes.buffer.slice(0, done);
      done += n;
    }
    return bytes.buffer;
  }
}

/** Makes `FileReaderSync` (global in browser workers, which WORKERFS expects) exist in this Node thread. */
export function installFileReaderSync(): void {
  const g = globalThis as { FileReaderSync?: unknown };
  g.FileReaderSync ??= FdReaderSync;
}
