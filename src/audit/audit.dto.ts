import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, Matches, ValidateBy } from 'class-validator';
import { IsOneOf, OneOfFilter, OptionalId } from '../common/dto';
import { isDay } from '../common/day';
import { isInstant } from '../common/instant';
import { PageQuery } from '../common/pagination';
import {
  DELIMITERS,
  type Delimiter,
  EXPORT_LANGUAGES,
  type ExportLanguage,
} from '../exports/export.dto';
import { AuditEvent } from './audit-event.entity';

/** In a query string an unencoded `+` arrives as a space: `…T09:30:00 02:00` means `+02:00`. */
const plusOfOffset = (value: unknown) =>
  typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value;

/** An ISO instant with offset, or a calendar day (`YYYY-MM-DD`, a day in Berlin). */
const InstantOrDay = (description: string) => (target: object, key: string | symbol) => {
  ApiPropertyOptional({ example: '2026-11-01', description })(target, key);
  IsOptional()(target, key);
  Transform(({ value }: { value: unknown }) => plusOfOffset(value))(target, key);
  ValidateBy({
    name: 'isInstantOrDay',
    validator: {
      validate: (value: unknown) => isDay(value) || isInstant(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be a day as YYYY-MM-DD or an ISO 8601 instant with offset`,
    },
  })(target, key);
};

/** What the audit log is filtered by; each filter has its index (migration audit-filters). */
export class AuditFilter {
  @ApiPropertyOptional({ example: 'lead', description: 'Record kind, singular lower camelCase.' })
  @IsOptional()
  @Matches(/^[a-z][A-Za-z]{1,40}$/, {
    message: 'entity must be a record kind such as lead or followUp',
  })
  entity?: string;

  @OptionalId() entityId?: string;
  @OptionalId({ description: 'Who did it.' }) actorId?: string;

  @ApiPropertyOptional({ example: 'session.end', description: 'The action, exactly.' })
  @IsOptional()
  @Matches(/^[a-z][A-Za-z.-]{1,60}$/, {
    message: 'action must be an action such as update or session.end',
  })
  action?: string;

  @InstantOrDay('At or after this instant, or from the start of this day (Berlin).')
  from?: string;

  @InstantOrDay('Before this instant, or up to the end of this day (Berlin).')
  to?: string;
}

export class AuditQuery extends IntersectionType(PageQuery, AuditFilter) {}

export const AUDIT_EXPORT_FORMATS = ['csv'] as const;

/** `GET /api/v1/audit/export`: every event the filters match, newest first, as CSV. */
export class AuditExportQuery extends AuditFilter {
  @ApiProperty({ enum: AUDIT_EXPORT_FORMATS })
  @IsOneOf(AUDIT_EXPORT_FORMATS)
  format: 'csv';

  @OneOfFilter(DELIMITERS) delimiter?: Delimiter;
  @OneOfFilter(EXPORT_LANGUAGES) lang?: ExportLanguage;
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
