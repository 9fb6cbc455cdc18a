import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Type,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import type { Action } from '../auth/permissions';
import { IfMatch } from './concurrency';
import { Idempotent } from './idempotency';
import { NamesDto, NamesQuery } from './names';
import { Page } from './pagination';
import { UuidParam } from './params';
import { PageOf, ResponseSchema } from './response-schema';

/** What a record kind's service offers the routes every kind shares. */
export interface RecordService<E, C, U, Q> {
  list(actor: Actor, query: Q): Promise<Page<E>>;
  create(actor: Actor, dto: C): Promise<E>;
  get(actor: Actor, id: string): Promise<E>;
  update(actor: Actor, id: string, version: number, dto: U): Promise<E>;
  remove(actor: Actor, id: string, version: number): Promise<void>;
  restore(actor: Actor, id: string): Promise<E>;
  purge(actor: Actor, id: string): Promise<void>;
  names(actor: Actor, query: NamesQuery): Promise<NamesDto>;
}

/** The same for records that live under another (a trip's appointments): the parent's id first. */
export interface NestedRecordService<E, C, U, Q> {
  list(actor: Actor, parentId: string, query: Q): Promise<Page<E>>;
  create(actor: Actor, parentId: string, dto: C): Promise<E>;
  get(actor: Actor, parentId: string, id: string): Promise<E>;
  update(actor: Actor, parentId: string, id: string, version: number, dto: U): Promise<E>;
  remove(actor: Actor, parentId: string, id: string, version: number): Promise<void>;
}

interface KindOptions<S, E, D, C, U, Q> {
  /**
   * Where one record is: `api/v1/companies/:id`, or under its parent
   * `api/v1/trips/:tripId/appointments/:appointmentId`. The segment after `api/v1` is the tag
   * of its operations in the OpenAPI document.
   */
  path: string;
  /** The kind's service: `this.service` in the controller. */
  service: Type<S>;
  read: Action;
  /** Create, delete and restore; PATCH too unless `update` names its own action. */
  write: Action;
  update?: Action;
  /** The response DTO of one record; `actor` for kinds whose answer depends on who asks. */
  toDto: (entity: E, actor: Actor) => D;
  /** Its class: the list and get answers' schema (documented, and serialised by it). */
  dto: Type<D>;
  /** The request DTOs: the validation pipe and the OpenAPI document read these. */
  body: { create: Type<C>; update: Type<U> };
  query: Type<Q>;
  /** `GET names` too: the kind's service spec says how its records are named (`names`). */
  names?: boolean;
}

/**
 * A generic parameter's `design:paramtypes` entry is Object, so the global validation pipe would
 * neither validate nor whitelist it and the OpenAPI document would not know it: this sets the
 * class it is. (TypeScript's own metadata is applied first, so this overrides it.)
 */
export const ParamType =
  (type: Type<unknown>): ParameterDecorator =>
  (target, key, index) => {
    const own = Reflect.getOwnMetadata('design:paramtypes', target, key!) as unknown[] | undefined;
    const types = [...(own ?? [])];
    types[index] = type;
    Reflect.defineMetadata('design:paramtypes', types, target, key!);
  };

interface RecordPath {
  /** The controller's path: the record's less its last parameter. */
  base: string;
  tag: string;
  /** The parent's route parameter (`tripId`); empty if the record lives under none. */
  parent: string;
  /** The record's route parameter (`id`, `appointmentId`). */
  id: string;
}

function recordPath(path: string): RecordPath {
  const match = /^(api\/v1\/([\w-]+)(?:\/:(\w+)\/[\w-]+)?)\/:(\w+)$/.exec(path);
  if (!match) throw new Error(`not a record path: ${path} (api/v1/x/:id or api/v1/x/:xId/y/:id)`);
  const [, base, tag, parent, id] = match;
  return { base, tag, parent: parent ?? '', id };
}

/** The kind's controller at its path, tagged, with the kind's service as `this.service`. */
function KindController<S>(service: Type<S>, path: RecordPath) {
  @ApiTags(path.tag)
  @ApiBearerAuth()
  @Controller(path.base)
  class WithService {
    constructor(@Inject(service) readonly service: S) {}
  }
  return WithService;
}

/**
 * The routes every CRM record has, declared once: `GET` list, `POST`, `GET :id`, `PATCH :id`
 * (If-Match), `DELETE :id` (204, If-Match), `POST :id/restore` (200), `POST :id/purge` (204,
 * admin). The kind's controller extends the class this returns and adds only its own routes (or
 * overrides one, as trips do with their `GET :id`).
 */
export function RecordController<S extends RecordService<E, C, U, Q>, E, D, C, U, Q>(
  options: KindOptions<S, E, D, C, U, Q>,
) {
  const { read, write, toDto } = options;
  const path = recordPath(options.path);
  const { id: param } = path;
  if (path.parent) throw new Error(`${options.path} is nested: use NestedRecordController`);

  class RecordRoutes extends KindController(options.service, path) {
    @Get()
    @Allow(read)
    @ResponseSchema(PageOf(options.dto))
    async list(
      @CurrentActor() actor: Actor,
      @Query() @ParamType(options.query) query: Q,
    ): Promise<Page<D>> {
      const page = await this.service.list(actor, query);
      return { items: page.items.map((e) => toDto(e, actor)), nextCursor: page.nextCursor };
    }

    @Post()
    @Idempotent()
    @Allow(write)
    async create(
      @CurrentActor() actor: Actor,
      @Body() @ParamType(options.body.create) dto: C,
    ): Promise<D> {
      return toDto(await this.service.create(actor, dto), actor);
    }

    @Get(`:${param}`)
    @Allow(read)
    @ResponseSchema(options.dto)
    async get(
      @CurrentActor() actor: Actor,
      @Param(param, UuidParam(param)) id: string,
    ): Promise<D> {
      return toDto(await this.service.get(actor, id), actor);
    }

    @Patch(`:${param}`)
    @Allow(options.update ?? write)
    async update(
      @CurrentActor() actor: Actor,
      @Param(param, UuidParam(param)) id: string,
      @IfMatch() version: number,
      @Body() @ParamType(options.body.update) dto: U,
    ): Promise<D> {
      return toDto(await this.service.update(actor, id, version, dto), actor);
    }

    @Delete(`:${param}`)
    @Allow(write)
    @HttpCode(204)
    async remove(
      @CurrentActor() actor: Actor,
      @Param(param, UuidParam(param)) id: string,
      @IfMatch() version: number,
    ): Promise<void> {
      await this.service.remove(actor, id, version);
    }

    @Post(`:${param}/restore`)
    @Idempotent()
    @Allow(write)
    @HttpCode(200)
    async restore(
      @CurrentActor() actor: Actor,
      @Param(param, UuidParam(param)) id: string,
    ): Promise<D> {
      return toDto(await this.service.restore(actor, id), actor);
    }

    @Post(`:${param}/purge`)
    @Idempotent()
    @Allow('record:purge')
    @HttpCode(204)
    async purge(
      @CurrentActor() actor: Actor,
      @Param(param, UuidParam(param)) id: string,
    ): Promise<void> {
      await this.service.purge(actor, id);
    }
  }
  if (!options.names) return RecordRoutes;

  class NamedRecordRoutes extends RecordRoutes {
    /** Names of records a page links to (`?ids=`) or offers (the first `?limit=` by name). */
    @Get('names')
    @Allow(read)
    @ResponseSchema(NamesDto)
    names(@CurrentActor() actor: Actor, @Query() query: NamesQuery): Promise<NamesDto> {
      return this.service.names(actor, query);
    }
  }
  return NamedRecordRoutes;
}

/**
 * The same for records kept under a parent (`api/v1/trips/:tripId/appointments/:appointmentId`):
 * list, create, get, PATCH and DELETE, each with the parent's id; no restore or purge.
 */
export function NestedRecordController<S extends NestedRecordService<E, C, U, Q>, E, D, C, U, Q>(
  options: KindOptions<S, E, D, C, U, Q>,
) {
  const { read, write, toDto } = options;
  const path = recordPath(options.path);
  const { parent, id: param } = path;
  if (!parent) throw new Error(`${options.path} has no parent: use RecordController`);

  class NestedRecordRoutes extends KindController(options.service, path) {
    @Get()
    @Allow(read)
    @ResponseSchema(PageOf(options.dto))
    async list(
      @CurrentActor() actor: Actor,
      @Param(parent, UuidParam(parent)) parentId: string,
      @Query() @ParamType(options.query) query: Q,
    ): Promise<Page<D>> {
      const page = await this.service.list(actor, parentId, query);
      return { items: page.items.map((e) => toDto(e, actor)), nextCursor: page.nextCursor };
    }

    @Post()
    @Idempotent()
    @Allow(write)
    async create(
      @CurrentActor() actor: Actor,
      @Param(parent, UuidParam(parent)) parentId: string,
      @Body() @ParamType(options.body.create) dto: C,
    ): Promise<D> {
      return toDto(await this.service.create(actor, parentId, dto), actor);
    }

    @Get(`:${param}`)
    @Allow(read)
    @ResponseSchema(options.dto)
    async get(
      @CurrentActor() actor: Actor,
      @Param(parent, UuidParam(parent)) parentId: string,
      @Param(param, UuidParam(param)) id: string,
    ): Promise<D> {
      return toDto(await this.service.get(actor, parentId, id), actor);
    }

    @Patch(`:${param}`)
    @Allow(options.update ?? write)
    async update(
      @CurrentActor() actor: Actor,
      @Param(parent, UuidParam(parent)) parentId: string,
      @Param(param, UuidParam(param)) id: string,
      @IfMatch() version: number,
      @Body() @ParamType(options.body.update) dto: U,
    ): Promise<D> {
      return toDto(await this.service.update(actor, parentId, id, version, dto), actor);
    }

    @Delete(`:${param}`)
    @Allow(write)
    @HttpCode(204)
    async remove(
      @CurrentActor() actor: Actor,
      @Param(parent, UuidParam(parent)) parentId: string,
      @Param(param, UuidParam(param)) id: string,
      @IfMatch() version: number,
    ): Promise<void> {
      await this.service.remove(actor, parentId, id, version);
    }
  }
  return NestedRecordRoutes;
}
