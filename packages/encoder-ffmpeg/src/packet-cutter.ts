/**
 * Cuts ffmpeg's Annex B output into its packets as they arrive. ffmpeg writes each packet twice through its tee
 * muxer: the bytes to one pipe (`f=h264`) and a `framecrc` line with the packet's size to another, both
 * flushed per packet. Annex B carries no lengths, so without the size line a packet's end would only be known
 * when the next one starts (one frame of delay); with it, a packet is complete as soon as both have arrived.
 */
export class PacketCutter {
  private readonly sizes: number[] = [];
  private pieces: Uint8Array[] = [];
  private held = 0;
  private text = '';

  constructor(private readonly onPacket: (packet: Uint8Array) => void) {}

  /** Bytes ffmpeg wrote to the stream pipe. */
  bytes(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.pieces.push(chunk);
    this.held += chunk.length;
    this.cut();
  }

  /** Text ffmpeg wrote to the framecrc pipe: `stream, dts, pts, duration, size, crc[, flags…]` lines. */
  lines(chunk: string): void {
    this.text += chunk;
    for (let end = this.text.indexOf('\n'); end >= 0; end = this.text.indexOf('\n')) {
      const line = this.text.slice(0, end).trim();
      this.text = this.text.slice(end + 1);
      if (line === '' || line.startsWith('#')) continue;
      const size = Number(line.split(',')[4]);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new Error(`unreadable framecrc line ${JSON.stringify(line)}`);
      this.sizes.push(size);
    }
    this.cut();
  }

  /** Bytes received that no complete packet has taken yet. */
  get pending(): number {
    return this.held;
  }

  private cut(): void {
    while (this.sizes.length > 0 && (this.sizes[0] as number) <= this.held) {
      const size = this.sizes.shift() as number;
      this.onPacket(this.take(size));
    }
  }

  private take(size: number): Uint8Array {
    const first = this.pieces[0];
    // The common case: ffmpeg wrote the packet in one write and the pipe delivered it in one chunk.
    if (first !== undefined && first.length === size) {
      this.pieces.shift();
      this.held -= size;
      return first;
    }
    const packet = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const piece = this.pieces[0] as Uint8Array;
      const n = Math.min(piece.length, size - filled);
      packet.set(piece.subarray(0, n), filled);
      filled += n;
      if (n === piece.length) this.pieces.shift();
      else this.pieces[0] = piece.subarray(n);
    }
    this.held -= size;
    return packet;
  }
}
