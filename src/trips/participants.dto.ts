import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  OptionalAmount,
  OptionalId,
  OptionalNonNull,
  OptionalText,
  RequiredText,
} from '../common/dto';
import { PageQuery } from '../common/pagination';
import { RecordDto, recordStamps } from '../common/record.dto';
import { COST_BEARERS, type CostBearer, CostReport } from './costs';
import { Participant } from './participant.entity';

export class CreateParticipantDto {
  @RequiredText(200, { example: 'Oberbürgermeister der Stadt Solingen' })
  name: string;

  @OptionalText(200, { example: 'Oberbürgermeister', nullable: true })
  function?: string | null;

  @OptionalId({
    nullable: true,
    description: "The delegate's company; empty for the city's and the agency's own delegates.",
  })
  companyId?: string | null;

  @OptionalId({ nullable: true, description: 'The login, if any.' })
  userId?: string | null;

  @ApiPropertyOptional({ enum: COST_BEARERS, default: 'self' })
  @OptionalNonNull()
  @IsIn(COST_BEARERS, { message: 'costBearer must be self or agency' })
  costBearer?: CostBearer;

  @OptionalAmount(999_999_999, { example: 2450 })
  estimatedCostEur?: number | null;
}

export class UpdateParticipantDto extends PartialType(CreateParticipantDto, {
  skipNullProperties: false,
}) {}

export class ParticipantListQuery extends PageQuery {}

export class ParticipantDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) tripId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) function: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "null for agency delegates, and for other companies' delegates to a company user",
  })
  companyId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId: string | null;
  @ApiProperty({
    enum: COST_BEARERS,
    nullable: true,
    description: "null to a company user for another company's or the agency's delegates",
  })
  costBearer: CostBearer | null;
  @ApiProperty({ type: Number, nullable: true }) estimatedCostEur: number | null;
}

export const toParticipantDto = (p: Participant): ParticipantDto => ({
  id: p.id,
  tripId: p.tripId,
  name: p.name,
  function: p.function,
  companyId: p.companyId,
  userId: p.userId,
  costBearer: p.costBearer,
  estimatedCostEur: p.estimatedCostEur,
  ...recordStamps(p),
});

export class BearerTotalDto {
  @ApiProperty() count: number;
  @ApiProperty() totalEur: number;
}

export class ByBearerDto {
  @ApiProperty({ type: BearerTotalDto }) self: BearerTotalDto;
  @ApiProperty({ type: BearerTotalDto }) agency: BearerTotalDto;
}

export class CostLineDto {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) function: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId: string | null;
  @ApiProperty({ enum: COST_BEARERS }) costBearer: CostBearer;
  @ApiProperty({ type: Number, nullable: true }) estimatedCostEur: number | null;
}

/** Who pays for the trip. A company user sees its own delegates' lines and their totals only. */
export class CostReportDto {
  @ApiProperty() participants: number;
  @ApiProperty({ type: ByBearerDto }) byBearer: ByBearerDto;
  @ApiProperty() agencyTotalEur: number;
  @ApiProperty() selfTotalEur: number;
  @ApiProperty({ type: [CostLineDto] }) lines: CostLineDto[];
}

export const toCostReportDto = (report: CostReport): CostReportDto => ({
  participants: report.participants,
  byBearer: report.byBearer,
  agencyTotalEur: report.agencyTotalEur,
  selfTotalEur: report.selfTotalEur,
  lines: report.lines.map((l) => ({ ...l })),
});
