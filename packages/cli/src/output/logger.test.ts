import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes text lines, dropping info lines when quiet', () => {
    const lines: string[] = [];
    const loud = createLogger({ write: (l) => lines.push(l) });
    loud.info('start', 'capturing');
    loud.warn('slow', 'falling behind');
    loud.error('input', 'clip.y4m does not exist');
    const quiet = createLogger({ quiet: true, write: (l) => lines.push(l) });
    quiet.info('start', 'hidden');
    quiet.error('input', 'shown');
    expect(lines).toEqual([
      'camstream: capturing\n',
      'camstream: warning: falling behind\n',
      'camstream: clip.y4m does not exist\n',
      'camstream: shown\n',
    ]);
  });

  it('writes one JSON object per line with level, event, message and fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', write: (l) => lines.push(l) });
    logger.info('done', '10 frames', { frames: 10, path: 'a "b".rrd' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info',
      event: 'done',
      message: '10 frames',
      frames: 10,
      path: 'a "b".rrd',
    });
  });
});
