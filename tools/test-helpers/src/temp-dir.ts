import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh folder in the OS temp dir, removed with what it holds after the test file's last test, so that runs
 * do not pile up recordings and clips in the temp dir. vitest takes `afterAll` hooks only while it collects a
 * file, so call this at a test file's top level or in a `describe` body; inside a test, use
 * {@link testTempDir}.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** As {@link tempDir}, from inside a running test: removed when that test ends. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
