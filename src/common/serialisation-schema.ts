/**
 * The JSON schema Fastify's serialiser (fast-json-stringify) writes an answer with, made from the
 * answer's schema in the OpenAPI document (which @nestjs/swagger builds from the DTO's decorators),
 * so the DTO is declared once. fast-json-stringify writes what the schema says, not what the value
 * is: a property the schema lacks is dropped, a null under `type: string` becomes "" and a
 * required property that is absent throws. So the schema made here keeps the shape and types and
 * lets every value be null and every property be absent, as JSON.stringify would write them;
 * test/response-schemas.e2e-spec.ts proves the answers the same with and without.
 */
export type SchemaObject = { [keyword: string]: unknown };

/** What the serialiser reads; the rest (descriptions, examples, `required`, `enum`) is dropped. */
const KEPT = ['type', 'items', 'properties', 'additionalProperties', 'anyOf', 'oneOf'];

const REF = '#/components/schemas/';

/** `name`'s schema in `components` (the document's), self-contained: every `$ref` inlined. */
export function serialisationSchema(
  name: string,
  components: Record<string, SchemaObject>,
): SchemaObject {
  const convert = (schema: SchemaObject, seen: readonly string[]): SchemaObject => {
    if (typeof schema.$ref === 'string') {
      const ref = schema.$ref;
      if (!ref.startsWith(REF)) throw new Error(`unsupported $ref ${ref}`);
      const target = ref.slice(REF.length);
      if (seen.includes(target))
        throw new Error(`recursive schema: ${[...seen, target].join(' → ')}`);
      const referenced = components[target];
      if (!referenced) throw new Error(`no schema ${target} in the document`);
      return convert(referenced, [...seen, target]);
    }
    // `{ type: OtherDto, nullable: true }` is documented as allOf [the other]: one schema.
    const allOf = schema.allOf as SchemaObject[] | undefined;
    if (allOf) {
      if (allOf.length !== 1) throw new Error(`allOf of ${allOf.length} schemas is not supported`);
      const { allOf: _, ...rest } = schema;
      return convert({ ...rest, ...allOf[0] }, seen);
    }
    const out: SchemaObject = {};
    for (const keyword of KEPT) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
    // A Date under `date-time` is written as JSON.stringify writes it; under `date` or `time` only
    // in part, so only this format is kept (it changes nothing for a string).
    if (schema.format === 'date-time') out.format = 'date-time';
    if (out.items) out.items = convert(out.items as SchemaObject, seen);
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      if (out[keyword])
        out[keyword] = (out[keyword] as SchemaObject[]).map((s) => convert(s, seen));
    }
    const properties = out.properties as Record<string, SchemaObject> | undefined;
    if (properties) {
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, convert(value, seen)]),
      );
    } else if (out.type === 'object' && out.additionalProperties === undefined) {
      // What swagger calls an object without properties is a free-form one, or a property whose
      // TypeScript type it could not read (`string | null` reflects as Object): any value, written
      // as JSON.stringify writes it.
      return {};
    }
    if (typeof out.additionalProperties === 'object')
      out.additionalProperties = convert(out.additionalProperties as SchemaObject, seen);
    // Null is written as null wherever it comes, whatever the document says.
    if (typeof out.type === 'string') out.nullable = true;
    return out;
  };
  return convert({ $ref: `${REF}${name}` }, []);
}
