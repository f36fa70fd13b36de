// Reads a video file with the remux container reader in a child process, so a test survives a demuxer that never
// returns (a synchronous loop cannot be timed out inside the test's own process).
// Run: node --conditions=@camstream/source --import tsx read-container.test-util.ts FILE
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { openContainer } from './container-reader.js';
import { type DemuxerLimits, setDemuxerLimits } from './demuxer.js';
import { probeInputFile } from './input-file.js';

/** What reading the whole file gave: frames, a CliError's code and message, or nothing in time. */
export type ReadOutcome = { frames: number } | { code: string; message: string } | 'hung';

/** Reads `path` to the end in a child process; `'hung'` if it has not finished after `timeoutMs`. */
export function readContainerInChild(
  path: string,
  limits: Partial<DemuxerLimits> = {},
  timeoutMs = 30_000,
): Promise<ReadOutcome> {
  const child = fork(import.meta.filename, [path, JSON.stringify(limits)], {
    cwd: join(import.meta.dirname, '..', '..', '..', '..'),
    execArgv: ['--conditions=@camstream/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hung');
    }, timeoutMs);
    child.on('message', (m: ReadOutcome) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.on('exit', () => clearTimeout(timer));
  });
}

if (process.argv[1] === import.meta.filename && process.send) {
  const send = process.send.bind(process);
  setDemuxerLimits(JSON.parse(process.argv[3] ?? '{}') as Partial<DemuxerLimits>);
  const file = await probeInputFile(process.argv[2] as string);
  let outcome: ReadOutcome;
  try {
    const reader = await openContainer(file);
    let frames = 0;
    for await (const _ of reader.samples) frames++;
    outcome = { frames };
  } catch (error) {
    outcome =
      error instanceof CliError
        ? { code: error.code, message: error.message }
        : { code: 'untyped', message: String(error) };
  }
  send(outcome, () => process.disconnect());
}
