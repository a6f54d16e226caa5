import { describe, expect, it } from 'vitest';
import { ApplyErrorCode } from './errors.js';
import {
  comparePathElements,
  deserializePathElement,
  fieldElement,
  indexElement,
  keyElement,
  pathToString,
  serializePathElement,
  valueElement,
  type PathElement,
} from './path_element.js';

describe('path element serialization', () => {
  it('writes the four kinds as fieldsV1 keys', () => {
    expect(serializePathElement(fieldElement('replicas'))).toBe('f:replicas');
    expect(serializePathElement(keyElement({ name: 'nginx' }))).toBe('k:{"name":"nginx"}');
    expect(serializePathElement(valueElement('example.com/finalizer'))).toBe('v:"example.com/finalizer"');
    expect(serializePathElement(valueElement(42))).toBe('v:42');
    expect(serializePathElement(indexElement(3))).toBe('i:3');
  });

  it('sorts key fields by name, as upstream does', () => {
    const pe = keyElement({ protocol: 'TCP', containerPort: 80 });
    expect(serializePathElement(pe)).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(deserializePathElement('k:{"protocol":"TCP","containerPort":80}')).toEqual(pe);
  });

  it('round-trips', () => {
    for (const s of ['f:metadata', 'f:', 'k:{"name":"a b"}', 'k:{"a":1,"b":true}', 'v:"x"', 'v:1.5', 'v:null', 'i:0', 'i:12']) {
      const pe = deserializePathElement(s);
      expect(pe).toBeDefined();
      expect(serializePathElement(pe as PathElement)).toBe(s);
    }
  });

  it('keeps field names raw, dots and colons included', () => {
    expect(deserializePathElement('f:example.com/some:thing')).toEqual(fieldElement('example.com/some:thing'));
  });

  it('ignores element types it does not know', () => {
    expect(deserializePathElement('z:whatever')).toBeUndefined();
  });

  it('rejects malformed elements', () => {
    for (const s of ['f', 'fx', 'k:[1]', 'k:{', 'v:', 'i:x']) {
      expect(() => deserializePathElement(s)).toThrowError(expect.objectContaining({ code: ApplyErrorCode.INVALID_PATH_ELEMENT }));
    }
  });
});

describe('path element order', () => {
  it('puts fields before keys before values before indexes', () => {
    const pes = [indexElement(0), valueElement('a'), keyElement({ name: 'a' }), fieldElement('z')];
    expect(pes.sort(comparePathElements).map(serializePathElement)).toEqual(['f:z', 'k:{"name":"a"}', 'v:"a"', 'i:0']);
  });

  it('orders keys by field name, then value, then length', () => {
    expect(comparePathElements(keyElement({ name: 'a' }), keyElement({ name: 'b' }))).toBe(-1);
    expect(comparePathElements(keyElement({ a: 'z' }), keyElement({ b: 'a' }))).toBe(-1);
    expect(comparePathElements(keyElement({ a: 1 }), keyElement({ a: 1, b: 1 }))).toBe(-1);
  });
});

describe('printed paths', () => {
  it('prints as upstream does in conflicts', () => {
    expect(pathToString([fieldElement('spec'), fieldElement('replicas')])).toBe('.spec.replicas');
    expect(pathToString([fieldElement('spec'), fieldElement('containers'), keyElement({ name: 'nginx' }), fieldElement('image')])).toBe(
      '.spec.containers[name="nginx"].image',
    );
    expect(pathToString([fieldElement('ports'), keyElement({ protocol: 'TCP', containerPort: 80 })])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(pathToString([fieldElement('metadata'), fieldElement('finalizers'), valueElement('a')])).toBe('.metadata.finalizers[="a"]');
    expect(pathToString([fieldElement('args'), indexElement(2)])).toBe('.args[2]');
  });
});
