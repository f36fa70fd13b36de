import { normalizeEntityPath } from '@camstream/core';
import { errorMessage } from '@camstream/core/media';
import { WebError } from '../errors.js';

/**
 * The entity paths the cameras of one recording log their video on: each camera its own, none the parent of
 * another's (the parent's view would take in the child's video, and `stats/<entity>/…` would overlap), the
 * rule of decision 0019.
 */
export class EntityClaims {
  /** Normalised path (`/cameras/front`) → the path as its camera gave it. */
  readonly #claimed = new Map<string, string>();

  /** The paths claimed, as given. */
  get paths(): string[] {
    return [...this.#claimed.values()];
  }

  /**
   * Claims `entityPath` and returns its normalised form. Throws `invalid-argument` for a path Rerun cannot
   * take, one already claimed, or one that is the parent or a child of a claimed one, naming both.
   */
  claim(entityPath: string): string {
    let normalized: string;
    try {
      normalized = normalizeEntityPath(entityPath);
    } catch (error) {
      throw new WebError('invalid-argument', `entityPath: ${errorMessage(error)}`, { cause: error });
    }
    if (normalized === '/') {
      throw new WebError(
        'invalid-argument',
        'entityPath "/" is the root, the parent of every other camera; give each camera a path such as "cameras/front"',
      );
    }
    for (const [other, given] of this.#claimed) {
      const what =
        other === normalized
          ? 'is already the entity of another camera'
          : normalized.startsWith(`${other}/`)
            ? `lies under ${JSON.stringify(given)}, another camera's entity`
            : other.startsWith(`${normalized}/`)
              ? `is the parent of ${JSON.stringify(given)}, another camera's entity`
              : undefined;
      if (what !== undefined) {
        throw new WebError(
          'invalid-argument',
          `entityPath ${JSON.stringify(entityPath)} ${what} in this recording; give each camera its own path, none under another (e.g. "cameras/front", "cameras/rear")`,
        );
      }
    }
    this.#claimed.set(normalized, entityPath);
    return normalized;
  }

  /** Gives a claimed path back (by its normalised form). */
  release(normalized: string): void {
    this.#claimed.delete(normalized);
  }
}
