import { describe, expect, it } from 'vitest';
import { RecordingStream } from '../recording/recording-stream.js';
import { decodeRrd } from '../rerun/rrd/decoder.js';
import { MemorySink } from '../sinks/memory-sink.js';
import { TextDocument } from './archetypes.js';

async function logged(log: (rec: RecordingStream) => void) {
  const memory = new MemorySink();
  const rec = new RecordingStream({ applicationId: 'test_app', recordingId: 'rec-1', sinks: [memory] });
  log(rec);
  await rec.close();
  const { messages, errors } = decodeRrd(memory.bytes());
  expect(errors).toEqual([]);
  return messages.flatMap((m) => (m.kind === 'arrow_msg' ? [m.chunk] : []));
}

describe('TextDocument', () => {
  it("logs Rerun 0.33's TextDocument:text and TextDocument:media_type and decodes back", async () => {
    const markdown = '# Kamera 📷\n\nÜberblick: *schnell*, 速い.';
    const [chunk] = await logged((rec) =>
      rec.log('notes', new TextDocument(markdown, { mediaType: 'text/markdown' }), { static: true }),
    );
    expect(chunk!.isStatic).toBe(true);
    expect(chunk!.entityPath).toBe('/notes');
    expect(
      chunk!.components.map((c) => ({
        component: c.component,
        archetype: c.archetype,
        componentType: c.componentType,
        rows: c.rows,
      })),
    ).toEqual([
      {
        component: 'TextDocument:text',
        archetype: 'rerun.archetypes.TextDocument',
        componentType: 'rerun.components.Text',
        rows: [[markdown]],
      },
      {
        component: 'TextDocument:media_type',
        archetype: 'rerun.archetypes.TextDocument',
        componentType: 'rerun.components.MediaType',
        rows: [['text/markdown']],
      },
    ]);
  });

  it('leaves the media type out unless given, and keeps an empty text', async () => {
    const chunks = await logged((rec) => {
      rec.setTime('step', { sequence: 0 });
      rec.log('log', new TextDocument(''));
      rec.setTime('step', { sequence: 1 });
      rec.log('log', new TextDocument('zweite Zeile'));
    });
    const rows = chunks.flatMap((c) => c.components.map((k) => [k.component, k.rows]));
    expect(rows).toEqual([
      ['TextDocument:text', [['']]],
      ['TextDocument:text', [['zweite Zeile']]],
    ]);
  });
});
