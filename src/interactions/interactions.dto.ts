import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { iso, QueryBoolean, Trim, TrimToNull } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { isInstant } from './instant';
import { INTERACTION_KINDS, InteractionKind, InteractionRecord } from './interaction.entity';

const IsInstant = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 instant with offset on a real date, e.g. 2026-10-20T09:30:00+08:00`,
      },
    },
    options,
  );

/** In a query string an unencoded `+` arrives as a space: `…T09:30:00 08:00` means `+08:00`. */
const QueryInstant = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value,
  );

/** UUIDs compare in lower case, as PostgreSQL writes them. */
const LowerCase = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );

/** Validates the field when it is sent; `null` is refused (the field cannot be cleared). */
const IfPresent = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

const UUID_OR_ME =
  /^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export const MAX_LINKS = 200;

/**
 * A list of linked record ids: unique, at most MAX_LINKS. UUIDs are compared in lower case, so
 * the same id in two spellings counts as a duplicate rather than failing in the database.
 */
const LinkIds = (field: string, what: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      format: 'uuid',
      description: `Ids of the ${what} met; replaces the whole list when given.`,
    }),
    IfPresent(),
    Transform(({ value }: { value: unknown }) =>
      Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))
        : value,
    ),
    IsArray({ message: `${field} must be an array of ids` }),
    ArrayMaxSize(MAX_LINKS),
    IsUUID('all', { each: true, message: `${field} must hold UUIDs` }),
    ArrayUnique({ message: `${field} must not repeat an id` }),
  );

const KIND_MESSAGE = `kind must be one of ${INTERACTION_KINDS.join(', ')}`;

export class CreateInteractionDto {
  @ApiProperty({ example: '2026-10-20T09:30:00+08:00', description: 'ISO 8601 with offset.' })
  @IsInstant()
  occurredAt: string;

  @ApiPropertyOptional({ enum: INTERACTION_KINDS, default: 'meeting' })
  @IfPresent()
  @IsIn(INTERACTION_KINDS, { message: KIND_MESSAGE })
  kind?: InteractionKind;

  @ApiProperty({ example: 'Gespräch mit dem Technologiepark Zhongguancun' })
  @Trim()
  @IsString()
  @Length(1, 300)
  subject: string;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(20_000)
  summary?: string | null;

  @ApiPropertyOptional({ example: 'Beijing, Zhongguancun Science Park' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @LinkIds('contactIds', 'contacts')
  contactIds?: string[];

  @LinkIds('companyIds', 'local companies')
  companyIds?: string[];

  @LinkIds('partnerIds', 'partner institutions')
  partnerIds?: string[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @LowerCase()
  @IsUUID('all', { message: 'tripId must be a UUID' })
  tripId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'An appointment of the trip; given alone, its trip becomes the tripId.',
  })
  @IsOptional()
  @LowerCase()
  @IsUUID('all', { message: 'appointmentId must be a UUID' })
  appointmentId?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Only agency staff (admin, staff) see confidential interactions.',
  })
  @IfPresent()
  @IsBoolean({ message: 'confidential must be true or false' })
  confidential?: boolean;
}

/** PATCH: every field optional; a list given replaces the stored one. */
export class UpdateInteractionDto {
  @ApiPropertyOptional({ example: '2026-10-20T09:30:00+08:00' })
  @IfPresent()
  @IsInstant()
  occurredAt?: string;

  @ApiPropertyOptional({ enum: INTERACTION_KINDS })
  @IfPresent()
  @IsIn(INTERACTION_KINDS, { message: KIND_MESSAGE })
  kind?: InteractionKind;

  @ApiPropertyOptional()
  @IfPresent()
  @Trim()
  @IsString()
  @Length(1, 300)
  subject?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(20_000)
  summary?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @LinkIds('contactIds', 'contacts')
  contactIds?: string[];

  @LinkIds('companyIds', 'local companies')
  companyIds?: string[];

  @LinkIds('partnerIds', 'partner institutions')
  partnerIds?: string[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @LowerCase()
  @IsUUID('all', { message: 'tripId must be a UUID' })
  tripId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @LowerCase()
  @IsUUID('all', { message: 'appointmentId must be a UUID' })
  appointmentId?: string | null;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean({ message: 'confidential must be true or false' })
  confidential?: boolean;
}

export const INTERACTION_SORTS = ['occurredAt', 'subject', 'createdAt', 'updatedAt'] as const;
export type InteractionSort = (typeof INTERACTION_SORTS)[number];
export const INTERACTION_DEFAULT_SORT = '-occurredAt';

export class InteractionListQuery extends PageQuery {
  @SortOf(INTERACTION_SORTS, INTERACTION_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({
    description: 'Words of the subject or summary, accent- and case-insensitive.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Interactions with this contact.' })
  @IsOptional()
  @IsUUID('all', { message: 'contactId must be a UUID' })
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Interactions with this local company.' })
  @IsOptional()
  @IsUUID('all', { message: 'companyId must be a UUID' })
  companyId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Interactions with this partner.' })
  @IsOptional()
  @IsUUID('all', { message: 'partnerId must be a UUID' })
  partnerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'tripId must be a UUID' })
  tripId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'appointmentId must be a UUID' })
  appointmentId?: string;

  @ApiPropertyOptional({ enum: INTERACTION_KINDS })
  @IsOptional()
  @IsIn(INTERACTION_KINDS, { message: KIND_MESSAGE })
  kind?: InteractionKind;

  @ApiPropertyOptional({ description: 'A user id, or `me` for the caller.', example: 'me' })
  @IsOptional()
  @IsString()
  @Matches(UUID_OR_ME, { message: 'authorId must be a UUID or me' })
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

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'confidential must be true or false' })
  confidential?: boolean;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted records (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class InteractionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-10-20T01:30:00.000Z' }) occurredAt: string;
  @ApiProperty({ enum: INTERACTION_KINDS }) kind: InteractionKind;
  @ApiProperty() subject: string;
  @ApiProperty({ nullable: true }) summary: string | null;
  @ApiProperty({ nullable: true }) location: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) contactIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) companyIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) partnerIds: string[];
  @ApiProperty({ format: 'uuid', nullable: true }) tripId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) appointmentId: string | null;
  @ApiProperty() confidential: boolean;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
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
  version: i.version,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
  deletedAt: iso(i.deletedAt),
});
