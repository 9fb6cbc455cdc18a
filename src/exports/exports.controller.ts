import { Get, Inject, Param, Query, Res, Controller, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { UuidParam } from '../common/params';
import { ParamType } from '../common/record-controller';
import type { ExportOptions } from './export.dto';
import { CONTENT_TYPES } from './formats';
import { EXPORT_KINDS, ExportKind } from './kinds';
import { ExportService } from './exports.service';

const controllerName = (kind: ExportKind, suffix: string) =>
  `${kind.name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}${suffix}`;

/** `GET /api/v1/<kind>/export`: the kind's list, every page of it, as a file. */
function ExportController(kind: ExportKind): Type<unknown> {
  @ApiTags(kind.name)
  @ApiBearerAuth()
  @Controller(`api/v1/${kind.name}`)
  class KindExport {
    constructor(@Inject(ExportService) readonly exports: ExportService) {}

    @Get('export')
    @Allow(kind.read)
    @ApiProduces(...kind.formats.map((f) => CONTENT_TYPES[f].split(';')[0]))
    @ApiOkResponse({
      description:
        'What the list with these filters, search and sort holds for the caller, every page, as a file (attachment).',
    })
    async export(
      @CurrentActor() actor: Actor,
      @Query() @ParamType(kind.query) query: ExportOptions & Record<string, unknown>,
      @Res() reply: FastifyReply,
    ): Promise<void> {
      await this.exports.send(actor, kind, query, reply);
    }
  }
  Object.defineProperty(KindExport, 'name', { value: controllerName(kind, 'ExportController') });
  return KindExport;
}

export const EXPORT_CONTROLLERS = EXPORT_KINDS.map(ExportController);

/** `GET /api/v1/contacts/:id/vcard`: one contact for a phone's address book. */
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactCardController {
  constructor(private readonly exports: ExportService) {}

  @Get(':id/vcard')
  @Allow('contact:read')
  @ApiProduces('text/vcard')
  @ApiOkResponse({ description: 'The contact as a vCard 4.0, as the caller sees it.' })
  async vcard(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.card(actor, id, reply);
  }
}
