import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessUnit } from './access-unit.js';
import { AccessUnitSplitter, type AccessUnitSplitterOptions } from './access-unit-splitter.js';
import { splitAnnexB } from './annexb-scanner.js';
import { BitstreamError } from './bitstream-error.js';
import { encodeTestStream, HAS_X264_AND_X265, x264, x265 } from './encoded-stream.test-util.js';
import {
  AUD,
  from,
  hex,
  I1,
  IDR,
  nal,
  P1,
  P2,
  PPS,
  RECOVERY_POINT_SEI,
  SPS,
  SPS_POC_LSB,
} from './hand-made-nal.test-util.js';
import type { VideoCodecName } from './nal.js';
import { summarizeBitstream } from './summary.js';

if (!HAS_X264_AND_X265) {
  // Loud on purpose: CI has ffmpeg, so a skip here means the real-encoder proof did not run.
  console.warn(
    '\n\n*** SKIPPING the splitter tests on encoder output: ffmpeg with libx264 and libx265 is not installed ***\n\n',
  );
}

function split(data: Uint8Array, pieces: number[] = [data.length], options = {}): AccessUnit[] {
  const s = new AccessUnitSplitter({ codec: 'h264', ...options });
  const out: AccessUnit[] = [];
  let at = 0;
  for (const p of pieces) {
    out.push(...s.push(data.subarray(at, at + p)));
    at += p;
  }
  out.push(...s.push(data.subarray(at)));
  out.push(...s.end());
  return out;
}

/** Every access unit of `bytes` pushed in pieces of `piece` bytes. */
function splitAll(
  bytes: Uint8Array,
  codec: VideoCodecName,
  piece = bytes.length,
  options: Partial<AccessUnitSplitterOptions> = {},
): AccessUnit[] {
  const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', ...options });
  const out: AccessUnit[] = [];
  for (let i = 0; i < bytes.length; i += piece) out.push(...splitter.push(bytes.subarray(i, i + piece)));
  out.push(...splitter.end());
  return out;
}

/** Annex B with 4-byte start codes from NAL units. */
function annexB(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const n of nals) size += 4 + n.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const n of nals) {
    out[at + 3] = 1;
    out.set(n, at + 4);
    at += 4 + n.length;
  }
  return out;
}

/** `bytes` without the parameter sets that follow the first picture, as a `+global_header` encoder writes it. */
function withoutRepeatedParameterSets(bytes: Uint8Array, codec: VideoCodecName): Uint8Array {
  let seenVcl = false;
  const kept: Uint8Array[] = [];
  for (const n of splitAnnexB(bytes)) {
    const b0 = n.data[0] ?? 0;
    const t = codec === 'h264' ? b0 & 0x1f : (b0 >>> 1) & 0x3f;
    const parameterSet = codec === 'h264' ? t === 7 || t === 8 : t >= 32 && t <= 34;
    if (parameterSet && seenVcl) continue;
    if (codec === 'h264' ? t === 1 || t === 5 : t < 32) seenVcl = true;
    kept.push(n.data);
  }
  return annexB(kept);
}

/** Offsets in `bytes` where each sample's bytes begin (samples are contiguous slices of the stream). */
function findSampleOffsets(bytes: Uint8Array, lengths: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const len of lengths) {
    // Skip zero bytes between samples (trailing zeros belong to no sample).
    while (
      at < bytes.length &&
      bytes[at] === 0 &&
      !(bytes[at + 1] === 0 && (bytes[at + 2] === 1 || (bytes[at + 2] === 0 && bytes[at + 3] === 1)))
    ) {
      at++;
    }
    out.push(at);
    at += len;
  }
  return out;
}

describe('AccessUnitSplitter on hand-made streams', () => {
  const stream = from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 000001 ${P1} 00000001 ${P2}`);

  it('cuts one picture per sample and finds the keyframe', () => {
    const aus = split(stream);
    expect(aus.map((a) => a.nalTypes)).toEqual([[7, 8, 5], [1], [1]]);
    expect(aus.map((a) => a.isKeyframe)).toEqual([true, false, false]);
    expect(aus.map((a) => a.frameNum)).toEqual([0, 1, 2]);
    expect(aus.map((a) => a.poc)).toEqual([0, 2, 4]);
    expect(aus[0]?.codecString).toBe('avc1.42C00A');
    expect(hex(aus[1]?.data ?? new Uint8Array())).toBe(`000001${P1}`);
  });

  it('gives the same samples for every split point', () => {
    const whole = split(stream).map((a) => hex(a.data));
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(split(stream, [cut]).map((a) => hex(a.data))).toEqual(whole);
    }
  });

  it('strips trailing zeros at the end and tolerates a stream ending mid-NAL', () => {
    const withZeros = from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 00 00 00 00`);
    expect(hex(split(withZeros)[0]?.data ?? new Uint8Array()).endsWith('ffee')).toBe(true);
    const cut = stream.subarray(0, stream.length - 2);
    const aus = split(cut);
    expect(aus).toHaveLength(3);
    expect(aus[2]?.data.length).toBe(4 + 3);
  });

  it('throws bitstream-no-start-code for a stream without a leading start code', () => {
    expect(() => split(from(`ff 00000001 ${SPS}`))).toThrow(
      expect.objectContaining({ code: 'bitstream-no-start-code' }),
    );
    expect(() => split(from(`0001 ${SPS}`))).toThrow(
      expect.objectContaining({ code: 'bitstream-no-start-code' }),
    );
    // Length-prefixed (AVCC) data is refused with a hint.
    expect(() => split(from(`00000005 ${IDR}`))).toThrow(/length-prefixed/);
  });

  it('throws bitstream-access-unit-too-large past maxAccessUnitBytes', () => {
    const big = new Uint8Array(5000).fill(0xee);
    big.set(from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR}`));
    const s = new AccessUnitSplitter({ codec: 'h264', maxAccessUnitBytes: 4096 });
    expect(() => s.push(big)).toThrow(expect.objectContaining({ code: 'bitstream-access-unit-too-large' }));
  });

  it('endAccessUnit() emits the frame at once; parameter sets alone wait for their picture', () => {
    const s = new AccessUnitSplitter({ codec: 'h264' });
    expect(s.push(from(`00000001 ${SPS} 00000001 ${PPS}`))).toHaveLength(0);
    expect(s.endAccessUnit()).toHaveLength(0);
    expect(s.push(from(`00000001 ${IDR}`))).toHaveLength(0);
    const first = s.endAccessUnit();
    expect(first.map((a) => a.nalTypes)).toEqual([[7, 8, 5]]);
    expect(first[0]?.isKeyframe).toBe(true);
    s.push(from(`000001 ${P1}`));
    expect(s.endAccessUnit().map((a) => a.index)).toEqual([1]);
    expect(() => s.push(from('ff'))).toThrow(expect.objectContaining({ code: 'bitstream-no-start-code' }));
  });

  it('an SPS that does not parse makes no keyframe', () => {
    const broken = from(`00000001 6742c00a 00000001 ${PPS} 00000001 ${IDR}`);
    expect(split(broken)[0]?.isKeyframe).toBe(false);
  });

  it('counts coded video sequences: +1 at every IDR picture', () => {
    const idr1 = nal('65', '1 0001000 1 0000 010');
    const aus = split(
      from(`00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 00000001 ${P1} 00000001 ${idr1} 00000001 ${P1}`),
    );
    expect(aus.map((a) => [a.sequence, a.randomAccess])).toEqual([
      [0, 'idr'],
      [0, undefined],
      [1, 'idr'],
      [1, undefined],
    ]);
  });

  it('a POC lower than the previous picture’s is reordering: bitstream-b-frames, or hasBFrames when allowed', () => {
    // POC type 0: IDR at 0, then P pictures at pic_order_cnt_lsb 8 and 4.
    const idr = nal('65', '1 0001000 1 0000 1 0000');
    const p8 = nal('41', '1 00110 1 0001 1000');
    const p4 = nal('41', '1 00110 1 0010 0100');
    const reordered = from(
      `00000001 ${SPS_POC_LSB} 00000001 ${PPS} 00000001 ${idr} 00000001 ${p8} 00000001 ${p4}`,
    );
    expect(() => split(reordered)).toThrow(expect.objectContaining({ code: 'bitstream-b-frames' }));
    expect(() => split(reordered)).toThrow(/access unit 2 is reordered/);
    const aus = split(reordered, undefined, { bFrames: 'allow' });
    expect(aus.map((a) => [a.poc, a.hasBFrames])).toEqual([
      [0, false],
      [8, false],
      [4, true],
    ]);
  });

  it('a recovery point SEI makes a random-access point that is no keyframe; openGop: error refuses it', () => {
    const openGop = from(
      `00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 00000001 ${RECOVERY_POINT_SEI} 00000001 ${I1}`,
    );
    const aus = split(openGop);
    expect(aus.map((a) => [a.nalTypes, a.randomAccess, a.isKeyframe, a.pictType])).toEqual([
      [[7, 8, 5], 'idr', true, 'I'],
      [[6, 1], 'recovery-point', false, 'I'],
    ]);
    expect(() => split(openGop, undefined, { openGop: 'error' })).toThrow(
      expect.objectContaining({ code: 'bitstream-open-gop' }),
    );
  });

  it('insertParameterSets puts the latest SPS and PPS into an IDR sample without them, after its AUD', () => {
    const bytes = from(
      `00000001 ${SPS} 00000001 ${PPS} 00000001 ${IDR} 00000001 ${P1} 00000001 ${AUD} 00000001 ${IDR} 00000001 ${P1}`,
    );
    const plain = split(bytes);
    expect(plain.map((a) => [a.nalTypes, a.isKeyframe])).toEqual([
      [[7, 8, 5], true],
      [[1], false],
      [[9, 5], false],
      [[1], false],
    ]);
    const fixed = split(bytes, undefined, { insertParameterSets: true });
    expect(fixed.map((a) => [a.nalTypes, a.isKeyframe, a.parameterSetsInserted])).toEqual([
      [[7, 8, 5], true, false],
      [[1], false, false],
      [[9, 7, 8, 5], true, true],
      [[1], false, false],
    ]);
    expect(hex(fixed[2]?.data ?? new Uint8Array())).toBe(
      `00000001${AUD}00000001${SPS}00000001${PPS}00000001${IDR}`,
    );
  });

  it("copy: 'always' gives every sample a buffer of its own; by default a sample inside one piece is a view of it", () => {
    const views = split(stream);
    expect(views.every((a) => a.data.buffer === stream.buffer)).toBe(true);
    const copies = split(stream, undefined, { copy: 'always' });
    expect(copies.map((a) => hex(a.data))).toEqual(views.map((a) => hex(a.data)));
    expect(new Set(copies.map((a) => a.data.buffer)).size).toBe(copies.length);
    expect(copies.some((a) => a.data.buffer === stream.buffer)).toBe(false);
  });

  it('reports the parameter sets it keeps and forgets them at reset()', () => {
    const s = new AccessUnitSplitter({ codec: 'h264' });
    s.push(stream);
    expect(s.sps?.codecString).toBe('avc1.42C00A');
    // The IDR picture has left; the P pictures wait for what follows them.
    expect(s.accessUnitCount).toBe(1);
    const sets = s.parameterSets;
    expect([sets.vps, sets.sps.map(hex), sets.pps.map(hex)]).toEqual([[], [SPS], [PPS]]);
    s.reset();
    expect([s.sps, s.accessUnitCount, s.parameterSets]).toEqual([
      undefined,
      0,
      { vps: [], sps: [], pps: [] },
    ]);
  });
});

describe.skipIf(!HAS_X264_AND_X265)('AccessUnitSplitter on encoder output', () => {
  const X264 = x264('-g', '10', '-bf', '0');
  const streams = new Map<string, Uint8Array>();
  const stream = (name: string): Uint8Array => {
    const bytes = streams.get(name);
    if (!bytes) throw new Error(`stream ${name} was not encoded`);
    return bytes;
  };

  beforeAll(() => {
    streams.set(
      'rerun-reference',
      encodeTestStream('110x82', 44, ['-c:v', 'libx264', '-g', '10', '-bf', '0']),
    );
    streams.set('slices4', encodeTestStream('176x144', 20, [...X264, '-x264-params', 'slices=4']));
    streams.set('aud', encodeTestStream('176x144', 20, [...X264, '-x264-params', 'aud=1']));
    streams.set('high-bf', encodeTestStream('176x144', 30, x264('-profile:v', 'high', '-g', '250')));
    streams.set('x265-main', encodeTestStream('176x144', 20, x265('keyint=10')));
    streams.set(
      'x265-closed-gop',
      encodeTestStream('176x144', 30, x265('keyint=10:min-keyint=10:scenecut=0:open-gop=0')),
    );
    streams.set(
      'x265-open-gop',
      encodeTestStream('176x144', 30, x265('keyint=10:min-keyint=10:scenecut=0:open-gop=1')),
    );
  }, 60_000);

  it('slices=4 keeps the four slices of a picture in one sample', () => {
    for (const au of splitAll(stream('slices4'), 'h264')) {
      expect(au.nalTypes.filter((t) => t === 1 || t === 5)).toHaveLength(4);
      expect(au.sliceTypes).toHaveLength(4);
    }
  });

  it('aud=1 starts every sample with an access unit delimiter', () => {
    for (const au of splitAll(stream('aud'), 'h264')) expect(au.nalTypes[0]).toBe(9);
  });

  it('B-frame error says why and how to re-encode', () => {
    const strict = new AccessUnitSplitter({ codec: 'h264' });
    try {
      strict.push(stream('high-bf'));
      strict.end();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BitstreamError);
      expect((error as BitstreamError).code).toBe('bitstream-b-frames');
      expect((error as BitstreamError).message).toMatch(/Rerun 0\.33.*B-frames/);
      expect((error as BitstreamError).message).toContain('-bf 0');
    }
  });

  it("openGop: 'error' refuses the first CRA picture", () => {
    const strict = new AccessUnitSplitter({ codec: 'h265', bFrames: 'allow', openGop: 'error' });
    expect(() => {
      strict.push(stream('x265-open-gop'));
      strict.end();
    }).toThrow(expect.objectContaining({ code: 'bitstream-open-gop' }));
    const closed = splitAll(stream('x265-closed-gop'), 'h265', undefined, { openGop: 'error' });
    expect(
      closed.filter((au) => au.randomAccess !== undefined).every((au) => au.randomAccess === 'idr'),
    ).toBe(true);
  });

  it('the same samples come out for 1-byte, 7-byte, 4 KB and whole-buffer pieces, and with endAccessUnit()', () => {
    for (const name of ['rerun-reference', 'slices4', 'aud', 'x265-main']) {
      const bytes = stream(name);
      const codec = name.startsWith('x265') ? 'h265' : 'h264';
      const whole = splitAll(bytes, codec).map((au) => hex(au.data));
      for (const piece of [1, 7, 4096]) {
        expect(splitAll(bytes, codec, piece).map((au) => hex(au.data))).toEqual(whole);
      }
      // Live: the producer marks each frame's end; samples leave at once and are the same, also when
      // only the first slice of each frame is read. Frames arrive in one or two pieces.
      const reference = splitAll(bytes, codec);
      const starts = findSampleOffsets(
        bytes,
        reference.map((au) => au.data.length),
      );
      for (const firstSliceOnly of [false, true]) {
        const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', firstSliceOnly });
        const live: AccessUnit[] = [];
        let at = 0;
        for (let k = 0; k < starts.length; k++) {
          const from = starts[k] ?? 0;
          const to = starts[k + 1] ?? bytes.length;
          const mid = k % 2 === 0 ? to : from + Math.floor((to - from) / 3);
          expect(splitter.push(bytes.subarray(from, mid))).toHaveLength(0);
          expect(splitter.push(bytes.subarray(mid, to))).toHaveLength(0);
          const out = splitter.endAccessUnit();
          expect(out).toHaveLength(1);
          live.push(...out);
          at = to;
        }
        expect(at).toBe(bytes.length);
        expect(splitter.end()).toHaveLength(0);
        expect(live.map((au) => hex(au.data))).toEqual(whole);
        expect(live.map((au) => [au.isKeyframe, au.pictType, au.poc, au.codecString])).toEqual(
          reference.map((au) => [au.isKeyframe, au.pictType, au.poc, au.codecString]),
        );
      }
    }
  });

  it('parameter-set insertion makes every IDR sample self-contained', () => {
    const stripped = withoutRepeatedParameterSets(stream('rerun-reference'), 'h264');
    const plain = splitAll(stripped, 'h264');
    expect(plain.filter((au) => au.isKeyframe).map((au) => au.index)).toEqual([0]);
    const splitter = new AccessUnitSplitter({ codec: 'h264', insertParameterSets: true });
    const fixed = [...splitter.push(stripped), ...splitter.end()];
    expect(fixed.filter((au) => au.isKeyframe).map((au) => au.index)).toEqual([0, 10, 20, 30, 40]);
    for (const au of fixed.filter((a) => a.isKeyframe)) {
      expect(au.nalTypes.slice(0, 2)).toEqual([7, 8]);
      expect(summarizeBitstream(au.data).keyframeIndices).toEqual([0]);
    }
  });

  it('parameter-set insertion works for H.265 too (VPS, SPS, PPS before each IDR)', () => {
    const bytes = stream('x265-closed-gop');
    const stripped = withoutRepeatedParameterSets(bytes, 'h265');
    const idrs = splitAll(bytes, 'h265')
      .filter((au) => au.randomAccess === 'idr')
      .map((au) => au.index);
    expect(idrs.length).toBeGreaterThan(1);
    expect(splitAll(stripped, 'h265').filter((au) => au.isKeyframe)).toHaveLength(1);
    const splitter = new AccessUnitSplitter({ codec: 'h265', bFrames: 'allow', insertParameterSets: true });
    const fixed = [...splitter.push(stripped), ...splitter.end()];
    expect(fixed.filter((au) => au.isKeyframe).map((au) => au.index)).toEqual(idrs);
    for (const au of fixed.filter((a) => a.parameterSetsInserted))
      expect(au.nalTypes.slice(0, 3)).toEqual([32, 33, 34]);
  });

  it("copy: 'always' gives every sample its own buffer; the default views pieces where it can", () => {
    const bytes = stream('rerun-reference');
    const views = splitAll(bytes, 'h264');
    expect(views.every((au) => au.data.buffer === bytes.buffer)).toBe(true);
    const owned = new AccessUnitSplitter({ codec: 'h264', copy: 'always' });
    const copies = [...owned.push(bytes), ...owned.end()];
    expect(new Set(copies.map((au) => au.data.buffer)).size).toBe(copies.length);
    expect(copies.map((au) => hex(au.data))).toEqual(views.map((au) => hex(au.data)));
    // Small pieces: a sample inside one piece is a view of it; one spanning pieces is a copy.
    const pieces = splitAll(bytes, 'h264', 1000);
    let copied = 0;
    for (const au of pieces) {
      if (au.data.buffer !== bytes.buffer) {
        copied++;
        continue;
      }
      const from = au.data.byteOffset - bytes.byteOffset;
      expect(Math.floor(from / 1000)).toBe(Math.floor((from + au.data.length - 1) / 1000));
    }
    expect(copied).toBeGreaterThan(0);
  });
});

// ---- properties: split-point independence, and robustness on random and mutated input ----------------------

interface Outcome {
  readonly samples: string[];
  readonly keyframes: number[];
  readonly error: string | undefined;
}

/** Runs the splitter over `bytes` cut at `cuts`; any error other than BitstreamError fails the test. */
function outcome(
  bytes: Uint8Array,
  codec: VideoCodecName,
  cuts: readonly number[],
  options: { bFrames?: 'allow' | 'error'; insertParameterSets?: boolean } = {},
): Outcome {
  const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', ...options });
  const samples: string[] = [];
  const keyframes: number[] = [];
  const take = (aus: readonly AccessUnit[]): void => {
    for (const au of aus) {
      samples.push(hex(au.data));
      if (au.isKeyframe) keyframes.push(au.index);
    }
  };
  const sorted = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  let at = 0;
  try {
    for (const cut of [...sorted, bytes.length]) {
      take(splitter.push(bytes.subarray(at, cut)));
      at = cut;
    }
    take(splitter.end());
    return { samples, keyframes, error: undefined };
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
    return { samples: [], keyframes: [], error: error.code };
  }
}

const typedOnly = (fn: () => unknown): void => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
  }
};

describe.skipIf(!HAS_X264_AND_X265)('AccessUnitSplitter properties on encoder output', () => {
  const streams: { name: string; codec: VideoCodecName; bytes: Uint8Array }[] = [];

  beforeAll(() => {
    const x264Args = x264();
    streams.push({
      name: 'h264',
      codec: 'h264',
      bytes: encodeTestStream('96x64', 12, [...x264Args, '-g', '5', '-bf', '0']),
    });
    streams.push({
      name: 'h264-slices-aud-bf',
      codec: 'h264',
      bytes: encodeTestStream('96x64', 12, [...x264Args, '-g', '6', '-x264-params', 'slices=3:aud=1']),
    });
    streams.push({ name: 'h265', codec: 'h265', bytes: encodeTestStream('96x64', 12, x265('keyint=5')) });
  }, 60_000);

  it('arbitrary split points give identical samples', () => {
    for (const { bytes, codec } of streams) {
      const whole = outcome(bytes, codec, []);
      expect(whole.error).toBeUndefined();
      expect(whole.samples.length).toBe(12);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (cuts) => {
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('split points near start codes (every offset around the first NAL units) give identical samples', () => {
    for (const { bytes, codec } of streams) {
      const whole = outcome(bytes, codec, []);
      const nals = splitAnnexB(bytes).slice(0, 8);
      for (const n of nals) {
        for (let d = -4; d <= 4; d++) expect(outcome(bytes, codec, [n.offset + d])).toEqual(whole);
      }
    }
  });

  it('mutated input throws nothing but BitstreamError, and split points still do not matter', () => {
    for (const { bytes, codec } of streams) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 30,
          }),
          fc.array(fc.nat({ max: bytes.length }), { maxLength: 10 }),
          fc.boolean(),
          (mutations, cuts, insert) => {
            const mutated = bytes.slice();
            for (const [at, value] of mutations) mutated[at] = value;
            const whole = outcome(mutated, codec, [], { insertParameterSets: insert });
            expect(outcome(mutated, codec, cuts, { insertParameterSets: insert })).toEqual(whole);
            typedOnly(() => outcome(mutated, codec, cuts, { bFrames: 'error' }));
          },
        ),
        { numRuns: 150 },
      );
    }
  });

  it('truncated and spliced input throws nothing but BitstreamError', () => {
    for (const { bytes, codec } of streams) {
      fc.assert(
        fc.property(
          fc.nat({ max: bytes.length }),
          fc.nat({ max: bytes.length }),
          fc.nat({ max: bytes.length }),
          (a, b, c) => {
            const spliced = new Uint8Array([
              ...bytes.subarray(0, a),
              ...bytes.subarray(Math.min(b, c), Math.max(b, c)),
            ]);
            outcome(spliced, codec, [c % (spliced.length + 1)]);
          },
        ),
        { numRuns: 100 },
      );
    }
  });
});

describe('AccessUnitSplitter properties on random input', () => {
  it('random bytes (with and without a leading start code) throw nothing but BitstreamError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.boolean(),
        fc.constantFrom<VideoCodecName>('h264', 'h265'),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 8 }),
        (random, withStart, codec, cuts) => {
          const bytes = withStart ? new Uint8Array([0, 0, 0, 1, ...random]) : random;
          const whole = outcome(bytes, codec, []);
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random NAL soup (start codes between random payloads) throws nothing but BitstreamError', () => {
    const nalArb = fc.tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ minLength: 0, maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.array(nalArb, { maxLength: 30 }),
        fc.constantFrom<VideoCodecName>('h264', 'h265'),
        fc.array(fc.nat({ max: 1500 }), { maxLength: 8 }),
        (nals, codec, cuts) => {
          const parts: number[] = [];
          for (const [zeros, payload] of nals)
            parts.push(...new Array<number>(zeros + 2).fill(0), 1, ...payload);
          const bytes = Uint8Array.from(parts);
          const whole = outcome(bytes, codec, []);
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
          expect(outcome(bytes, codec, cuts, { insertParameterSets: true }).error).toBe(
            outcome(bytes, codec, [], { insertParameterSets: true }).error,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
