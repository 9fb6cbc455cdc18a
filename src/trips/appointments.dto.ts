import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
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
  MaxLength,
} from 'class-validator';
import { iso, Trim, TrimToNull } from '../common/dto';
import { PageQuery } from '../common/pagination';
import { Appointment, APPOINTMENT_KINDS, type AppointmentKind } from './appointment.entity';
import { HOME_TIME_ZONE, localSpan } from './time';
import { IsInstant, IsTimeZone, OmitOrValid } from './validators';

export class CreateAppointmentDto {
  @ApiProperty({ example: 'Unterzeichnung der Kooperationsvereinbarung mit dem Technologiepark' })
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional({ enum: APPOINTMENT_KINDS, default: 'meeting' })
  @OmitOrValid()
  @IsIn(APPOINTMENT_KINDS, { message: `kind must be one of ${APPOINTMENT_KINDS.join(', ')}` })
  kind?: AppointmentKind;

  @ApiProperty({ example: '2019-10-21T14:00:00+08:00', description: 'An instant with its offset.' })
  @IsInstant()
  startsAt: string;

  @ApiProperty({ example: '2019-10-21T15:30:00+08:00', description: 'After startsAt.' })
  @IsInstant()
  endsAt: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'The IANA zone it happens in.' })
  @IsTimeZone()
  timeZone: string;

  @ApiPropertyOptional({ example: 'Peking', nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(300)
  venue?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'partnerId must be a UUID' })
  partnerId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'companyId must be a UUID' })
  companyId?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Only the attendees may attend (e.g. a state reception).',
  })
  @OmitOrValid()
  @IsBoolean({ message: 'restricted must be true or false' })
  restricted?: boolean;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Participants of this trip who attend; required when restricted.',
  })
  @OmitOrValid()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'attendeeIds must not repeat a participant' })
  @IsUUID('all', { each: true, message: 'attendeeIds must hold participant ids (UUIDs)' })
  attendeeIds?: string[];

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
  notes?: string | null;
}

export class UpdateAppointmentDto extends PartialType(CreateAppointmentDto, {
  skipNullProperties: false,
}) {}

export class AppointmentListQuery extends PageQuery {}

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

export class AppointmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
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
  @ApiProperty({ nullable: true }) city: string | null;
  @ApiProperty({ nullable: true }) venue: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) partnerId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) companyId: string | null;
  @ApiProperty() restricted: boolean;
  @ApiProperty({ type: [String], format: 'uuid' }) attendeeIds: string[];
  @ApiProperty({ nullable: true }) notes: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
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
  version: a.version,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  deletedAt: iso(a.deletedAt),
});
