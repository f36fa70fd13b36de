import { MemorySink } from '@camstream/core';
import { describe, expect, it } from 'vitest';
import { WebError } from '../errors.js';
import { CaptureSession } from './capture-session.js';
import type { CaptureSessionEvent } from './session-events.js';

// The capture and encoding paths need a browser (e2e/web); the option checks and the life-cycle rules that
// run before anything is opened are tested here.
describe('CaptureSession (before anything is opened)', () => {
  it('rejects bad options with an invalid-argument WebError saying what was expected', async () => {
    await expect(CaptureSession.create({ sinks: [] })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/non-empty array of functions/),
    });
    await expect(
      CaptureSession.create({ sinks: [() => new MemorySink()], source: { kind: 'camera', width: 641 } }),
    ).rejects.toThrow(WebError);
  });

  it('is idle until started, and refuses every call after dispose() (which is idempotent)', async () => {
    const session = await CaptureSession.create({ sinks: [() => new MemorySink()] });
    const states: string[] = [];
    session.addEventListener('state', (e: CaptureSessionEvent<string>) => states.push(e.detail));
    expect(session.state).toBe('idle');
    expect(session.source).toBeUndefined();
    expect(session.encoder).toBeUndefined();
    // Switching while idle only changes what the next start() uses.
    await session.switchEncoder({ kind: 'webcodecs' });
    await session.stop();
    await session.dispose();
    await session.dispose();
    expect(states).toEqual(['disposed']);
    await expect(session.start()).rejects.toMatchObject({ code: 'invalid-state' });
  });
});
