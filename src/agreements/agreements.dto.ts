import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { iso, QueryBoolean, Trim, TrimToNull } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { IsDay, OmitOrValid } from '../trips/validators';
import {
  Agreement,
  AGREEMENT_KINDS,
  AGREEMENT_STATUSES,
  type AgreementKind,
  type AgreementStatus,
} from './agreement.entity';

const trimEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value,
  );

export class CreateAgreementDto {
  @ApiProperty({ format: 'uuid', description: 'The partner institution abroad.' })
  @IsUUID('all', { message: 'partnerId must be a UUID' })
  partnerId: string;

  @ApiProperty({ example: 'Kooperationsvereinbarung mit dem Technologiepark Peking' })
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional({ enum: AGREEMENT_KINDS, default: 'cooperation' })
  @OmitOrValid()
  @IsIn(AGREEMENT_KINDS, { message: `kind must be one of ${AGREEMENT_KINDS.join(', ')}` })
  kind?: AgreementKind;

  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES, default: 'draft' })
  @OmitOrValid()
  @IsIn(AGREEMENT_STATUSES, { message: `status must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  status?: AgreementStatus;

  @ApiPropertyOptional({ format: 'date', example: '2019-10-21', nullable: true })
  @IsOptional()
  @IsDay()
  signedOn?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The appointment (Termin) it was signed at.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'appointmentId must be a UUID' })
  appointmentId?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['Oberbürgermeister der Stadt Solingen'] })
  @OmitOrValid()
  @trimEach()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true, message: 'signatories must be names of 1 to 200 characters' })
  signatories?: string[];

  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @IsDay()
  validUntil?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, description: 'When to review it.' })
  @IsOptional()
  @IsDay()
  reviewOn?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
  summary?: string | null;
}

export class UpdateAgreementDto extends PartialType(CreateAgreementDto, {
  skipNullProperties: false,
}) {}

export const AGREEMENT_SORTS = [
  'title',
  'signedOn',
  'validUntil',
  'reviewOn',
  'createdAt',
  'updatedAt',
] as const;
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];
export const AGREEMENT_DEFAULT_SORT = '-createdAt';

export class AgreementListQuery extends PageQuery {
  @SortOf(AGREEMENT_SORTS, AGREEMENT_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({ description: 'Part of the title or summary, accent-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'partnerId must be a UUID' })
  partnerId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Signed at one of this trip's appointments.",
  })
  @IsOptional()
  @IsUUID('all', { message: 'tripId must be a UUID' })
  tripId?: string;

  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional()
  @IsIn(AGREEMENT_STATUSES, { message: `status must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  status?: AgreementStatus;

  @ApiPropertyOptional({ enum: AGREEMENT_KINDS })
  @IsOptional()
  @IsIn(AGREEMENT_KINDS, { message: `kind must be one of ${AGREEMENT_KINDS.join(', ')}` })
  kind?: AgreementKind;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted agreements (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class AgreementDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind: AgreementKind;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty({ format: 'date', nullable: true }) signedOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) appointmentId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    description: 'The trip of the appointment (read-only).',
  })
  tripId: string | null;
  @ApiProperty({ type: [String] }) signatories: string[];
  @ApiProperty({ format: 'date', nullable: true }) validUntil: string | null;
  @ApiProperty({ format: 'date', nullable: true }) reviewOn: string | null;
  @ApiProperty({ nullable: true }) summary: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
}

export const toAgreementDto = (a: Agreement): AgreementDto => ({
  id: a.id,
  partnerId: a.partnerId,
  title: a.title,
  kind: a.kind,
  status: a.status,
  signedOn: a.signedOn,
  appointmentId: a.appointmentId,
  tripId: a.tripId ?? null,
  signatories: a.signatories,
  validUntil: a.validUntil,
  reviewOn: a.reviewOn,
  summary: a.summary,
  version: a.version,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  deletedAt: iso(a.deletedAt),
});
