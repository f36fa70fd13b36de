import { errorMessage } from '@camstream/core/media';
import type { FallbackReason } from '../session/session-state.js';

/** A camera failure sorted into a {@link FallbackReason}, with a sentence for the user. */
export interface CameraFailure {
  readonly reason: FallbackReason;
  readonly message: string;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}

/**
 * Sorts what `getUserMedia` threw (a `DOMException` by name, see the Media Capture spec) into a reason and
 * a sentence that says what happened and what the user can do.
 */
export function describeCameraFailure(error: unknown): CameraFailure {
  switch (errorName(error)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        reason: 'permission-denied',
        message:
          'Camera access was denied, so the test pattern is shown instead. Allow the camera for this site (the camera icon in the address bar) and start again.',
      };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        reason: 'no-camera',
        message:
          'No camera was found (or none matches the chosen device), so the test pattern is shown instead. Connect a camera or pick another one.',
      };
    default:
      return {
        reason: 'camera-error',
        message: `The camera could not be started (${errorName(error) ?? 'unknown error'}: ${errorMessage(
          error,
        )}), so the test pattern is shown instead. Close other apps that use it and start again.`,
      };
  }
}

/** The failure when the page has no `navigator.mediaDevices` (not a secure context, or an old browser). */
export function noMediaDevices(isSecureContext: boolean | undefined): CameraFailure {
  return {
    reason: 'unsupported',
    message:
      isSecureContext === false
        ? 'This page cannot use a camera because it is not a secure context (open it over https, or on http://localhost), so the test pattern is shown instead.'
        : 'This browser offers no camera access (navigator.mediaDevices), so the test pattern is shown instead.',
  };
}
