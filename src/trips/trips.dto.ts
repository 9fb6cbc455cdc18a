import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { iso, QueryBoolean, Trim, TrimToNull, UpperCase } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { Trip, TRIP_STATUSES, type TripStatus } from './trip.entity';
import { IsDay, OmitOrValid } from './validators';

export class DestinationDto {
  @ApiProperty({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as CN or IL' })
  country: string;

  @ApiPropertyOptional({ example: 'Peking', nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  city?: string | null;
}

export class CreateTripDto {
  @ApiProperty({ example: 'Wirtschaftsreise China 2019' })
  @Trim()
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
  purpose?: string | null;

  @ApiPropertyOptional({ type: [DestinationDto], default: [] })
  @OmitOrValid()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => DestinationDto)
  destinations?: DestinationDto[];

  @ApiProperty({ example: '2019-10-20', format: 'date' })
  @IsDay()
  startsOn: string;

  @ApiProperty({ example: '2019-10-24', format: 'date', description: 'Last day, inclusive.' })
  @IsDay()
  endsOn: string;

  @ApiPropertyOptional({ enum: TRIP_STATUSES, default: 'planned' })
  @OmitOrValid()
  @IsIn(TRIP_STATUSES, { message: `status must be one of ${TRIP_STATUSES.join(', ')}` })
  status?: TripStatus;
}

/** A field sent as null is validated (and refused where the field cannot be empty). */
export class UpdateTripDto extends PartialType(CreateTripDto, { skipNullProperties: false }) {}

export const TRIP_SORTS = ['startsOn', 'endsOn', 'title', 'createdAt', 'updatedAt'] as const;
export type TripSort = (typeof TRIP_SORTS)[number];
export const TRIP_DEFAULT_SORT = '-startsOn';

export class TripListQuery extends PageQuery {
  @SortOf(TRIP_SORTS, TRIP_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({ description: 'Part of the title, accent- and case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: TRIP_STATUSES })
  @IsOptional()
  @IsIn(TRIP_STATUSES, { message: `status must be one of ${TRIP_STATUSES.join(', ')}` })
  status?: TripStatus;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Trips still under way on or after this day.',
  })
  @IsOptional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Trips begun on or before this day.' })
  @IsOptional()
  @IsDay()
  to?: string;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted trips (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class TripDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true }) purpose: string | null;
  @ApiProperty({ type: [DestinationDto] }) destinations: DestinationDto[];
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ enum: TRIP_STATUSES }) status: TripStatus;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
}

export const LEAD_STAGES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

export class ProducedLeadsDto {
  @ApiProperty() total: number;
  @ApiProperty({
    example: { new: 1, contacted: 0, qualified: 2, proposal: 0, won: 1, lost: 0 },
  })
  byStage: Record<LeadStage, number>;
}

/** What a trip produced. A company user sees only its own leads, no other counts (null). */
export class ProducedDto {
  @ApiProperty({ nullable: true, description: 'Interactions logged on the trip.' })
  interactions: number | null;
  @ApiProperty({ type: ProducedLeadsDto }) leads: ProducedLeadsDto;
  @ApiProperty({
    nullable: true,
    description: "Agreements signed at one of the trip's appointments.",
  })
  agreements: number | null;
}

export class TripDetailDto extends TripDto {
  @ApiProperty({ type: ProducedDto }) produced: ProducedDto;
}

export const toTripDto = (t: Trip): TripDto => ({
  id: t.id,
  title: t.title,
  purpose: t.purpose,
  destinations: t.destinations.map((d) => ({ country: d.country, city: d.city ?? null })),
  startsOn: t.startsOn,
  endsOn: t.endsOn,
  status: t.status,
  version: t.version,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
  deletedAt: iso(t.deletedAt),
});

export const toTripDetailDto = ({ trip, produced }: { trip: Trip; produced: ProducedDto }) => ({
  ...toTripDto(trip),
  produced,
});
