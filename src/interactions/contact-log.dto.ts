import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { CreateContactDto } from '../contacts/contacts.dto';
import { CreateFollowUpDto } from '../follow-ups/follow-ups.dto';
import { CreateLeadDto } from '../leads/leads.dto';
import { CreateInteractionDto } from './interactions.dto';

/*
 * Each part of the log is the owner's own create DTO, narrowed to what the form asks: a record
 * logged here is validated exactly as one created through its own route.
 */

/** Someone met for the first time: what a business card or a conversation gives. */
export class NewContactDto extends PickType(CreateContactDto, [
  'familyName',
  'givenName',
  'nativeName',
  'position',
  'companyId',
  'partnerId',
  'country',
] as const) {}

export class LogFollowUpDto extends PickType(CreateFollowUpDto, [
  'title',
  'dueOn',
  'priority',
] as const) {}

export class LogLeadDto extends PickType(CreateLeadDto, [
  'companyId',
  'title',
  'valueEur',
] as const) {}

/**
 * One encounter logged in one go: who (existing and new people), what, and what comes next. The
 * encounter is an interaction as POST /interactions takes it, with people but no organisations.
 */
export class ContactLogDto extends OmitType(CreateInteractionDto, [
  'companyIds',
  'partnerIds',
] as const) {
  @ApiPropertyOptional({ type: [NewContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NewContactDto)
  newContacts?: NewContactDto[];

  @ApiPropertyOptional({ type: LogFollowUpDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LogFollowUpDto)
  followUp?: LogFollowUpDto;

  @ApiPropertyOptional({ type: LogLeadDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LogLeadDto)
  lead?: LogLeadDto;
}

export class ContactLogResultDto {
  @ApiProperty({ format: 'uuid' }) interactionId: string;
  @ApiProperty({ type: [String] }) contactIds: string[];
  @ApiProperty({ format: 'uuid', nullable: true }) followUpId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) leadId: string | null;
}
