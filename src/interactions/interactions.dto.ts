import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';
import {
  DeletedFilter,
  FlagFilter,
  IsInstant,
  IsOneOf,
  ListQuery,
  LowerCase,
  NonEmptyText,
  OneOf,
  OneOfFilter,
  OptionalFlag,
  OptionalId,
  OptionalNonNull,
  OptionalText,
  RequiredText,
  UserIdOrMeFilter,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import { INTERACTION_KINDS, InteractionKind, InteractionRecord } from './interaction.entity';

/** In a query string an unencoded `+` arrives as a space: `…T09:30:00 08:00` means `+08:00`. */
const QueryInstant = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value,
  );

export const MAX_LINKS = 200;

/**
 * A list of linked record ids: unique, at most MAX_LINKS. UUIDs are compared in lower case, so
 * the same id in two spellings counts as a duplicate rather than failing in the database.
 */
const LinkIds =
  (what: string): PropertyDecorator =>
  (target, key) => {
    const field = String(key);
    applyDecorators(
      ApiPropertyOptional({
        type: [String],
        format: 'uuid',
        description: `Ids of the ${what} met; replaces the whole list when given.`,
      }),
      OptionalNonNull(),
      Transform(({ value }: { value: unknown }) =>
        Array.isArray(value)
          ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))
          : value,
      ),
      IsArray({ message: `${field} must be an array of ids` }),
      ArrayMaxSize(MAX_LINKS),
      IsUUID('all', { each: true, message: `${field} must hold UUIDs` }),
      ArrayUnique({ message: `${field} must not repeat an id` }),
    )(target, key);
  };

/** A trip or appointment: an optional id, compared in lower case like the linked ids. */
const LinkId = (api?: ApiPropertyOptions) => applyDecorators(OptionalId(api), LowerCase());

export class CreateInteractionDto {
  @ApiProperty({ example: '2026-10-20T09:30:00+08:00', description: 'ISO 8601 with offset.' })
  @IsInstant()
  occurredAt: string;

  @OneOf(INTERACTION_KINDS, { default: 'meeting' })
  kind?: InteractionKind;

  @RequiredText(300, { example: 'Gespräch mit dem Technologiepark Zhongguancun' })
  subject: string;

  @OptionalText(20_000)
  summary?: string | null;

  @OptionalText(300, { example: 'Beijing, Zhongguancun Science Park' })
  location?: string | null;

  @LinkIds('contacts') contactIds?: string[];
  @LinkIds('local companies') companyIds?: string[];
  @LinkIds('partner institutions') partnerIds?: string[];
  @LinkId({ nullable: true }) tripId?: string | null;

  @LinkId({
    nullable: true,
    description: 'An appointment of the trip; given alone, its trip becomes the tripId.',
  })
  appointmentId?: string | null;

  @OptionalFlag({
    default: false,
    description: 'Only agency staff (admin, staff) see confidential interactions.',
  })
  confidential?: boolean;
}

/** PATCH: every field optional; a list given replaces the stored one. */
export class UpdateInteractionDto {
  @ApiPropertyOptional({ example: '2026-10-20T09:30:00+08:00' })
  @OptionalNonNull()
  @IsInstant()
  occurredAt?: string;

  @ApiPropertyOptional({ enum: INTERACTION_KINDS })
  @OptionalNonNull()
  @IsOneOf(INTERACTION_KINDS)
  kind?: InteractionKind;

  @ApiPropertyOptional()
  @OptionalNonNull()
  @NonEmptyText(300)
  subject?: string;

  @OptionalText(20_000, { nullable: true })
  summary?: string | null;

  @OptionalText(300, { nullable: true })
  location?: string | null;

  @LinkIds('contacts') contactIds?: string[];
  @LinkIds('local companies') companyIds?: string[];
  @LinkIds('partner institutions') partnerIds?: string[];
  @LinkId({ nullable: true }) tripId?: string | null;

  @LinkId({ nullable: true }) appointmentId?: string | null;

  @OptionalFlag()
  confidential?: boolean;
}

export const INTERACTION_SORTS = ['occurredAt', 'subject', 'createdAt', 'updatedAt'] as const;
export type InteractionSort = (typeof INTERACTION_SORTS)[number];
export const INTERACTION_DEFAULT_SORT = '-occurredAt';

export class InteractionListQuery extends ListQuery(
  INTERACTION_SORTS,
  INTERACTION_DEFAULT_SORT,
  'Words of the subject or summary, accent- and case-insensitive.',
) {
  @OptionalId({ description: 'Interactions with this contact.' })
  contactId?: string;

  @OptionalId({ description: 'Interactions with this local company.' })
  companyId?: string;

  @OptionalId({ description: 'Interactions with this partner.' })
  partnerId?: string;

  @OptionalId() tripId?: string;
  @OptionalId() appointmentId?: string;
  @OneOfFilter(INTERACTION_KINDS) kind?: InteractionKind;

  @UserIdOrMeFilter({ description: 'A user id, or `me` for the caller.', example: 'me' })
  authorId?: string;

  @ApiPropertyOptional({
    example: '2026-10-20T00:00:00+08:00',
    description: 'occurredAt at or after this instant (ISO 8601 with offset).',
  })
  @IsOptional()
  @QueryInstant()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-10-25T00:00:00+08:00',
    description: 'occurredAt before this instant (ISO 8601 with offset).',
  })
  @IsOptional()
  @QueryInstant()
  @IsInstant()
  to?: string;

  @FlagFilter() confidential?: boolean;
  @DeletedFilter() deleted?: boolean;
}

export class InteractionDto extends RecordDto {
  @ApiProperty({ example: '2026-10-20T01:30:00.000Z' }) occurredAt: string;
  @ApiProperty({ enum: INTERACTION_KINDS }) kind: InteractionKind;
  @ApiProperty() subject: string;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: String, nullable: true }) location: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) contactIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) companyIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) partnerIds: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) tripId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) appointmentId: string | null;
  @ApiProperty() confidential: boolean;
  @ApiProperty({ format: 'uuid' }) authorId: string;
}

export const toInteractionDto = (i: InteractionRecord): InteractionDto => ({
  id: i.id,
  occurredAt: i.occurredAt.toISOString(),
  kind: i.kind,
  subject: i.subject,
  summary: i.summary,
  location: i.location,
  contactIds: i.contactIds,
  companyIds: i.companyIds,
  partnerIds: i.partnerIds,
  tripId: i.tripId,
  appointmentId: i.appointmentId,
  confidential: i.confidential,
  authorId: i.authorId,
  ...recordStamps(i),
});
