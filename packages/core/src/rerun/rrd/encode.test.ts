import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { VideoStreamComponents } from '../../model/archetypes.js';
import { decodeChunk } from '../arrow/chunk-decoder.js';
import { Compression, StoreKind } from '../proto/gen/rerun/v1alpha1/common_pb.js';
import {
  ArrowMsgSchema,
  Encoding,
  SetStoreInfoSchema,
  StoreSourceKind,
} from '../proto/gen/rerun/v1alpha1/log_msg_pb.js';
import { tuidToString } from '../tuid.js';
import { ArrowMsgEncoder, encodeSetStoreInfo } from './encode.js';
import { CRATE_VERSION_BITS, STREAM_HEADER } from './stream-header.js';

const storeId = { kind: 'recording', applicationId: 'my_app', recordingId: 'rec-0001' } as const;

describe('RRD message encoding', () => {
  it('writes the 0.33.0 stream header', () => {
    expect([...STREAM_HEADER]).toEqual([
      0x52, 0x52, 0x46, 0x32, 0x00, 0x21, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
    ]);
    expect(CRATE_VERSION_BITS).toBe(8448);
  });

  it('SetStoreInfo matches the spec fields', () => {
    const msg = encodeSetStoreInfo(
      storeId,
      { timeNs: 1750000000000000000n, inc: 42n },
      { name: 'ts-encoder' },
    );
    const view = new DataView(msg.bytes.buffer, msg.bytes.byteOffset);
    expect(view.getBigUint64(0, true)).toBe(1n);
    expect(Number(view.getBigUint64(8, true))).toBe(msg.payload.byteLength);
    const decoded = fromBinary(SetStoreInfoSchema, msg.payload);
    expect(decoded.rowId?.timeNs).toBe(1750000000000000000n);
    expect(decoded.rowId?.inc).toBe(42n);
    expect(decoded.info?.storeId?.kind).toBe(StoreKind.RECORDING);
    expect(decoded.info?.storeId?.applicationId?.id).toBe('my_app');
    expect(decoded.info?.storeSource?.kind).toBe(StoreSourceKind.OTHER);
    expect(new TextDecoder().decode(decoded.info?.storeSource?.extra?.payload)).toBe('ts-encoder');
    expect(decoded.info?.storeVersion?.crateVersionBits).toBe(8448);
    // The spec's worked example is 69 bytes with the same content.
    expect(msg.payload.byteLength).toBe(69);
  });

  it('hand-written ArrowMsg fields decode with the generated code', () => {
    const encoder = new ArrowMsgEncoder(storeId);
    for (const [isStatic, id] of [
      [true, { timeNs: 0n, inc: 0n }],
      [false, { timeNs: 0x18493fba64ef0000n, inc: 0xffff_ffff_ffff_fffen }],
    ] as const) {
      const chunk = {
        id,
        entityPath: '/video_stream',
        numRows: 1,
        rowIds: new Uint8Array(16).fill(1),
        timelines: isStatic
          ? []
          : [{ name: 'time', kind: 'duration' as const, values: BigInt64Array.of(5n) }],
        components: [
          {
            descriptor: VideoStreamComponents.codec,
            rows: [{ element: 'u32' as const, values: [0x61766331] }],
          },
        ],
      };
      const msg = encoder.encode(chunk, { timeRanges: new Map(), hasKeyframe: false });
      const decoded = fromBinary(ArrowMsgSchema, msg.payload);
      expect(decoded.storeId?.recordingId).toBe('rec-0001');
      expect(decoded.storeId?.applicationId?.id).toBe('my_app');
      expect(decoded.compression).toBe(Compression.NONE);
      expect(decoded.encoding).toBe(Encoding.ARROW_IPC);
      expect(decoded.isStatic).toBe(isStatic);
      expect(decoded.chunkId?.timeNs).toBe(id.timeNs);
      expect(decoded.chunkId?.inc).toBe(id.inc);
      // The schema's rerun:id says the same, in Rerun's display form.
      expect(decodeChunk(decoded.payload).metadata.get('rerun:id')).toBe(`chunk_${tuidToString(id)}`);
      expect(Number(decoded.uncompressedSize)).toBe(decoded.payload.byteLength);
      // The IPC stream ends with the EOS marker.
      expect([...decoded.payload.subarray(-8)]).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
      expect(msg.asStream().subarray(0, 12)).toEqual(STREAM_HEADER);
    }
  });
});
