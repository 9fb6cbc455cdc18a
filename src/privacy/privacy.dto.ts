import { ApiProperty } from '@nestjs/swagger';
import { AuditEventDto, toAuditEventDto } from '../audit/audit.dto';
import { iso } from '../common/dto';
import { ContactDto, toContactDto } from '../contacts/contacts.dto';
import type { ErasureReport, PersonalData } from './privacy.service';

export class PlaceDto {
  @ApiProperty({ example: 'leads' }) table: string;
  @ApiProperty({ example: 'contact_id' }) column: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class LegalBasisOfPersonDto {
  @ApiProperty({ nullable: true, example: 'public_task' }) basis: string | null;
  @ApiProperty({ nullable: true, description: 'Where it came from.' }) source: string | null;
  @ApiProperty({ nullable: true, description: 'When it was established.' })
  recordedAt: string | null;
}

const records = (description: string) =>
  ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description,
  });

/** Everything stored about a person (GDPR art. 15): `GET /api/v1/contacts/:id/personal-data`. */
export class PersonalDataDto {
  @ApiProperty({ description: 'When this answer was made.' }) generatedAt: string;
  @ApiProperty({ type: ContactDto, description: 'The contact, as the contact routes answer it.' })
  contact: ContactDto;
  @ApiProperty({ type: LegalBasisOfPersonDto })
  legalBasis: LegalBasisOfPersonDto;
  @ApiProperty({
    type: [ContactDto],
    description: 'Contacts merged into this one: the same person, entered twice.',
  })
  mergedContacts: ContactDto[];
  @records(
    'Interactions naming the person (deleted ones too): subject, summary, where, and the other participants as far as the caller may see them (id and names).',
  )
  interactions: Record<string, unknown>[];
  @records('Follow-ups about the person.')
  followUps: Record<string, unknown>[];
  @records('Leads naming the person as their contact, each with its notes.')
  leads: Record<string, unknown>[];
  @records('Trips the person appears in through an interaction, a lead or an appointment.')
  trips: Record<string, unknown>[];
  @records('Appointments of the person’s interactions and leads.')
  appointments: Record<string, unknown>[];
  @records('Delegates of those trips who bear the person’s name (delegates are named, not linked).')
  delegates: Record<string, unknown>[];
  @records('Rows of imports that created, updated or matched the person, with their values.')
  importRows: Record<string, unknown>[];
  @records(
    'The photos of the person’s business card kept with the contact: side, type, size, when (the image itself at /api/v1/contacts/:id/card/:side), and the scans saved into it with the fields read.',
  )
  cards: Record<string, unknown>[];
  @ApiProperty({
    type: [AuditEventDto],
    description: 'The history of the contact (and of those merged into it) in the audit log.',
  })
  history: AuditEventDto[];
  @ApiProperty({
    type: [PlaceDto],
    description:
      'Every place the person is named by id: each foreign key to contacts in the catalogue, import rows, the audit log, notifications, pairs marked not duplicate.',
  })
  places: PlaceDto[];
}

export function toPersonalDataDto(data: PersonalData): PersonalDataDto {
  const c = data.contact;
  return {
    generatedAt: new Date().toISOString(),
    contact: toContactDto(c, 'agency'),
    legalBasis: {
      basis: c.legalBasis,
      source: c.legalBasisSource,
      recordedAt: iso(c.legalBasisRecordedAt),
    },
    mergedContacts: data.merged.map((m) => toContactDto(m, 'agency')),
    interactions: data.interactions,
    followUps: data.followUps,
    leads: data.leads,
    trips: data.trips,
    appointments: data.appointments,
    delegates: data.delegates,
    importRows: data.importRows,
    cards: data.cards,
    history: data.history.map(toAuditEventDto),
    places: data.places,
  };
}

/** What an erasure changed (GDPR art. 17): which fields, how many rows per table; no value. */
export class ErasureDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Contact records erased: this one and those merged into it.' })
  contacts: number;
  @ApiProperty({ type: [String], description: 'The fields that held a value.' })
  fields: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Rows changed or removed, per table (or table.column for links).',
  })
  rows: Record<string, number>;
}

export const toErasureDto = (report: ErasureReport): ErasureDto => ({ ...report });
