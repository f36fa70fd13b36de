import { RecordingError } from '../errors.js';

/**
 * Normalises an entity path to Rerun's display form with a leading slash (`video_stream` → `/video_stream`).
 *
 * Parts are separated by `/`; empty parts, `.`/`..`, whitespace and control characters are refused, since
 * Rerun would escape or reject them and the user almost certainly made a typo.
 */
export function normalizeEntityPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new RecordingError(
      'invalid-entity-path',
      'entity path is empty; expected e.g. "video_stream" or "camera/front"',
    );
  }
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed.length === 0) return '/';
  const parts = trimmed.split('/');
  for (const part of parts) {
    if (part.length === 0 || part === '.' || part === '..' || /[\s\u0000-\u001f\u007f"\\]/.test(part)) {
      throw new RecordingError(
        'invalid-entity-path',
        `invalid entity path ${JSON.stringify(path)}: part ${JSON.stringify(part)} is empty, "."/"..", or holds whitespace, quotes or control characters`,
      );
    }
  }
  return `/${parts.join('/')}`;
}
