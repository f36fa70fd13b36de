import { describe, expect, it } from 'vitest';
import { BitstreamError } from './bitstream/bitstream-error.js';
import { CamstreamError, errorMessage, isCamstreamError, RrdDecodeError } from './errors.js';

class OtherPackageError extends CamstreamError<'usage' | 'runtime'> {}

describe('the error family', () => {
  it('recognises every camstream error, whatever package and subclass threw it', () => {
    for (const error of [
      new CamstreamError('sink-closed', 'closed'),
      new BitstreamError('bitstream-truncated', 'cut'),
      new RrdDecodeError('rrd-truncated', 'cut', 12),
      new OtherPackageError('usage', 'bad flag'),
    ]) {
      expect(isCamstreamError(error)).toBe(true);
      expect(error).toBeInstanceOf(CamstreamError);
    }
    expect(isCamstreamError(new OtherPackageError('usage', 'x'), 'usage')).toBe(true);
    expect(isCamstreamError(new OtherPackageError('usage', 'x'), 'runtime')).toBe(false);
  });

  it('does not take other errors, or look-alikes with a code, for its own', () => {
    const lookAlike = Object.assign(new Error('EPIPE'), { code: 'usage' });
    for (const value of [
      new Error('x'),
      lookAlike,
      { code: 'usage', message: 'x' },
      'usage',
      undefined,
      null,
    ]) {
      expect(isCamstreamError(value)).toBe(false);
    }
  });

  it('recognises a camstream error from another copy of the package by its brand', () => {
    // A second copy of core (another installed version, a bundle) has its own class: only the brand is shared.
    const foreign = new Error('from another copy');
    Object.defineProperty(foreign, Symbol.for('@camstream/error'), { value: true });
    Object.assign(foreign, { code: 'sink-closed' });
    expect(isCamstreamError(foreign, 'sink-closed')).toBe(true);
  });

  it('gives the message of whatever was thrown', () => {
    expect(errorMessage(new CamstreamError('sink-closed', 'the sink is closed'))).toBe('the sink is closed');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(42)).toBe('42');
  });
});
