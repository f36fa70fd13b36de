import { applicationIdProblem } from '@camstream/core/media';
import { WebError } from '../errors.js';

/**
 * The recording's application id (default `camstream_web`); throws `invalid-argument` for one that newer Rerun
 * viewers refuse (empty) or rename (core's model/application-id.ts).
 */
export function checkedApplicationId(value: unknown): string {
  const applicationId = value ?? 'camstream_web';
  const problem =
    typeof applicationId === 'string'
      ? applicationIdProblem(applicationId)
      : `is a ${typeof applicationId}, not a string`;
  if (problem !== undefined)
    throw new WebError(
      'invalid-argument',
      `applicationId ${problem}; expected a name such as "camstream_web" or "robot_arm:front"`,
    );
  return applicationId as string;
}
