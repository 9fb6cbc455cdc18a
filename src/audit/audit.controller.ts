import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/actor';
import { Page } from '../common/pagination';
import { AuditEventDto, AuditQuery, toAuditEventDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow('audit:read')
  async list(@Query() query: AuditQuery): Promise<Page<AuditEventDto>> {
    const page = await this.audit.list(query, query);
    return { items: page.items.map(toAuditEventDto), nextCursor: page.nextCursor };
  }
}
