import { describe, expect, it } from 'vitest';
import { applicationIdProblem, MAX_APPLICATION_ID_BYTES } from './application-id.js';

describe('applicationIdProblem', () => {
  it('accepts the ids Rerun keeps as they are, with every allowed punctuation character', () => {
    for (const id of ['camstream', 'camstream_web', 'app_01-v2 [test]:main', 'A', '0', '_', ' ', '[]:-']) {
      expect(applicationIdProblem(id), id).toBeUndefined();
    }
  });

  it('refuses an empty id', () => {
    expect(applicationIdProblem('')).toBe('"" is empty');
  });

  it('refuses a dot, naming the character and the rule', () => {
    expect(applicationIdProblem('camstream.capture')).toBe(
      '"camstream.capture" contains "." (U+002E); allowed are ASCII letters, digits, "_", "-", space, "[", "]" and ":" (no dots)',
    );
  });

  it('names the first character outside the allowed set', () => {
    for (const [id, shown] of [
      ['robot/arm', '"/" (U+002F)'],
      ['a#b.c', '"#" (U+0023)'],
      ['tab\there', 'U+0009'],
      ['new\nline', 'U+000A'],
      ['no\u00a0break', 'U+00A0'],
    ]) {
      expect(applicationIdProblem(id as string), id).toContain(`contains ${shown};`);
    }
  });

  it('allows 180 bytes and refuses 181', () => {
    expect(applicationIdProblem('a'.repeat(MAX_APPLICATION_ID_BYTES))).toBeUndefined();
    expect(MAX_APPLICATION_ID_BYTES).toBe(180);
    const problem = applicationIdProblem('a'.repeat(181));
    expect(problem).toMatch(/ is 181 bytes long; at most 180 bytes are allowed$/);
    // The id is shortened in the message.
    expect(problem).toMatch(/^"a{39}…" is/);
  });

  it('refuses multi-byte UTF-8 characters, even when the id fits in 180 bytes', () => {
    expect(applicationIdProblem('café')).toContain('contains "é" (U+00E9);');
    expect(applicationIdProblem('カメラ')).toContain('contains "カ" (U+30AB);');
    expect(applicationIdProblem('cam📷')).toContain('contains "📷" (U+1F4F7);');
    // 90 two-byte characters are 180 bytes: still refused, for the character.
    expect(applicationIdProblem('é'.repeat(90))).toContain('contains "é" (U+00E9);');
  });
});
