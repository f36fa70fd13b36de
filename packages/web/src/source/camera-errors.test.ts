import { describe, expect, it } from 'vitest';
import { describeCameraFailure, noMediaDevices } from './camera-errors.js';

describe('describeCameraFailure', () => {
  it('sorts getUserMedia DOMExceptions into fallback reasons with a sentence for the user', () => {
    const denied = describeCameraFailure(new DOMException('Permission denied', 'NotAllowedError'));
    expect(denied.reason).toBe('permission-denied');
    expect(denied.message).toMatch(/denied.*test pattern.*Allow the camera/);
    expect(describeCameraFailure(new DOMException('', 'NotFoundError')).reason).toBe('no-camera');
    expect(describeCameraFailure(new DOMException('', 'OverconstrainedError')).reason).toBe('no-camera');
    const busy = describeCameraFailure(new DOMException('Could not start video source', 'NotReadableError'));
    expect(busy.reason).toBe('camera-error');
    expect(busy.message).toContain('NotReadableError: Could not start video source');
  });

  it('says why a page cannot ask for a camera at all', () => {
    expect(noMediaDevices(false).message).toMatch(/not a secure context/);
    expect(noMediaDevices(true).reason).toBe('unsupported');
  });
});
