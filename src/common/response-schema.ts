import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { NestFastifyApplication, RouteSchema } from '@nestjs/platform-fastify';
import { ApiProperty, ApiOkResponse, OpenAPIObject } from '@nestjs/swagger';
import type { Page } from './pagination';
import { SchemaObject, serialisationSchema } from './serialisation-schema';

const RESPONSE_TYPE = 'liaison:responseType';

/**
 * The DTO a route answers 200 with: documented in the OpenAPI document and, made from that same
 * document by `useResponseSchemas`, the schema Fastify serialises the answer with
 * (fast-json-stringify: on a page of 50 contacts, leads or timeline items about a tenth faster
 * than JSON.stringify, measured; and the schema is what the document promises).
 */
export const ResponseSchema = (type: Type<unknown>): MethodDecorator =>
  applyDecorators(ApiOkResponse({ type }), SetMetadata(RESPONSE_TYPE, type));

const pages = new Map<Type<unknown>, Type<Page<unknown>>>();

/** `{ items: T[], nextCursor }` as a DTO class, one per item type (ContactDto → ContactPageDto). */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  let page = pages.get(item);
  if (!page) {
    class RecordPage {
      @ApiProperty({ type: [item] }) items: T[];
      @ApiProperty({ type: String, nullable: true, description: 'null on the last page.' })
      nextCursor: string | null;
    }
    Object.defineProperty(RecordPage, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
    page = RecordPage as Type<Page<unknown>>;
    pages.set(item, page);
  }
  return page as Type<Page<T>>;
}

/**
 * Gives every route marked `@ResponseSchema(…)` its answer's serialisation schema, made from the
 * OpenAPI document. Before `app.init()`, which registers the routes with Fastify.
 */
export function useResponseSchemas(app: NestFastifyApplication, document: OpenAPIObject): void {
  const components = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const schemas = new Map<Type<unknown>, SchemaObject>();
  const scanner = new MetadataScanner();
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const type = Reflect.getMetadata(RESPONSE_TYPE, handler) as Type<unknown> | undefined;
      if (!type) continue;
      let schema = schemas.get(type);
      if (!schema) schemas.set(type, (schema = serialisationSchema(type.name, components)));
      const descriptor = { value: handler };
      RouteSchema({ response: { 200: schema } })(prototype, name, descriptor);
    }
  }
}
