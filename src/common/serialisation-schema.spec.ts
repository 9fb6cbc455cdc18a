import { serialisationSchema } from './serialisation-schema';

// As @nestjs/swagger documents them: `string | null` reflects as Object, a nullable nested DTO is
// an allOf of its $ref.
const components = {
  ThingDto: {
    type: 'object',
    required: ['id', 'note'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      at: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      note: { type: 'object', nullable: true, description: 'string | null' },
      kind: { type: 'string', enum: ['a', 'b'], example: 'a' },
      tags: { type: 'array', items: { type: 'string' } },
      basis: { nullable: true, allOf: [{ $ref: '#/components/schemas/BasisDto' }] },
      counts: { type: 'object', additionalProperties: { type: 'number' } },
    },
  },
  BasisDto: { type: 'object', properties: { source: { type: 'string', nullable: true } } },
  LoopDto: { type: 'object', properties: { next: { $ref: '#/components/schemas/LoopDto' } } },
};

describe('serialisation schema', () => {
  it('inlines references and keeps only what the serialiser reads, every value nullable', () => {
    expect(serialisationSchema('ThingDto', components)).toEqual({
      type: 'object',
      nullable: true,
      properties: {
        id: { type: 'string', nullable: true },
        at: { type: 'string', format: 'date-time', nullable: true },
        day: { type: 'string', nullable: true },
        note: {},
        kind: { type: 'string', nullable: true },
        tags: { type: 'array', items: { type: 'string', nullable: true }, nullable: true },
        basis: {
          type: 'object',
          nullable: true,
          properties: { source: { type: 'string', nullable: true } },
        },
        counts: {
          type: 'object',
          nullable: true,
          additionalProperties: { type: 'number', nullable: true },
        },
      },
    });
  });

  it('refuses what it cannot write faithfully', () => {
    expect(() => serialisationSchema('LoopDto', components)).toThrow(/recursive/);
    expect(() => serialisationSchema('MissingDto', components)).toThrow(/no schema/);
  });
});
