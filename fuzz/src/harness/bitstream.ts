import {
  type AccessUnit,
  AccessUnitSplitter,
  type AccessUnitSplitterOptions,
  AnnexBScanner,
  annexBToLengthPrefixed,
  BitstreamError,
  buildAvcC,
  buildHvcC,
  detectCodec,
  H264PocComputer,
  type H264Pps,
  type H264SliceHeader,
  type H264Sps,
  H265PocComputer,
  type H265Pps,
  type H265Sps,
  isKeyframeSample,
  isNewH264Picture,
  lengthPrefixedToAnnexB,
  parseAvcC,
  parseH264Pps,
  parseH264SliceHeader,
  parseH264Sps,
  parseH265Pps,
  parseH265SliceHeader,
  parseH265Sps,
  parseH265Vps,
  parseHvcC,
  removeEmulationPrevention,
  splitAnnexB,
  summarizeBitstream,
  type VideoCodecName,
} from '@camstream/core';
import { InvariantError } from '../classify.js';
import type { MutationHints } from '../mutate.js';
import { fnv1a, randomPieces } from '../rng.js';
import type { Corpus } from '../seeds.js';
import type { Harness } from '../targets.js';

const START_CODES = [
  Uint8Array.of(0, 0, 1),
  Uint8Array.of(0, 0, 0, 1),
  Uint8Array.of(0, 0, 3),
  Uint8Array.of(0, 0, 0),
];
/** NAL headers: H.264 SPS, PPS, IDR, P slice, SEI, AUD; H.265 VPS, SPS, PPS, IDR, CRA, TRAIL_R, AUD, SEI. */
const NAL_HEADERS = [
  [0x67],
  [0x68],
  [0x65],
  [0x41],
  [0x06, 0x06],
  [0x09, 0xf0],
  [0x40, 0x01],
  [0x42, 0x01],
  [0x44, 0x01],
  [0x26, 0x01],
  [0x2a, 0x01],
  [0x02, 0x01],
  [0x46, 0x01],
  [0x4e, 0x01],
].map((h) => Uint8Array.of(...h));

const ANNEXB_HINTS: MutationHints = {
  tokens: [...START_CODES, ...NAL_HEADERS.map((h) => Uint8Array.of(0, 0, 1, ...h)), ...NAL_HEADERS],
  magic: NAL_HEADERS.map((h) => Uint8Array.of(0, 0, 0, 1, ...h)),
  maxBytes: 128 * 1024,
};

function streams(corpus: Corpus): Uint8Array[] {
  return [...corpus.h264, ...corpus.h265];
}

/** Where every start code's `01` is and how many zeros precede it: the obvious byte-by-byte search. */
function naiveStartCodes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 2; i < bytes.length; i++) {
    if (bytes[i] === 1 && bytes[i - 1] === 0 && bytes[i - 2] === 0) {
      let zeros = 0;
      while (i - 1 - zeros >= 0 && bytes[i - 1 - zeros] === 0) zeros++;
      out.push(i, zeros);
    }
  }
  return out;
}

/** AnnexBScanner in both modes on random pieces must find exactly the naive search's start codes. */
export function scannerHarness(): Harness {
  return {
    seeds: streams,
    hints: ANNEXB_HINTS,
    typed: [BitstreamError],
    run: (input) => {
      const expected = naiveStartCodes(input).join(',');
      const h = fnv1a(input);
      for (const native of [true, false]) {
        const scanner = new AnnexBScanner({ native });
        const found: number[] = [];
        const listener = {
          onStartCode(one: number, zeros: number) {
            found.push(one, zeros);
            return false;
          },
        };
        for (const piece of randomPieces(input, h + (native ? 0 : 1))) scanner.scan(piece, listener);
        if (found.join(',') !== expected) {
          throw new InvariantError(
            `${native ? 'native' : 'portable'} scanner found [${found.slice(0, 8)}…], expected [${expected.slice(0, 40)}…]`,
          );
        }
        if (scanner.position !== input.length)
          throw new InvariantError(`scanner position ${scanner.position} ≠ ${input.length}`);
      }
      for (const nal of splitAnnexB(input)) {
        if (nal.data.length === 0 || nal.offset + nal.data.length > input.length) {
          throw new InvariantError(
            `splitAnnexB gave a NAL unit of ${nal.data.length} bytes at ${nal.offset}`,
          );
        }
      }
    },
  };
}

function auKey(au: AccessUnit): string {
  return `${fnv1a(au.data)}/${au.data.length}/${au.isKeyframe ? 'K' : ''}${au.poc ?? ''}/${au.nalTypes.join('.')}`;
}

/** Runs a splitter over `pieces`; a BitstreamError ends it (its code is the outcome), anything else escapes. */
function splitAll(
  options: AccessUnitSplitterOptions,
  pieces: readonly Uint8Array[],
): { aus: AccessUnit[]; error: BitstreamError | undefined } {
  const splitter = new AccessUnitSplitter(options);
  const aus: AccessUnit[] = [];
  try {
    for (const piece of pieces) aus.push(...splitter.push(piece));
    aus.push(...splitter.end());
    return { aus, error: undefined };
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
    return { aus, error };
  }
}

/**
 * AccessUnitSplitter: the same bytes whole and in random pieces give the same samples (or the same error);
 * then the live path (`firstSliceOnly` with `endAccessUnit()` per frame, as `camstream remux` drives it),
 * strict options with a tiny size limit, `summarizeBitstream` and `isKeyframeSample`.
 */
export function splitterHarness(): Harness {
  return {
    seeds: streams,
    hints: ANNEXB_HINTS,
    typed: [BitstreamError],
    run: (input) => {
      const h = fnv1a(input);
      let codec: VideoCodecName;
      try {
        codec = detectCodec(input);
      } catch (error) {
        if (!(error instanceof BitstreamError)) throw error;
        codec = h & 1 ? 'h265' : 'h264';
      }
      let firstError: BitstreamError | undefined;
      const options: AccessUnitSplitterOptions = {
        codec,
        bFrames: 'allow',
        insertParameterSets: ((h >>> 1) & 1) === 1,
        copy: ((h >>> 2) & 1) === 1 ? 'always' : 'when-needed',
      };
      const whole = splitAll(options, [input]);
      const pieces = splitAll(options, randomPieces(input, h));
      const a = whole.error ? `error ${whole.error.code}` : whole.aus.map(auKey).join(' ');
      const b = pieces.error ? `error ${pieces.error.code}` : pieces.aus.map(auKey).join(' ');
      if (a !== b)
        throw new InvariantError(`pieces gave [${b.slice(0, 100)}], whole gave [${a.slice(0, 100)}]`);
      firstError ??= whole.error;

      // The live path: one frame per push, then endAccessUnit(); and pushes cut anywhere, with frame ends between.
      const live = new AccessUnitSplitter({
        codec,
        firstSliceOnly: true,
        bFrames: 'allow',
        openGop: 'allow',
      });
      try {
        for (const au of whole.aus) {
          const out = [...live.push(au.data), ...live.endAccessUnit()];
          if (out.length > 1) throw new InvariantError(`live mode made ${out.length} samples of one frame`);
        }
        live.end();
        live.reset();
        const rough = randomPieces(input, h ^ 0x5bd1e995);
        for (const piece of rough) {
          live.push(piece);
          if (piece.length % 3 === 0) live.endAccessUnit();
        }
        live.end();
      } catch (error) {
        if (!(error instanceof BitstreamError)) throw error;
        firstError ??= error;
      }

      const strict = splitAll(
        {
          codec,
          bFrames: 'error',
          openGop: 'error',
          maxAccessUnitBytes: 1 + (h % 8192),
          insertParameterSets: true,
        },
        randomPieces(input, h + 7),
      );
      firstError ??= strict.error;
      try {
        summarizeBitstream(randomPieces(input, h + 11));
      } catch (error) {
        if (!(error instanceof BitstreamError)) throw error;
        firstError ??= error;
      }
      isKeyframeSample(input, codec);
      for (const au of whole.aus) isKeyframeSample(au.data, codec);
      if (firstError) throw firstError;
    },
  };
}

type NalKind = 'h264-sps' | 'h264-pps' | 'h265-ps';

function nalsOf(corpus: Corpus, codec: VideoCodecName, types: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const stream of codec === 'h264' ? corpus.h264 : corpus.h265) {
    for (const nal of splitAnnexB(stream)) {
      const b0 = nal.data[0] ?? 0;
      const type = codec === 'h264' ? b0 & 0x1f : (b0 >>> 1) & 0x3f;
      if (types.includes(type)) out.push(nal.data.slice());
    }
  }
  return out;
}

/** One parameter-set parser on single NAL units (header included, emulation prevention in place). */
export function nalHarness(kind: NalKind): Harness {
  const magic =
    kind === 'h264-sps'
      ? [Uint8Array.of(0x67)]
      : kind === 'h264-pps'
        ? [Uint8Array.of(0x68)]
        : [Uint8Array.of(0x40, 0x01), Uint8Array.of(0x42, 0x01), Uint8Array.of(0x44, 0x01)];
  return {
    seeds: (corpus) =>
      kind === 'h264-sps'
        ? nalsOf(corpus, 'h264', [7])
        : kind === 'h264-pps'
          ? nalsOf(corpus, 'h264', [8])
          : nalsOf(corpus, 'h265', [32, 33, 34]),
    hints: { tokens: [...START_CODES, Uint8Array.of(0xff), Uint8Array.of(0x80)], magic, maxBytes: 4096 },
    typed: [BitstreamError],
    run: (input) => {
      if (kind === 'h264-sps') {
        const sps = parseH264Sps(input);
        if (!(sps.width > 0 && sps.height > 0 && Number.isSafeInteger(sps.width * sps.height))) {
          throw new InvariantError(`SPS parsed to a ${sps.width}x${sps.height} picture`);
        }
      } else if (kind === 'h264-pps') {
        parseH264Pps(input);
      } else {
        const type = ((input[0] ?? 0) >>> 1) & 0x3f;
        if (type === 32) parseH265Vps(input);
        else if (type === 34) parseH265Pps(input);
        else {
          const sps = parseH265Sps(input);
          if (!(sps.width > 0 && sps.height > 0 && sps.picSizeInCtbs > 0)) {
            throw new InvariantError(
              `SPS parsed to a ${sps.width}x${sps.height} picture of ${sps.picSizeInCtbs} CTBs`,
            );
          }
        }
      }
    },
  };
}

/** Parameter sets and the first slices of a few pictures, slices cut to 96 bytes (only the header is read). */
function sliceSeeds(corpus: Corpus, codec: VideoCodecName): Uint8Array[] {
  const out: Uint8Array[] = [];
  const headerLength = codec === 'h264' ? 1 : 2;
  for (const stream of codec === 'h264' ? corpus.h264 : corpus.h265) {
    const parts: Uint8Array[] = [];
    let slices = 0;
    for (const nal of splitAnnexB(stream)) {
      const b0 = nal.data[0] ?? 0;
      const type = codec === 'h264' ? b0 & 0x1f : (b0 >>> 1) & 0x3f;
      const ps = codec === 'h264' ? type === 7 || type === 8 : type >= 32 && type <= 34;
      const vcl = codec === 'h264' ? type >= 1 && type <= 5 : type < 32;
      if (!ps && !(vcl && slices++ < 6)) continue;
      parts.push(Uint8Array.of(0, 0, 0, 1), nal.data.subarray(0, ps ? nal.data.length : headerLength + 96));
    }
    out.push(Buffer.concat(parts));
  }
  return out;
}

/** Slice headers of every VCL NAL unit in an Annex B input, after its parameter sets; POC and boundaries too. */
export function sliceHarness(codec: VideoCodecName): Harness {
  return {
    seeds: (corpus) => sliceSeeds(corpus, codec),
    hints: { ...ANNEXB_HINTS, maxBytes: 16 * 1024 },
    typed: [BitstreamError],
    run: (input) => {
      let firstError: BitstreamError | undefined;
      const attempt = (fn: () => void) => {
        try {
          fn();
        } catch (error) {
          if (!(error instanceof BitstreamError)) throw error;
          firstError ??= error;
        }
      };
      const nals = splitAnnexB(input);
      if (codec === 'h264') {
        const spsById = new Map<number, H264Sps>();
        const ppsById = new Map<number, H264Pps>();
        const poc = new H264PocComputer();
        let prev: H264SliceHeader | undefined;
        for (const { data: nal } of nals) {
          const type = (nal[0] ?? 0) & 0x1f;
          attempt(() => {
            if (type === 7) {
              const sps = parseH264Sps(nal);
              spsById.set(sps.spsId, sps);
            } else if (type === 8) {
              const pps = parseH264Pps(nal);
              ppsById.set(pps.ppsId, pps);
            } else if (type >= 1 && type <= 5) {
              const rbsp = removeEmulationPrevention(nal.subarray(1));
              const slice = parseH264SliceHeader(rbsp, nal[0] ?? 0, ppsById, spsById);
              const sps = spsById.get(slice.spsId) as H264Sps;
              const value = poc.compute(slice, sps);
              if (!Number.isFinite(value)) throw new InvariantError(`H.264 POC ${value}`);
              if (prev) isNewH264Picture(prev, slice, sps.picOrderCntType);
              prev = slice;
            }
          });
        }
      } else {
        const spsById = new Map<number, H265Sps>();
        const ppsById = new Map<number, H265Pps>();
        const poc = new H265PocComputer();
        for (const { data: nal } of nals) {
          const type = ((nal[0] ?? 0) >>> 1) & 0x3f;
          attempt(() => {
            if (type === 32) parseH265Vps(nal);
            else if (type === 33) {
              const sps = parseH265Sps(nal);
              spsById.set(sps.spsId, sps);
            } else if (type === 34) {
              const pps = parseH265Pps(nal);
              ppsById.set(pps.ppsId, pps);
            } else if (type < 32) {
              const rbsp = removeEmulationPrevention(nal.subarray(2));
              const temporalId = ((nal[1] ?? 0) & 7) - 1;
              const slice = parseH265SliceHeader(rbsp, type, temporalId, ppsById, spsById);
              const value = poc.compute(slice, spsById.get(slice.spsId) as H265Sps);
              if (!Number.isFinite(value)) throw new InvariantError(`H.265 POC ${value}`);
            }
          });
        }
      }
      if (firstError) throw firstError;
    },
  };
}

function avccSeeds(corpus: Corpus): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const codec of ['h264', 'h265'] as const) {
    for (const stream of codec === 'h264' ? corpus.h264 : corpus.h265) {
      const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', copy: 'always' });
      const aus = [...splitter.push(stream)];
      const { vps, sps, pps } = splitter.parameterSets; // end() forgets them
      aus.push(...splitter.end());
      let record: Uint8Array;
      try {
        record =
          codec === 'h264'
            ? buildAvcC({ sps, pps, lengthSize: 4 })
            : buildHvcC({ vps, sps, pps, lengthSize: 4 });
      } catch {
        continue; // an SPS this record cannot describe
      }
      for (const au of aus.slice(0, 2)) {
        const sample = annexBToLengthPrefixed(au.data, { lengthSize: 4 });
        const input = new Uint8Array(2 + record.length + sample.length);
        new DataView(input.buffer).setUint16(0, record.length, true);
        input.set(record, 2);
        input.set(sample, 2 + record.length);
        out.push(input);
      }
    }
  }
  return out;
}

/** `[u16 LE record length][avcC or hvcC][length-prefixed sample]`: record parsers and the sample conversion. */
export function avccHarness(): Harness {
  return {
    seeds: avccSeeds,
    hints: {
      tokens: [Uint8Array.of(0, 0, 0, 1), Uint8Array.of(0xff), Uint8Array.of(0xe1), Uint8Array.of(0x01)],
      magic: [Uint8Array.of(1), Uint8Array.of(0x20, 0, 1), Uint8Array.of(0x30, 0, 1)],
      fields: (bytes) => [
        { offset: 0, width: 2, littleEndian: true },
        { offset: 2 + 4, width: 1, littleEndian: true }, // avcC lengthSizeMinusOne
        { offset: 2 + 6, width: 2, littleEndian: false }, // avcC first SPS length
        { offset: 2 + 21, width: 1, littleEndian: true }, // hvcC lengthSizeMinusOne
        { offset: 2 + 22, width: 1, littleEndian: true }, // hvcC numOfArrays
        { offset: Math.max(0, bytes.length - 64), width: 4, littleEndian: false },
      ],
      maxBytes: 16 * 1024,
    },
    typed: [BitstreamError],
    run: (input) => {
      const recordLength =
        input.length >= 2 ? new DataView(input.buffer, input.byteOffset, 2).getUint16(0, true) : 0;
      const record = input.subarray(2, 2 + recordLength);
      const sample = input.subarray(2 + recordLength);
      const h = fnv1a(input);
      // A record is one or the other: the input is refused only if neither reading gets through.
      let firstError: BitstreamError | undefined;
      let accepted = false;
      for (const parse of [parseAvcC, parseHvcC]) {
        try {
          const config = parse(record);
          const annexB = lengthPrefixedToAnnexB(sample, config, { insertParameterSets: (h & 1) === 1 });
          annexBToLengthPrefixed(annexB, {
            lengthSize: config.lengthSize as 1 | 2 | 4,
            codec: config.codec,
            dropParameterSets: (h & 2) === 2,
          });
          accepted = true;
        } catch (error) {
          if (!(error instanceof BitstreamError)) throw error;
          firstError ??= error;
        }
      }
      if (!accepted && firstError) throw firstError;
    },
  };
}
