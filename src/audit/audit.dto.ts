import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { OptionalId } from '../common/dto';
import { PageQuery } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'lead', description: 'Record kind, singular lower camelCase.' })
  @IsOptional()
  @Matches(/^[a-z][A-Za-z]{1,40}$/, {
    message: 'entity must be a record kind such as lead or followUp',
  })
  entity?: string;

  @OptionalId() entityId?: string;
  @OptionalId() actorId?: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() at: string;
  @ApiProperty({ format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ example: 'lead' }) entity: string;
  @ApiProperty({ format: 'uuid', nullable: true }) entityId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) changes: Record<string, unknown>;
  @ApiProperty({ nullable: true }) requestId: string | null;
}

export const toAuditEventDto = (e: AuditEvent): AuditEventDto => ({
  id: e.id,
  at: e.at.toISOString(),
  actorId: e.actorId,
  action: e.action,
  entity: e.entity,
  entityId: e.entityId,
  changes: e.changes,
  requestId: e.requestId,
});
