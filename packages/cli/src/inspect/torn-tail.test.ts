import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd, IMMEDIATE, RecordingStream, VideoCodec, VideoStream } from '@camstream/core';
import { FileSink } from '@camstream/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { formatReport } from './format-text.js';
import { inspect } from './inspect.js';
import type { RrdReport } from './report.js';

// A recording cut anywhere after its first messages (what a crash leaves) is reported as truncated at the
// start of the torn message; damage before the end is reported as damage, whatever it looks like to the decoder.
const dir = mkdtempSync(join(tmpdir(), 'camstream-torn-'));
let whole: Uint8Array;
/** Where each message starts. */
let boundaries: number[];
let run = 0;

beforeAll(async () => {
  const path = join(dir, 'whole.rrd');
  const rec = new RecordingStream({ applicationId: 'unit', recordingId: 'torn', sinks: [], logTime: false });
  rec.addSink(new FileSink(path), { batching: IMMEDIATE });
  rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  for (let i = 0; i < 6; i++) {
    rec.setTime('time', { duration: BigInt(i) * 40_000_000n });
    rec.log('v', VideoStream.fromFields({ sample: new Uint8Array(300 + i).fill(i) }));
  }
  await rec.close();
  whole = new Uint8Array(readFileSync(path));
  const { messages, errors } = decodeRrd(whole);
  expect(errors).toEqual([]);
  // FileSink writes no End message or footer (decision 0005): the file ends after its last message.
  boundaries = messages.map((m) => m.offset);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inspectBytes(bytes: Uint8Array, name = `case-${run++}`): Promise<RrdReport> {
  const path = join(dir, `${name}.rrd`);
  writeFileSync(path, bytes);
  const report = await inspect(path);
  if (report.kind !== 'rrd') throw new Error('not a recording report');
  return report;
}

/** `whole` with the u64 length of the message at `offset` set to `length`. */
function withLength(offset: number, length: bigint): Uint8Array {
  const bytes = whole.slice();
  new DataView(bytes.buffer).setBigUint64(offset + 8, length, true);
  return bytes;
}

describe('inspect of a recording cut short', () => {
  it('is whole, at the message boundaries a crash can leave', async () => {
    for (const cut of [...boundaries.slice(2), whole.byteLength]) {
      const report = await inspectBytes(whole.subarray(0, cut));
      expect(report, `cut at ${cut}`).toMatchObject({ truncated: null, damaged: false, decodeErrors: [] });
    }
  });

  it('is truncated at the torn message wherever the cut falls inside one, and not damaged', async () => {
    // Every byte of each message's header and first fields (where the framing is read) and of its end; every
    // 31st byte of the Arrow payload in between. After the store info and the static codec.
    const ends = [...boundaries.slice(1), whole.byteLength];
    const cuts = boundaries.slice(2).flatMap((start, i) => {
      const end = ends[i + 2]!;
      return Array.from({ length: end - start - 1 }, (_, k) => start + 1 + k).filter(
        (cut) => cut - start <= 24 || end - cut <= 8 || (cut - start) % 31 === 0,
      );
    });
    expect(cuts.length).toBeGreaterThan(200);
    for (const cut of cuts) {
      const report = await inspectBytes(whole.subarray(0, cut), 'sweep');
      const start = boundaries.findLast((b) => b < cut)!;
      expect(report.truncated, `cut at ${cut}`).toEqual({ offset: start, bytes: cut - start });
      expect(report.damaged, `cut at ${cut}`).toBe(false);
      expect(report.decodeErrors).toHaveLength(1);
    }
    const report = await inspectBytes(whole.subarray(0, boundaries[4]! + 100));
    expect(report.videoStreams[0]?.samples).toBe(2); // the whole rows before the torn one
    expect(formatReport(report)).toContain(
      `  truncated: the last 100 bytes (from byte ${boundaries[4]}) are a message cut short; everything before it was read\n`,
    );
    expect(formatReport(report)).not.toContain('decode error');
  }, 60_000);

  it('is damaged when a message before the end does not decode', async () => {
    const bytes = whole.slice();
    // The middle of the third sample's message: its Arrow payload.
    const at = boundaries[4]!;
    bytes.fill(0xee, at + 40, at + 200);
    const report = await inspectBytes(bytes);
    expect(report.damaged).toBe(true);
    expect(report.truncated).toBeNull();
    expect(report.decodeErrors.length).toBeGreaterThan(0);
    expect(report.videoStreams[0]?.samples).toBe(5); // the others are still read
    // Damage and a torn tail: both reported.
    const both = await inspectBytes(bytes.subarray(0, whole.byteLength - 50));
    expect(both.damaged).toBe(true);
    expect(both.truncated).not.toBeNull();
  });

  it('is damaged, not truncated, when a length field mid-file claims more than the file holds', async () => {
    // To the decoder this looks like a cut (it waits for bytes that never come); the bytes after the header are
    // several whole messages, not one.
    const at = boundaries[3]!;
    const report = await inspectBytes(withLength(at, BigInt(whole.byteLength)));
    expect(report.truncated).toBeNull();
    expect(report.damaged).toBe(true);
    expect(report.decodeErrors).toEqual([
      expect.stringMatching(
        new RegExp(
          `stream ends inside a payload .*: the message at byte ${at} claims ${whole.byteLength} bytes, but what follows its header is not one message`,
        ),
      ),
    ]);
    // A length that is too short, or runs into the next message, breaks the framing: damage too.
    for (const length of [10n, 400n, 2n ** 40n]) {
      const damaged = await inspectBytes(withLength(at, length));
      expect(damaged.damaged, String(length)).toBe(true);
      expect(damaged.truncated, String(length)).toBeNull();
    }
  });

  it('is damaged when bytes that are no message follow the end', async () => {
    const garbage = Uint8Array.from({ length: 10 }, (_, i) => 0x90 + i);
    const report = await inspectBytes(Uint8Array.from([...whole, ...garbage]));
    expect(report.damaged).toBe(true);
    const shortGarbage = await inspectBytes(
      Uint8Array.from([...whole.subarray(0, boundaries.at(-1)!), 9, 9, 9]),
    );
    expect(shortGarbage.damaged).toBe(true); // not the start of a message header (kind 9)
  });

  it('with nothing readable but a torn first message, refuses the file', async () => {
    const error = await inspectBytes(whole.subarray(0, boundaries[0]! + 20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/holds no readable Rerun messages/);
  });
});
