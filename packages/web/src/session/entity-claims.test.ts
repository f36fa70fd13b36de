import { describe, expect, it } from 'vitest';
import { WebError } from '../errors.js';
import { EntityClaims } from './entity-claims.js';

describe('EntityClaims', () => {
  it('gives each camera its own path and takes a released one back', () => {
    const claims = new EntityClaims();
    expect(claims.claim('cameras/front')).toBe('/cameras/front');
    expect(claims.claim('/cameras/rear')).toBe('/cameras/rear');
    expect(claims.claim('cameras/front_left')).toBe('/cameras/front_left');
    expect(claims.paths).toEqual(['cameras/front', '/cameras/rear', 'cameras/front_left']);
    claims.release('/cameras/front');
    expect(claims.claim('cameras/front')).toBe('/cameras/front');
  });

  it('refuses a path taken, a parent or a child of one taken, the root and a malformed path, naming both', () => {
    const claims = new EntityClaims();
    claims.claim('cameras/front');
    const refusal = (path: string): unknown => {
      try {
        claims.claim(path);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal('/cameras/front')).toBeInstanceOf(WebError);
    expect(refusal('/cameras/front')).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/"\/cameras\/front" is already the entity of another camera/),
    });
    expect(refusal('cameras')).toMatchObject({
      message: expect.stringMatching(/"cameras" is the parent of "cameras\/front"/),
    });
    expect(refusal('cameras/front/left')).toMatchObject({
      message: expect.stringMatching(/"cameras\/front\/left" lies under "cameras\/front"/),
    });
    expect(refusal('/')).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/root/) });
    expect(refusal('cameras//x')).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/^entityPath: invalid entity path/),
    });
    expect(claims.paths).toEqual(['cameras/front']);
  });
});
