import { type DecodedMessage, decodeRrd, RrdDecodeError, RrdDecoder } from '@camstream/core';
import { decompressLz4Block, Lz4BlockError, MessageKind, streamHeader } from '@camstream/core/wire';
import { ServerError } from '@camstream/server';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { lz4jsCompress, lz4jsDecompress } from '@camstream/test-helpers/lz4';
import { messageHeader } from '@camstream/test-helpers/rrd';
// The publish endpoint's reader is internal to the server (no entry point exports it): this whitebox target
// reaches it in the source.
import { storedFromRrd } from '../../../packages/server/src/publish/rrd-messages.js';
import { InvariantError, wrappedBug } from '../classify.js';
import type { LengthField, MutationHints } from '../mutate.js';
import { fnv1a, randomPieces } from '../rng.js';
import type { Harness } from '../targets.js';

const text = (s: string) => new TextEncoder().encode(s);

/**
 * The RRD framing's own fields (message kinds and lengths, the stream header's version bytes) and the Arrow IPC
 * metadata lengths after each `FF FF FF FF` continuation marker: tweaking these reaches further than random bytes.
 */
function rrdFields(bytes: Uint8Array): LengthField[] {
  const out: LengthField[] = [
    { offset: 4, width: 1, littleEndian: true },
    { offset: 8, width: 4, littleEndian: true },
  ];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  while (at + 16 <= bytes.length && out.length < 64) {
    if (bytes[at] === 0x52 && bytes[at + 1] === 0x52 && bytes[at + 2] === 0x46 && bytes[at + 3] === 0x32) {
      at += 12;
      continue;
    }
    out.push({ offset: at, width: 8, littleEndian: true }, { offset: at + 8, width: 8, littleEndian: true });
    const length = view.getBigUint64(at + 8, true);
    if (length > BigInt(bytes.length)) break;
    at += 16 + Number(length);
  }
  for (
    let i = bytes.indexOf(0xff);
    i >= 0 && i + 8 <= bytes.length && out.length < 96;
    i = bytes.indexOf(0xff, i + 4)
  ) {
    if (bytes[i + 1] === 0xff && bytes[i + 2] === 0xff && bytes[i + 3] === 0xff) {
      out.push({ offset: i + 4, width: 4, littleEndian: true });
    }
  }
  return out;
}

const RRD_HINTS: MutationHints = {
  tokens: [
    text('RRF2'),
    text('RRF1'),
    streamHeader(),
    text('RRF2FOOT'),
    messageHeader(MessageKind.End, 0),
    messageHeader(MessageKind.ArrowMsg, 0),
    messageHeader(MessageKind.SetStoreInfo, 2),
    Uint8Array.of(0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x10, 0x01), // compression = LZ4
    Uint8Array.of(0x18, 0xff, 0xff, 0xff, 0xff, 0x0f), // uncompressed_size = 2^32 - 1
  ],
  magic: [streamHeader()],
  fields: rrdFields,
  maxBytes: 256 * 1024,
};

/** What a decode produced, as one comparable string. */
function summary(messages: readonly DecodedMessage[], errors: readonly RrdDecodeError[]): string {
  return [
    ...messages.map((m) => `${m.kind}@${m.offset}`),
    ...errors.map((e) => `${e.code}@${e.offset}`),
  ].join(' ');
}

function checkErrors(errors: readonly unknown[]): void {
  for (const e of errors) {
    if (!(e instanceof RrdDecodeError))
      throw new InvariantError(`decoder reported a ${String(e)}, not an RrdDecodeError`);
  }
}

/** decodeRrd on the whole input and RrdDecoder on random pieces of it: same messages, same errors. */
export function rrdHarness(): Harness {
  return {
    seeds: (corpus) => corpus.rrd,
    hints: RRD_HINTS,
    typed: [RrdDecodeError],
    run: (input) => {
      const whole = decodeRrd(input);
      checkErrors(whole.errors);
      const decoder = new RrdDecoder();
      const streamed: DecodedMessage[] = [];
      for (const piece of randomPieces(input, fnv1a(input))) streamed.push(...decoder.push(piece));
      decoder.end();
      checkErrors(decoder.errors);
      const a = summary(whole.messages, whole.errors);
      const b = summary(streamed, decoder.errors);
      if (a !== b) {
        throw new InvariantError(
          `decoding in pieces differs from decoding whole: [${b.slice(0, 120)}] vs [${a.slice(0, 120)}]`,
        );
      }
      // A reported error is the decoder's typed answer; the classifier also looks for a bug wrapped inside it.
      const first = whole.errors.find((e) => wrappedBug(e.cause) !== undefined) ?? whole.errors[0];
      if (first !== undefined) throw first;
    },
  };
}

/** The publish endpoint's reader: every complete RRD stream is accepted or refused with ServerError. */
export function publishHarness(): Harness {
  return {
    seeds: (corpus) => corpus.rrd,
    hints: RRD_HINTS,
    typed: [ServerError],
    run: (input) => {
      storedFromRrd(input, new Map());
    },
  };
}

function lz4Input(raw: Uint8Array): Uint8Array | undefined {
  const block = lz4jsCompress(raw);
  if (block === undefined) return undefined;
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, raw.length, true);
  return concatBytes([size, block]);
}

/** `[u32 LE uncompressed size][LZ4 block]`; a block that decompresses must give what lz4js gives. */
export function lz4Harness(): Harness {
  return {
    seeds: (corpus) => {
      const raws: Uint8Array[] = [];
      for (const rrd of corpus.rrd) {
        for (const m of decodeRrd(rrd).messages) if (m.kind === 'arrow_msg') raws.push(m.proto.payload);
      }
      raws.push(new Uint8Array(3000), text('abcabcabcabcabcabcabcabcabcabcabcabc'.repeat(20)));
      raws.push(Uint8Array.from({ length: 5000 }, (_, i) => (i * i) >> 5));
      return raws.map(lz4Input).filter((x): x is Uint8Array => x !== undefined);
    },
    hints: {
      tokens: [
        Uint8Array.of(0xff),
        Uint8Array.of(0xf0),
        Uint8Array.of(0x0f),
        Uint8Array.of(0x01, 0x00),
        Uint8Array.of(0, 0),
      ],
      magic: [],
      fields: () => [{ offset: 0, width: 4, littleEndian: true }],
      maxBytes: 256 * 1024,
    },
    typed: [Lz4BlockError],
    run: (input) => {
      const size = input.length >= 4 ? new DataView(input.buffer, input.byteOffset, 4).getUint32(0, true) : 0;
      const block = input.subarray(4);
      const ours = decompressLz4Block(block, size);
      if (ours.length !== size)
        throw new InvariantError(`decompressed ${ours.length} bytes, asked for ${size}`);
      // lz4js has no bounds checks: only a block we accepted is safe to give it.
      const theirs = new Uint8Array(size);
      const end = lz4jsDecompress(block, theirs);
      if (end !== size || Buffer.compare(ours, theirs) !== 0) {
        throw new InvariantError(`lz4js decompresses this block to ${end} other bytes`);
      }
    },
  };
}
