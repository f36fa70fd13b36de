import { concatBytes } from '@camstream/test-helpers/bytes';
import type { Rng } from './rng.js';

/** A little-endian or big-endian unsigned integer field of 1, 2, 4 or 8 bytes at `offset`. */
export interface LengthField {
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

/** What a target tells the mutator about its format. */
export interface MutationHints {
  /** Byte strings worth inserting or overwriting with (magic numbers, start codes, separators). */
  readonly tokens: readonly Uint8Array[];
  /** Prefixes that make purely random input get past the first check (e.g. `RRF2`). */
  readonly magic: readonly Uint8Array[];
  /** The format's own length and count fields in `bytes`, for length-field tweaks that hit real fields. */
  readonly fields?: (bytes: Uint8Array) => LengthField[];
  /** Largest input to produce. */
  readonly maxBytes: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x0a, 0x20, 0x7f, 0x80, 0xfe, 0xff];

/** Values a length field is set to: edges, sign boundaries, sizes of the input. */
function interestingValue(rng: Rng, width: number, current: bigint, inputLength: number): bigint {
  const max = (1n << BigInt(8 * width)) - 1n;
  const choices: bigint[] = [
    0n,
    1n,
    max,
    max >> 1n,
    (max >> 1n) + 1n,
    BigInt(inputLength),
    BigInt(inputLength) + 1n,
    current * 2n,
    current / 2n,
    current + BigInt(rng.range(1, 16)),
    current - BigInt(rng.range(1, 16)),
    current + 1n,
    current - 1n,
    0x7fffffffn,
    0x80000000n,
    0xffffffffn,
    0x1_0000_0000n,
    1n << 53n,
  ];
  const v = rng.pick(choices);
  return ((v % (max + 1n)) + (max + 1n)) % (max + 1n);
}

function readField(bytes: Uint8Array, f: LengthField): bigint {
  let v = 0n;
  for (let k = 0; k < f.width; k++) {
    const b = bytes[f.offset + (f.littleEndian ? f.width - 1 - k : k)] ?? 0;
    v = (v << 8n) | BigInt(b);
  }
  return v;
}

function writeField(bytes: Uint8Array, f: LengthField, value: bigint): void {
  let v = value;
  for (let k = 0; k < f.width; k++) {
    const at = f.offset + (f.littleEndian ? k : f.width - 1 - k);
    if (at < bytes.length) bytes[at] = Number(v & 0xffn);
    v >>= 8n;
  }
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const NUMBER_TEXTS = [
  '0',
  '1',
  '2',
  '-1',
  '65535',
  '65536',
  '2147483648',
  '4294967297',
  '99999999999999999999',
  '',
  'x',
];

/** Mutations of one input; each returns a new array (the seed corpus is never modified). */
type Mutation = (bytes: Uint8Array, rng: Rng, hints: MutationHints, other: () => Uint8Array) => Uint8Array;

const mutations: { readonly name: string; readonly weight: number; readonly run: Mutation }[] = [
  {
    name: 'bit-flip',
    weight: 6,
    run: (b, rng) => {
      if (b.length === 0) return b;
      const out = b.slice();
      const flips = rng.small(8);
      for (let i = 0; i < flips; i++) {
        const at = rng.int(out.length);
        out[at] = (out[at] as number) ^ (1 << rng.int(8));
      }
      return out;
    },
  },
  {
    name: 'set-bytes',
    weight: 4,
    run: (b, rng) => {
      if (b.length === 0) return b;
      const out = b.slice();
      const n = rng.small(8);
      for (let i = 0; i < n; i++) {
        out[rng.int(out.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.u32() & 0xff;
      }
      return out;
    },
  },
  {
    name: 'insert-bytes',
    weight: 3,
    run: (b, rng, hints) => {
      const at = rng.int(b.length + 1);
      const insert =
        rng.chance(0.5) && hints.tokens.length > 0
          ? rng.pick(hints.tokens)
          : rng.chance(0.3)
            ? new Uint8Array(rng.small(64)) // a run of zeros
            : rng.bytes(rng.small(64));
      return concatBytes([b.subarray(0, at), insert, b.subarray(at)]);
    },
  },
  {
    name: 'overwrite-token',
    weight: 2,
    run: (b, rng, hints) => {
      if (b.length === 0 || hints.tokens.length === 0) return b;
      const token = rng.pick(hints.tokens);
      const out = b.slice();
      out.set(
        token.subarray(0, Math.max(0, out.length - 1)),
        rng.int(Math.max(1, out.length - token.length)),
      );
      return out;
    },
  },
  {
    name: 'delete-bytes',
    weight: 3,
    run: (b, rng) => {
      if (b.length === 0) return b;
      const n = rng.small(Math.max(1, b.length >> 2));
      const at = rng.int(b.length);
      return concatBytes([b.subarray(0, at), b.subarray(at + n)]);
    },
  },
  {
    name: 'duplicate-chunk',
    weight: 3,
    run: (b, rng) => {
      if (b.length === 0) return b;
      const from = rng.int(b.length);
      const n = rng.small(Math.max(1, b.length - from));
      const chunk = b.subarray(from, from + n);
      const times = rng.chance(0.8) ? 1 : rng.small(16);
      const at = rng.int(b.length + 1);
      return concatBytes([b.subarray(0, at), ...Array.from({ length: times }, () => chunk), b.subarray(at)]);
    },
  },
  {
    name: 'truncate',
    weight: 3,
    run: (b, rng) => {
      if (b.length === 0) return b;
      // Mostly keep a prefix (a file cut short); sometimes drop one (a stream joined late).
      return rng.chance(0.8) ? b.subarray(0, rng.int(b.length)) : b.subarray(rng.int(b.length));
    },
  },
  {
    name: 'length-field',
    weight: 5,
    run: (b, rng, hints) => {
      if (b.length === 0) return b;
      const known = hints.fields?.(b) ?? [];
      const field: LengthField =
        known.length > 0 && rng.chance(0.7)
          ? rng.pick(known)
          : {
              offset: rng.int(b.length),
              width: rng.pick([1, 2, 4, 8] as const),
              littleEndian: rng.chance(0.5),
            };
      const out = b.slice();
      writeField(out, field, interestingValue(rng, field.width, readField(out, field), b.length));
      return out;
    },
  },
  {
    name: 'splice',
    weight: 3,
    run: (b, rng, _hints, other) => {
      const o = other();
      return concatBytes([b.subarray(0, rng.int(b.length + 1)), o.subarray(rng.int(o.length + 1))]);
    },
  },
  {
    name: 'swap-chunks',
    weight: 1,
    run: (b, rng) => {
      if (b.length < 4) return b;
      const n = rng.small(b.length >> 1);
      const x = rng.int(b.length - n);
      const y = rng.int(b.length - n);
      const out = b.slice();
      out.set(b.subarray(x, x + n), y);
      out.set(b.subarray(y, y + n), x);
      return out;
    },
  },
  {
    name: 'number-text',
    weight: 1,
    run: (b, rng) => {
      // Text headers (Y4M): replace a run of ASCII digits in the first 256 bytes with an edge value.
      const runs: [number, number][] = [];
      for (let i = 0; i < Math.min(b.length, 256); i++) {
        if ((b[i] as number) >= DIGIT_0 && (b[i] as number) <= DIGIT_9) {
          let j = i;
          while (j < b.length && (b[j] as number) >= DIGIT_0 && (b[j] as number) <= DIGIT_9) j++;
          runs.push([i, j]);
          i = j;
        }
      }
      if (runs.length === 0) return b;
      const [from, to] = rng.pick(runs);
      const text = new TextEncoder().encode(rng.pick(NUMBER_TEXTS));
      return concatBytes([b.subarray(0, from), text, b.subarray(to)]);
    },
  },
];

const totalWeight = mutations.reduce((n, m) => n + m.weight, 0);

function pickMutation(rng: Rng): Mutation {
  let r = rng.int(totalWeight);
  for (const m of mutations) {
    if (r < m.weight) return m.run;
    r -= m.weight;
  }
  return (mutations[0] as (typeof mutations)[number]).run;
}

/**
 * Makes the next input: mostly a seed with one to a few stacked mutations; sometimes purely random bytes, or
 * random bytes behind one of the format's magic prefixes.
 */
export function nextInput(rng: Rng, seeds: readonly Uint8Array[], hints: MutationHints): Uint8Array {
  const r = rng.u32() / 0x1_0000_0000;
  let out: Uint8Array;
  if (r < 0.05 || seeds.length === 0) {
    out = rng.bytes(rng.small(4096) - 1);
  } else if (r < 0.1 && hints.magic.length > 0) {
    out = concatBytes([rng.pick(hints.magic), rng.bytes(rng.small(2048) - 1)]);
  } else {
    out = rng.pick(seeds);
    const other = () => rng.pick(seeds);
    const stack = rng.small(8);
    for (let i = 0; i < stack; i++) out = pickMutation(rng)(out, rng, hints, other);
  }
  return out.length > hints.maxBytes ? out.subarray(0, hints.maxBytes) : out;
}
