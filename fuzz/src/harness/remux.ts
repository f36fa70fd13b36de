import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { CliError } from '@camstream/cli';
import { openAnnexB } from '../../../packages/cli/src/remux/annexb-reader.js';
import { openContainer } from '../../../packages/cli/src/remux/container-reader.js';
import { setDemuxerLimits, warmDemuxer } from '../../../packages/cli/src/remux/demuxer.js';
import { probeInputFile } from '../../../packages/cli/src/remux/input-file.js';
import type { VideoSampleReader } from '../../../packages/cli/src/remux/video-samples.js';
import { InvariantError } from '../classify.js';
import type { LengthField } from '../mutate.js';
import type { Harness } from '../targets.js';

const text = (s: string) => new TextEncoder().encode(s);

const BOXES = [
  'ftyp',
  'moov',
  'mvhd',
  'trak',
  'tkhd',
  'mdia',
  'mdhd',
  'hdlr',
  'minf',
  'stbl',
  'stsd',
  'avc1',
  'hvc1',
  'hev1',
  'avcC',
  'hvcC',
  'stts',
  'stss',
  'ctts',
  'stsc',
  'stsz',
  'stco',
  'co64',
  'mdat',
  'moof',
  'traf',
  'tfhd',
  'tfdt',
  'trun',
  'mvex',
  'trex',
  'edts',
  'elst',
];
const BOX_CODES = BOXES.map(text);
/** EBML (Matroska/WebM) element ids: EBML, Segment, Cluster, SimpleBlock, BlockGroup, Tracks, CodecPrivate, Cues. */
const EBML_IDS = [
  [0x1a, 0x45, 0xdf, 0xa3],
  [0x18, 0x53, 0x80, 0x67],
  [0x1f, 0x43, 0xb6, 0x75],
  [0xa3],
  [0xa0],
  [0x16, 0x54, 0xae, 0x6b],
  [0x63, 0xa2],
  [0x1c, 0x53, 0xbb, 0x6b],
  [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // unknown size
].map((id) => Uint8Array.of(...id));

/** The 32-bit size in front of every MP4 box type found, and the size bytes after EBML element ids. */
function containerFields(bytes: Uint8Array): LengthField[] {
  const out: LengthField[] = [];
  for (const code of BOX_CODES) {
    for (
      let i = bytes.indexOf(code[0] as number, 4);
      i >= 0 && out.length < 96;
      i = bytes.indexOf(code[0] as number, i + 1)
    ) {
      if (bytes[i + 1] === code[1] && bytes[i + 2] === code[2] && bytes[i + 3] === code[3]) {
        out.push({ offset: i - 4, width: 4, littleEndian: false });
      }
    }
  }
  for (const id of EBML_IDS.slice(0, 3)) {
    const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(id);
    if (at >= 0) out.push({ offset: at + id.length, width: 8, littleEndian: false });
  }
  return out;
}

async function drain(reader: VideoSampleReader): Promise<void> {
  try {
    for await (const sample of reader.samples) {
      if (typeof sample.pts !== 'bigint') throw new InvariantError(`sample pts is a ${typeof sample.pts}`);
    }
  } finally {
    reader.close();
  }
}

/**
 * `camstream remux`'s container path: the input is written to a file, probed, demuxed by mediabunny in the remux
 * demuxer worker, read to the end.
 */
export function containerHarness(tmp: string): Harness {
  const path = join(tmp, `container-${threadId}.bin`);
  // Inputs are a few KiB: a demuxer silent for 300 ms is stuck, and 256 MB of heap is a runaway. The worker is
  // started (again, after one was stopped) before the input's clock runs.
  setDemuxerLimits({ stallMs: 300, maxMemoryMb: 256 });
  return {
    prepare: warmDemuxer,
    seeds: (corpus) => corpus.containers,
    hints: {
      tokens: [...BOX_CODES, ...EBML_IDS, Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0xff, 0xff, 0xff, 0xff)],
      magic: [Uint8Array.of(0, 0, 0, 0x18, ...text('ftypisom')), EBML_IDS[0] as Uint8Array],
      fields: containerFields,
      maxBytes: 64 * 1024,
    },
    typed: [CliError],
    run: async (input) => {
      writeFileSync(path, input);
      const file = await probeInputFile(path);
      await drain(await openContainer(file));
    },
    close: () => rmSync(path, { force: true }),
  };
}

/** `camstream remux`'s Annex B path: the input is written to a `.h264`/`.h265` file and read through openAnnexB. */
export function annexbReaderHarness(tmp: string): Harness {
  const path = join(tmp, `annexb-${threadId}.bin`);
  return {
    seeds: (corpus) => [...corpus.h264, ...corpus.h265],
    hints: {
      tokens: [
        Uint8Array.of(0, 0, 1),
        Uint8Array.of(0, 0, 0, 1),
        Uint8Array.of(0, 0, 3),
        Uint8Array.of(0x67),
        Uint8Array.of(0x65),
      ],
      magic: [Uint8Array.of(0, 0, 0, 1, 0x67), Uint8Array.of(0, 0, 0, 1, 0x40, 0x01)],
      maxBytes: 128 * 1024,
    },
    typed: [CliError],
    run: async (input) => {
      writeFileSync(path, input);
      const file = await probeInputFile(path);
      await drain(openAnnexB(file));
    },
    close: () => rmSync(path, { force: true }),
  };
}
