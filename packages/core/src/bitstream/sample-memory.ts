/** Size of the shared buffers that samples are carved out of. */
const SLAB_BYTES = 1 << 20;

/**
 * Memory for samples (and slice-header prefixes) that cannot be views of a pushed piece.
 *
 * Samples are carved out of a shared 1 MiB slab: allocating one ArrayBuffer per frame costs V8 about
 * 10 µs (page faults, external-memory GCs), as much as scanning the frame. A consumer must therefore
 * honour `byteOffset`/`byteLength` and never transfer `buffer`. With `ownBuffers`, and for anything
 * larger than a quarter slab, every allocation gets a buffer of its own.
 */
export class SampleMemory {
  private slab = new Uint8Array(0);
  private slabPos = 0;

  /** @param ownBuffers - give every allocation its own buffer (`copy: 'always'`). */
  constructor(private readonly ownBuffers: boolean) {}

  /** `n` bytes of zeroed memory that nothing else uses. */
  allocate(n: number): Uint8Array {
    if (this.ownBuffers || n > SLAB_BYTES / 4) return new Uint8Array(n);
    if (this.slabPos + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.slabPos = 0;
    }
    const out = this.slab.subarray(this.slabPos, this.slabPos + n);
    // Keep every sample 8-byte aligned, for consumers that view it as wider typed arrays.
    this.slabPos += (n + 7) & ~7;
    return out;
  }
}
