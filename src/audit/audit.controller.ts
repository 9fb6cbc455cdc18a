import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { Page } from '../common/pagination';
import { AuditExport } from './audit-export.service';
import { AuditEventDto, AuditExportQuery, AuditQuery, toAuditEventDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly exports: AuditExport,
  ) {}

  @Get()
  @Allow('audit:read')
  async list(@Query() query: AuditQuery): Promise<Page<AuditEventDto>> {
    const page = await this.audit.list(query, query);
    return { items: page.items.map(toAuditEventDto), nextCursor: page.nextCursor };
  }

  @Get('export')
  @Allow('audit:read')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'Every event the filters match, newest first, as CSV.' })
  async export(
    @CurrentActor() actor: Actor,
    @Query() query: AuditExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.send(actor, query, reply);
  }
}
