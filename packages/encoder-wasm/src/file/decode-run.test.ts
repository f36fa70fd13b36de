import { closeSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArgs } from './decode-args.js';
import { resolveDecodeOptions } from './decode-options.js';
import { DECODE_INPUT_DIR, DECODE_OUTPUT, type DecodeWorkerMessage } from './decode-protocol.js';
import { DecodeRun } from './decode-run.js';
import { makeTestsrc, tempDir } from './test-media.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp?.remove());

describe('DecodeRun back-pressure', () => {
  it('the worker stops after maxFramesAhead untaken frames, and decodes exactly one more per frame taken', async () => {
    const path = makeTestsrc(join(tmp.dir, 'v.mkv'), {
      size: '160x120',
      rate: 30,
      frames: 24,
      codecArgs: ['-c:v', 'libx264'],
    });
    const fd = openSync(path, 'r');
    const run = await DecodeRun.start({
      args: decodeArgs(resolveDecodeOptions(path, {}), `${DECODE_INPUT_DIR}/input.mkv`, DECODE_OUTPUT),
      fd,
      fileSize: statSync(path).size,
      inputName: 'input.mkv',
      scale: undefined,
      constantRate: undefined,
      maxFramesAhead: 2,
      rawFrames: undefined,
    });
    try {
      // The worker posts in order; 'blocked' is its last word before it sleeps, so what came before it is all
      // it decoded ahead of this (deliberately idle) consumer.
      const seen: string[] = [];
      let taken = 0;
      for await (const message of run.messages() as AsyncIterable<DecodeWorkerMessage>) {
        seen.push(message.type === 'blocked' ? `blocked ${message.ahead}` : message.type);
        if (message.type === 'blocked' && taken < 2) {
          taken++;
          run.frameTaken();
        } else if (message.type === 'blocked') break;
      }
      expect(seen).toEqual([
        'info',
        'frame',
        'frame',
        'blocked 2',
        'frame',
        'blocked 2',
        'frame',
        'blocked 2',
      ]);
    } finally {
      await run.stop();
      closeSync(fd);
    }
  }, 60_000);
});
