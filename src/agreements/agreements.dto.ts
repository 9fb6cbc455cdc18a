import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length } from 'class-validator';
import {
  DeletedFilter,
  ListQuery,
  OneOf,
  OneOfFilter,
  OptionalDay,
  OptionalId,
  OptionalNonNull,
  OptionalText,
  RequiredId,
  RequiredText,
  TrimEach,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import {
  Agreement,
  AGREEMENT_KINDS,
  AGREEMENT_STATUSES,
  type AgreementKind,
  type AgreementStatus,
} from './agreement.entity';

export class CreateAgreementDto {
  @RequiredId({ description: 'The partner institution abroad.' })
  partnerId: string;

  @RequiredText(300, { example: 'Kooperationsvereinbarung mit dem Technologiepark Peking' })
  title: string;

  @OneOf(AGREEMENT_KINDS, { default: 'cooperation' })
  kind?: AgreementKind;

  @OneOf(AGREEMENT_STATUSES, { default: 'draft' })
  status?: AgreementStatus;

  @OptionalDay({ example: '2019-10-21', nullable: true })
  signedOn?: string | null;

  @OptionalId({ nullable: true, description: 'The appointment (Termin) it was signed at.' })
  appointmentId?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['Oberbürgermeister der Stadt Solingen'] })
  @OptionalNonNull()
  @TrimEach()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true, message: 'signatories must be names of 1 to 200 characters' })
  signatories?: string[];

  @OptionalDay({ nullable: true })
  validUntil?: string | null;

  @OptionalDay({ nullable: true, description: 'When to review it.' })
  reviewOn?: string | null;

  @OptionalText(10_000, { nullable: true })
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

export class AgreementListQuery extends ListQuery(
  AGREEMENT_SORTS,
  AGREEMENT_DEFAULT_SORT,
  'Part of the title or summary, accent-insensitive.',
) {
  @OptionalId() partnerId?: string;

  @OptionalId({ description: "Signed at one of this trip's appointments." })
  tripId?: string;

  @OneOfFilter(AGREEMENT_STATUSES) status?: AgreementStatus;
  @OneOfFilter(AGREEMENT_KINDS) kind?: AgreementKind;
  @DeletedFilter('agreements') deleted?: boolean;
}

export class AgreementDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind: AgreementKind;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty({ type: String, format: 'date', nullable: true }) signedOn: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) appointmentId: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The trip of the appointment (read-only).',
  })
  tripId: string | null;
  @ApiProperty({ type: [String] }) signatories: string[];
  @ApiProperty({ type: String, format: 'date', nullable: true }) validUntil: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) reviewOn: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
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
  ...recordStamps(a),
});
