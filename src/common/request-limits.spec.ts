import {
  formShapeProblem,
  jsonShapeProblem,
  MAX_BODY_DEPTH,
  MAX_FIELDS,
  queryShapeProblem,
} from './request-limits';
import { BadInput, TooLarge } from './errors';

const json = (text: string) => jsonShapeProblem(Buffer.from(text));
const codeOf = (problem: ReturnType<typeof jsonShapeProblem>) =>
  problem instanceof BadInput || problem instanceof TooLarge
    ? problem.errors.map((e) => `${problem.status} ${e.field} ${e.code}`)
    : problem;

/** A JSON text of `n` fields (keys + array elements) as JSON.stringify writes it. */
const fields = (value: unknown): number => {
  if (Array.isArray(value)) return value.length + value.reduce((n: number, v) => n + fields(v), 0);
  if (value && typeof value === 'object')
    return Object.values(value).reduce((n: number, v) => n + 1 + fields(v), 0);
  return 0;
};

describe('the shape of a JSON body, read before it is parsed', () => {
  it('takes nesting up to the limit and refuses one level more (400 tooDeep)', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(json(nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(codeOf(json(nested(MAX_BODY_DEPTH + 1)))).toEqual(['400 body tooDeep']);
    expect(codeOf(json('{"a":'.repeat(10_000)))).toEqual(['400 body tooDeep']);
  });

  it('counts keys and array elements, all levels together', () => {
    const samples = [
      {},
      [],
      { a: 1 },
      [1, 2, 3],
      [[], [[]], {}],
      { a: [1, { b: 'x,y:z' }], c: { d: null, e: [true, false, 'e"]'] } },
      ['[', '{', '\\', '\\"', ''],
    ];
    // [sample, 0, 0, …]: 1 + zeros elements, and the sample's own fields.
    const padded = (sample: unknown, zeros: number, space?: number) =>
      JSON.stringify([sample, ...Array.from({ length: zeros }, () => 0)], null, space);
    for (const sample of samples) {
      const zeros = MAX_FIELDS - 1 - fields(sample);
      for (const space of [undefined, 2]) {
        expect(json(padded(sample, zeros, space))).toBeUndefined();
        expect(codeOf(json(padded(sample, zeros + 1, space)))).toEqual(['413 body tooManyFields']);
      }
    }
    const keys = (n: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i])));
    expect(json(keys(MAX_FIELDS))).toBeUndefined();
    expect(codeOf(json(keys(MAX_FIELDS + 1)))).toEqual(['413 body tooManyFields']);
  });

  it('skips strings, escaped quotes included, and leaves what is not JSON to the parser', () => {
    expect(json(JSON.stringify({ a: '['.repeat(100) + '\\"{'.repeat(100) }))).toBeUndefined();
    expect(json(JSON.stringify('x'.repeat(1_000_000)))).toBeUndefined();
    for (const text of ['', '{"a": ', '"unterminated', ']]]]', 'not json', '{"a":"\\'])
      expect(json(text)).toBeUndefined();
  });
});

describe('the shape of a form body', () => {
  it('counts its name=value pairs', () => {
    const form = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join('&');
    expect(formShapeProblem(Buffer.from(form(MAX_FIELDS)))).toBeUndefined();
    expect(formShapeProblem(Buffer.from(`&&${form(MAX_FIELDS)}&&`))).toBeUndefined();
    expect(codeOf(formShapeProblem(Buffer.from(form(MAX_FIELDS + 1))))).toEqual([
      '413 body tooManyFields',
    ]);
  });
});

describe('the shape of a query string', () => {
  it('counts its names, a name given n times n times', () => {
    const query = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, '1']));
    expect(queryShapeProblem(query(MAX_FIELDS))).toBeUndefined();
    expect(queryShapeProblem({ ...query(MAX_FIELDS - 2), ids: ['a', 'b'] })).toBeUndefined();
    expect(codeOf(queryShapeProblem({ ...query(MAX_FIELDS - 2), ids: ['a', 'b', 'c'] }))).toEqual([
      '414 query tooManyFields',
    ]);
  });
});
