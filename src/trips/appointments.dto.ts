import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsUUID,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import {
  IdsFilter,
  IsInstant,
  OneOf,
  OptionalFlag,
  OptionalId,
  OptionalNonNull,
  OptionalText,
  RequiredText,
} from '../common/dto';
import { PageQuery } from '../common/pagination';
import { RecordDto, recordStamps } from '../common/record.dto';
import { Appointment, APPOINTMENT_KINDS, type AppointmentKind } from './appointment.entity';
import { canonicalTimeZone, HOME_TIME_ZONE, localSpan, parseInstant } from './time';

/** The instants the appointments' parser reads: milliseconds at most, year 1000 or later. */
const isAppointmentInstant = (value: unknown) => parseInstant(value) !== undefined;

/** An IANA time zone the server knows, e.g. `Asia/Shanghai`. */
const IsTimeZone = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value) => canonicalTimeZone(value) !== undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an IANA time zone such as Asia/Shanghai or Europe/Berlin`,
      },
    },
    options,
  );

export class CreateAppointmentDto {
  @RequiredText(300, {
    example: 'Unterzeichnung der Kooperationsvereinbarung mit dem Technologiepark',
  })
  title: string;

  @OneOf(APPOINTMENT_KINDS, { default: 'meeting' })
  kind?: AppointmentKind;

  @ApiProperty({ example: '2019-10-21T14:00:00+08:00', description: 'An instant with its offset.' })
  @IsInstant(isAppointmentInstant)
  startsAt: string;

  @ApiProperty({ example: '2019-10-21T15:30:00+08:00', description: 'After startsAt.' })
  @IsInstant(isAppointmentInstant)
  endsAt: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'The IANA zone it happens in.' })
  @IsTimeZone()
  timeZone: string;

  @OptionalText(200, { example: 'Peking', nullable: true })
  city?: string | null;

  @OptionalText(300, { nullable: true })
  venue?: string | null;

  @OptionalId({ nullable: true }) partnerId?: string | null;
  @OptionalId({ nullable: true }) companyId?: string | null;

  @OptionalFlag({
    default: false,
    description: 'Only the attendees may attend (e.g. a state reception).',
  })
  restricted?: boolean;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Participants of this trip who attend; required when restricted.',
  })
  @OptionalNonNull()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'attendeeIds must not repeat a participant' })
  @IsUUID('all', { each: true, message: 'attendeeIds must hold participant ids (UUIDs)' })
  attendeeIds?: string[];

  @OptionalText(10_000, { nullable: true })
  notes?: string | null;
}

export class UpdateAppointmentDto extends PartialType(CreateAppointmentDto, {
  skipNullProperties: false,
}) {}

export class AppointmentListQuery extends PageQuery {
  @IdsFilter() ids?: string[];
}

export class LocalSpanDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ format: 'date', example: '2019-10-21', description: 'The day it starts on.' })
  date: string;
  @ApiProperty({ example: '14:00' }) startTime: string;
  @ApiProperty({ format: 'date', description: 'The day it ends on (later past midnight).' })
  endDate: string;
  @ApiProperty({ example: '15:30' }) endTime: string;
  @ApiProperty({ example: '+08:00' }) utcOffset: string;
}

export class AppointmentDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) tripId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: APPOINTMENT_KINDS }) kind: AppointmentKind;
  @ApiProperty({ example: '2019-10-21T06:00:00.000Z' }) startsAt: string;
  @ApiProperty({ example: '2019-10-21T07:30:00.000Z' }) endsAt: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ type: LocalSpanDto, description: 'On the clocks where it happens.' })
  local: LocalSpanDto;
  @ApiProperty({ type: LocalSpanDto, description: `On the clocks at home (${HOME_TIME_ZONE}).` })
  home: LocalSpanDto;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty({ type: String, nullable: true }) venue: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) partnerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId: string | null;
  @ApiProperty() restricted: boolean;
  @ApiProperty({ type: [String], format: 'uuid' }) attendeeIds: string[];
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
}

export const toAppointmentDto = (a: Appointment): AppointmentDto => ({
  id: a.id,
  tripId: a.tripId,
  title: a.title,
  kind: a.kind,
  startsAt: a.startsAt.toISOString(),
  endsAt: a.endsAt.toISOString(),
  timeZone: a.timeZone,
  local: localSpan(a.startsAt, a.endsAt, a.timeZone),
  home: localSpan(a.startsAt, a.endsAt, HOME_TIME_ZONE),
  city: a.city,
  venue: a.venue,
  partnerId: a.partnerId,
  companyId: a.companyId,
  restricted: a.restricted,
  attendeeIds: a.attendeeIds ?? [],
  notes: a.notes,
  ...recordStamps(a),
});
