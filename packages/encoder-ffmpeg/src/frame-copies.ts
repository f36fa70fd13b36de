/** Spare buffers kept, at most: enough for the frames a pipe holds at full speed, not a growing hoard. */
const MAX_SPARE = 16;

/**
 * Copies of frames on their way into ffmpeg's stdin, in buffers used again once the pipe has taken them.
 *
 * A pipe write keeps its buffer until the kernel has taken every byte, which can be many frames later. Copying
 * each frame at `encode()` lets a source reuse its own buffer at once (as the wasm encoder allows), and reusing
 * these copies spares a fresh allocation per frame: a new multi-megabyte buffer is fresh memory that the
 * kernel must map page by page, which cost more than the copy (measured: reading 640x480 frames into fresh
 * buffers took ~0.6 ms a frame, into reused ones ~0.15 ms).
 */
export class FrameCopies {
  private readonly spare: Uint8Array[] = [];

  /** A copy of `pixels` in a buffer of this pool; give it back with {@link FrameCopies.release}. */
  copy(pixels: Uint8Array): Uint8Array {
    let buffer = this.spare.pop();
    // Frames of one run have one size; a buffer of another size (a new run's) is left to the collector.
    while (buffer !== undefined && buffer.byteLength !== pixels.byteLength) buffer = this.spare.pop();
    buffer ??= new Uint8Array(pixels.byteLength);
    buffer.set(pixels);
    return buffer;
  }

  /** Takes back a buffer from {@link FrameCopies.copy} once nothing reads it any more. */
  release(buffer: Uint8Array): void {
    if (this.spare.length < MAX_SPARE) this.spare.push(buffer);
  }
}
