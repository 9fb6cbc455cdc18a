import { Controller, Get, Inject, Param, Query, Req, Res, Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { UuidParam } from '../common/params';
import { ParamType } from '../common/record-controller';
import type { ExportOptions } from '../exports/export.dto';
import { ExportService } from '../exports/exports.service';
import { EXPORT_KINDS, ExportKind } from '../exports/kinds';
import { pageContext } from './kit/layout';

/*
 * The downloads of the list pages' Export control and of a contact's vCard. A page calls the API
 * in-process, which cannot stream; these call the export service with the session's actor, the
 * same service as the API's routes, so the scope, filters and audit are the same.
 */

function ExportPage(kind: ExportKind): Type<unknown> {
  @ApiExcludeController()
  @WebPages()
  @Controller(kind.name)
  class KindExportPage {
    constructor(@Inject(ExportService) readonly exports: ExportService) {}

    @Get('export')
    @Allow(kind.read)
    async export(
      @Req() request: WebRequest,
      @Query() @ParamType(kind.query) query: ExportOptions & Record<string, unknown>,
      @Res() reply: FastifyReply,
    ): Promise<void> {
      const ctx = pageContext(request);
      await this.exports.send(ctx.user!, kind, { lang: ctx.locale, ...query }, reply);
    }
  }
  Object.defineProperty(KindExportPage, 'name', {
    value: `${kind.name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}ExportPage`,
  });
  return KindExportPage;
}

export const EXPORT_PAGES = EXPORT_KINDS.map(ExportPage);

/** `/contacts/:id/vcard`: the contact page's vCard button. */
@ApiExcludeController()
@WebPages()
@Controller('contacts')
export class ContactCardPage {
  constructor(@Inject(ExportService) private readonly exports: ExportService) {}

  @Get(':id/vcard')
  @Allow('contact:read')
  async vcard(
    @Req() request: WebRequest,
    @Param('id', UuidParam()) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.card(pageContext(request).user!, id, reply);
  }
}
