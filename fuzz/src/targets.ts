import type { ErrorClass } from './classify.js';
import type { MutationHints } from './mutate.js';
import type { Corpus } from './seeds.js';

/** A loaded fuzz target: its seeds, its mutation hints, what counts as typed, and how to run one input. */
export interface Harness {
  /** Valid inputs for this target, made from the run's corpus. */
  readonly seeds: (corpus: Corpus) => Uint8Array[];
  readonly hints: MutationHints;
  /** Error classes that are the parser's typed answer to bad input (with a string `code`). */
  readonly typed: readonly ErrorClass[];
  /** Runs one input; returns normally, throws a typed error, or throws anything else (a failure). */
  readonly run: (input: Uint8Array) => void | Promise<void>;
  /** Untimed work before each input (starting a helper worker the input will use). */
  readonly prepare?: () => Promise<void>;
  /** Releases what `run` keeps between inputs (temporary files). */
  readonly close?: () => void;
}

/** A fuzz target: the parser that takes outside bytes, and how to load its harness inside a worker. */
export interface Target {
  readonly name: string;
  /** Left out of runs that do not name it (the fuzzer's own self-test targets). */
  readonly hidden?: boolean;
  /** One line: what is fuzzed and how. */
  readonly description: string;
  /** Loads the harness; `tmp` is a folder for targets that must read from a file. */
  readonly load: (tmp: string) => Promise<Harness>;
}

/** Every target, in the order the table lists them. */
export const TARGETS: readonly Target[] = [
  {
    name: 'rrd',
    description:
      'core decodeRrd on whole inputs and the streaming RrdDecoder on random pieces; both must agree (Arrow, LZ4, protobuf inside)',
    load: async () => (await import('./harness/rrd.js')).rrdHarness(),
  },
  {
    name: 'publish-rrd',
    description: "server's publish endpoint reader storedFromRrd (one WebSocket message = one RRD stream)",
    load: async () => (await import('./harness/rrd.js')).publishHarness(),
  },
  {
    name: 'lz4',
    description: 'core decompressLz4Block on [u32 size][block]; valid blocks must match lz4js',
    load: async () => (await import('./harness/rrd.js')).lz4Harness(),
  },
  {
    name: 'annexb-scanner',
    description:
      'AnnexBScanner (native and portable) on random pieces vs a naive start-code search; splitAnnexB',
    load: async () => (await import('./harness/bitstream.js')).scannerHarness(),
  },
  {
    name: 'au-splitter',
    description:
      'AccessUnitSplitter whole vs random pieces (same samples), live firstSliceOnly mode, summarizeBitstream, isKeyframeSample',
    load: async () => (await import('./harness/bitstream.js')).splitterHarness(),
  },
  {
    name: 'h264-sps',
    description: 'parseH264Sps on SPS NAL units',
    load: async () => (await import('./harness/bitstream.js')).nalHarness('h264-sps'),
  },
  {
    name: 'h264-pps',
    description: 'parseH264Pps on PPS NAL units',
    load: async () => (await import('./harness/bitstream.js')).nalHarness('h264-pps'),
  },
  {
    name: 'h265-ps',
    description: 'parseH265Vps / parseH265Sps / parseH265Pps on VPS/SPS/PPS NAL units',
    load: async () => (await import('./harness/bitstream.js')).nalHarness('h265-ps'),
  },
  {
    name: 'h264-slice',
    description:
      'H.264 slice headers (parseH264SliceHeader, POC, picture boundaries) after the SPS/PPS in the input',
    load: async () => (await import('./harness/bitstream.js')).sliceHarness('h264'),
  },
  {
    name: 'h265-slice',
    description: 'H.265 slice segment headers (parseH265SliceHeader, POC) after the VPS/SPS/PPS in the input',
    load: async () => (await import('./harness/bitstream.js')).sliceHarness('h265'),
  },
  {
    name: 'avcc',
    description: 'parseAvcC / parseHvcC and lengthPrefixedToAnnexB on [u16 length][record][sample]',
    load: async () => (await import('./harness/bitstream.js')).avccHarness(),
  },
  {
    name: 'y4m',
    description: 'Y4mParser on random pieces vs the whole input (same frames, same error)',
    load: async () => (await import('./harness/y4m.js')).y4mHarness(),
  },
  {
    name: 'container',
    description:
      "`camstream remux`'s MP4/MOV/MKV/WebM reader (openContainer on mediabunny), every frame read",
    load: async (tmp) => (await import('./harness/remux.js')).containerHarness(tmp),
  },
  {
    name: 'annexb-reader',
    description: "`camstream remux`'s Annex B .h264/.h265 reader (openAnnexB), every frame read",
    load: async (tmp) => (await import('./harness/remux.js')).annexbReaderHarness(tmp),
  },
];

/**
 * Targets that must fail: a parser with a TypeError on some inputs and an endless loop on others. The fuzzer's
 * test runs them to show that it reports both (and so would report them in a real parser).
 */
export const SELF_TEST_TARGETS: readonly Target[] = [
  {
    name: 'selftest-typeerror',
    hidden: true,
    description: 'a parser that reads a property of undefined when the first byte is odd',
    load: async () => (await import('./harness/self-test.js')).typeErrorHarness(),
  },
  {
    name: 'selftest-hang',
    hidden: true,
    description: 'a parser that never returns when the input starts with 0x42',
    load: async () => (await import('./harness/self-test.js')).hangHarness(),
  },
];

/** The target called `name`. */
export function targetByName(name: string): Target | undefined {
  return [...TARGETS, ...SELF_TEST_TARGETS].find((t) => t.name === name);
}
