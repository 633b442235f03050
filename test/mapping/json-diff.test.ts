import { expect } from 'chai';
import { diffJson, formatJsonChanges, jsonPath } from '../../src/mapping/json-diff.js';

describe('mapping json diff', () => {
  it('names a removed nested field by its path, once', () => {
    const before = { resourceType: 'Parameters', parameter: [{ name: 'a', valueString: 'x' }] };
    const after = { resourceType: 'Parameters', parameter: [{ name: 'a' }] };
    expect(diffJson(before, after)).to.deep.equal([
      { path: '$.parameter[0].valueString', kind: 'removed', before: 'x' },
    ]);
  });

  it('reports added and changed values with both sides', () => {
    const changes = diffJson({ a: 1 }, { a: 2, b: { c: true } });
    expect(changes).to.deep.include({ path: '$.a', kind: 'changed', before: 1, after: 2 });
    expect(changes).to.deep.include({ path: '$.b', kind: 'added', after: { c: true } });
  });

  it('finds nothing between equal documents', () => {
    expect(diffJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).to.deep.equal([]);
  });

  it('compares plain values and a value against a document at the root', () => {
    expect(diffJson('x', 'x')).to.deep.equal([]);
    expect(diffJson(null, { a: 1 })).to.deep.equal([
      { path: '$', kind: 'changed', before: null, after: { a: 1 } },
    ]);
  });

  it('quotes keys that are not identifiers', () => {
    expect(jsonPath(['headers', 'If-Match', 0])).to.equal('$.headers["If-Match"][0]');
  });

  it('formats one line per change', () => {
    expect(formatJsonChanges(diffJson({ a: 1, b: 2 }, { a: 3, c: 4 })).split('\n')).to.have.members(
      ['~ $.a: 1 → 3', '- $.b: 2', '+ $.c: 4'],
    );
  });
});
