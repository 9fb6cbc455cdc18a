import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import {
  DeletedFilter,
  IdsFilter,
  IsCountry,
  IsDay,
  ListQuery,
  OneOf,
  OneOfFilter,
  OptionalDay,
  OptionalNonNull,
  OptionalText,
  RequiredText,
  UpperCase,
  UserIdOrMeFilter,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import { Trip, TRIP_STATUSES, type TripStatus } from './trip.entity';

export class DestinationDto {
  @ApiProperty({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @UpperCase()
  @IsCountry()
  country: string;

  @OptionalText(200, { example: 'Peking', nullable: true })
  city?: string | null;
}

export class CreateTripDto {
  @RequiredText(200, { example: 'Wirtschaftsreise China 2019' })
  title: string;

  @OptionalText(10_000, { nullable: true })
  purpose?: string | null;

  @ApiPropertyOptional({ type: [DestinationDto], default: [] })
  @OptionalNonNull()
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

  @OneOf(TRIP_STATUSES, { default: 'planned' })
  status?: TripStatus;
}

/** A field sent as null is validated (and refused where the field cannot be empty). */
export class UpdateTripDto extends PartialType(CreateTripDto, { skipNullProperties: false }) {}

export const TRIP_SORTS = ['startsOn', 'endsOn', 'title', 'createdAt', 'updatedAt'] as const;
export type TripSort = (typeof TRIP_SORTS)[number];
export const TRIP_DEFAULT_SORT = '-startsOn';

export class TripListQuery extends ListQuery(
  TRIP_SORTS,
  TRIP_DEFAULT_SORT,
  'Part of the title, accent- and case-insensitive.',
) {
  @OneOfFilter(TRIP_STATUSES) status?: TripStatus;

  @OptionalDay({ description: 'Trips still under way on or after this day.' })
  from?: string;

  @OptionalDay({ description: 'Trips begun on or before this day.' })
  to?: string;

  @UserIdOrMeFilter({
    description: 'Trips this user travels on as a delegate; `me` for the caller.',
    example: 'me',
  })
  travellerId?: string;

  @DeletedFilter('trips') deleted?: boolean;
  @IdsFilter() ids?: string[];
}

export class TripDto extends RecordDto {
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) purpose: string | null;
  @ApiProperty({ type: [DestinationDto] }) destinations: DestinationDto[];
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ enum: TRIP_STATUSES }) status: TripStatus;
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
  @ApiProperty({ type: Number, nullable: true, description: 'Interactions logged on the trip.' })
  interactions: number | null;
  @ApiProperty({ type: ProducedLeadsDto }) leads: ProducedLeadsDto;
  @ApiProperty({
    type: Number,
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
  ...recordStamps(t),
});

export const toTripDetailDto = ({ trip, produced }: { trip: Trip; produced: ProducedDto }) => ({
  ...toTripDto(trip),
  produced,
});
