import { Message } from 'apache-arrow';
import { Message as FbMessage } from 'apache-arrow/fb/message';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { BufferRegion, FieldNode, RecordBatch } from 'apache-arrow/ipc/metadata/message';
import { ByteBuffer } from 'flatbuffers';

/**
 * The RecordBatch message header of one chunk layout, as a flatbuffer template whose integers are rewritten
 * per chunk. A layout fixes how many field nodes and buffers there are, so the flatbuffer's shape never
 * changes; only lengths and offsets do. Built once with apache-arrow's own encoder, then located with its
 * flatbuffer reader, so the bytes are exactly what apache-arrow would write.
 */
export class RecordBatchHeaderTemplate {
  readonly bytes: Uint8Array;
  readonly #lengthAt: number;
  readonly #bodyLengthAt: number;
  readonly #nodesAt: number[] = [];
  readonly #buffersAt: number[] = [];

  constructor(nodeCount: number, bufferCount: number) {
    // Distinct non-zero placeholders: flatbuffers omits table scalars that equal their default (0).
    const nodes = Array.from({ length: nodeCount }, (_, i) => new FieldNode(i + 1, 1));
    const buffers = Array.from({ length: bufferCount }, (_, i) => new BufferRegion(8 * (i + 1), i + 1));
    this.bytes = Message.encode(Message.from(new RecordBatch(1, nodes, buffers, null), 8));

    const bb = new ByteBuffer(this.bytes);
    const message = FbMessage.getRootAsMessage(bb);
    const batch = message.header(new FbRecordBatch()) as FbRecordBatch;
    // vtable slots: Message.bodyLength is field 3, RecordBatch.length field 0.
    this.#bodyLengthAt = fieldPosition(bb, message.bb_pos, 3);
    this.#lengthAt = fieldPosition(bb, batch.bb_pos, 0);
    for (let i = 0; i < nodeCount; i++) this.#nodesAt.push(batch.nodes(i)!.bb_pos);
    for (let i = 0; i < bufferCount; i++) this.#buffersAt.push(batch.buffers(i)!.bb_pos);
  }

  /**
   * Writes the header into `out` at `offset` with the given values. `nodes` holds (length, nullCount) pairs,
   * `buffers` (offset, length) pairs.
   */
  writeInto(
    out: Uint8Array,
    offset: number,
    view: DataView,
    numRows: number,
    bodyLength: number,
    nodes: readonly number[],
    buffers: readonly number[],
  ): void {
    out.set(this.bytes, offset);
    writeU64(view, offset + this.#lengthAt, numRows);
    writeU64(view, offset + this.#bodyLengthAt, bodyLength);
    for (let i = 0; i < this.#nodesAt.length; i++) {
      writeU64(view, offset + this.#nodesAt[i]!, nodes[2 * i]!);
      writeU64(view, offset + this.#nodesAt[i]! + 8, nodes[2 * i + 1]!);
    }
    for (let i = 0; i < this.#buffersAt.length; i++) {
      writeU64(view, offset + this.#buffersAt[i]!, buffers[2 * i]!);
      writeU64(view, offset + this.#buffersAt[i]! + 8, buffers[2 * i + 1]!);
    }
  }
}

function fieldPosition(bb: ByteBuffer, tablePos: number, field: number): number {
  const rel = bb.__offset(tablePos, 4 + 2 * field);
  if (rel === 0) throw new Error(`internal: flatbuffer field ${field} missing from the template`);
  return tablePos + rel;
}

/** Little-endian u64 from a safe integer, without going through BigInt. */
function writeU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}
