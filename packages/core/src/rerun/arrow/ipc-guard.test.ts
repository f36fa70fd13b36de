import { type Data, Field, List, makeData, Struct, Type, Uint32 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkListOffsets } from './ipc-guard.js';

describe('checkListOffsets', () => {
  const values = makeData({ type: new Uint32(), length: 2, data: Uint32Array.of(1, 2) });
  const listType = new List(new Field('item', new Uint32()));

  it('accepts a list whose offsets stay inside its values', () => {
    const list = makeData({
      type: listType,
      length: 1,
      nullCount: 0,
      valueOffsets: Int32Array.of(0, 2),
      child: values,
    });
    expect(() => checkListOffsets(list)).not.toThrow();
  });

  it('refuses a list or a nested column without its values array with an Error, not a TypeError', () => {
    // What apache-arrow makes of a record batch with fewer field nodes or buffers than the schema needs.
    const list = {
      typeId: Type.List,
      type: listType,
      offset: 0,
      length: 1,
      valueOffsets: Int32Array.of(0, 1),
      children: [undefined],
    } as unknown as Data;
    expect(() => checkListOffsets(list)).toThrow('a list column has no values array');
    const struct = {
      typeId: Type.Struct,
      type: new Struct([new Field('a', new Uint32())]),
      offset: 0,
      length: 1,
      children: [undefined],
    } as unknown as Data;
    expect(() => checkListOffsets(struct)).toThrow('a nested column has no values array');
  });
});
