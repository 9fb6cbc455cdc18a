import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { iso, OptionalId } from '../common/dto';
import { PageQuery } from '../common/pagination';
import { CreateContactDto } from '../contacts/contacts.dto';
import type { ContactMatch, OrganisationMatch } from './matches';
import type { CardFields } from './read';

export const CARD_SCAN_STATUSES = ['queued', 'reading', 'read', 'failed', 'saved'] as const;
export type CardScanStatus = (typeof CARD_SCAN_STATUSES)[number];

/** What the reader found and what it matched, as the job stores it in `card_scans.proposal`. */
export interface CardProposal {
  fields: CardFields;
  text: string;
  organisation: OrganisationMatch | null;
  matches: ContactMatch[];
}

/** A row of `card_scans` without its photos' bytes. */
export interface CardScanRecord {
  id: string;
  created_by: string;
  status: CardScanStatus;
  front_type: string | null;
  back_type: string | null;
  front_size: number | null;
  back_size: number | null;
  proposal: CardProposal | null;
  error: string | null;
  read_ms: number | null;
  contact_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export class CardFieldsDto {
  @ApiPropertyOptional({ example: '王芳' }) nativeName?: string;
  @ApiPropertyOptional({ example: 'Wang' }) familyName?: string;
  @ApiPropertyOptional({ example: 'Fang' }) givenName?: string;
  @ApiPropertyOptional({ example: 'Zhongguancun Science Park' }) organisation?: string;
  @ApiPropertyOptional({ example: '中关村科技园' }) nativeOrganisation?: string;
  @ApiPropertyOptional({ example: 'Director' }) position?: string;
  @ApiPropertyOptional({ example: '主任' }) nativePosition?: string;
  @ApiProperty({ type: [String] }) emails: string[];
  @ApiProperty({ type: [String], description: 'E.164, mobiles first' }) phones: string[];
  @ApiPropertyOptional() fax?: string;
  @ApiPropertyOptional() wechatId?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() nativeAddress?: string;
  @ApiPropertyOptional({ example: 'www.example.cn' }) website?: string;
  @ApiPropertyOptional({ example: 'CN', description: 'The country of the first phone.' })
  country?: string;
}

export class OrganisationMatchDto {
  @ApiProperty({ enum: ['company', 'partner'] }) entity: 'company' | 'partner';
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['key', 'similar'] }) by: 'key' | 'similar';
}

export class ContactMatchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String], description: 'email, phone, wechat, name, organisation' })
  reasons: string[];
  @ApiProperty() score: number;
}

export class CardProposalDto {
  @ApiProperty({ type: CardFieldsDto }) fields: CardFieldsDto;
  @ApiProperty({ description: 'The text read, line by line.' }) text: string;
  @ApiProperty({ type: OrganisationMatchDto, nullable: true })
  organisation: OrganisationMatchDto | null;
  @ApiProperty({
    type: [ContactMatchDto],
    description: 'Contacts the card may be, strongest first (the duplicate rule).',
  })
  matches: ContactMatchDto[];
}

export class CardImageDto {
  @ApiProperty({ enum: ['image/jpeg', 'image/png', 'image/webp'] }) type: string;
  @ApiProperty() bytes: number;
}

export class CardScanDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CARD_SCAN_STATUSES }) status: CardScanStatus;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({
    type: CardImageDto,
    nullable: true,
    description: 'Null once saved: the photos are then the contact’s.',
  })
  front: CardImageDto | null;
  @ApiProperty({ type: CardImageDto, nullable: true }) back: CardImageDto | null;
  @ApiProperty({ type: CardProposalDto, nullable: true }) proposal: CardProposalDto | null;
  @ApiProperty({ nullable: true }) error: string | null;
  @ApiProperty({ nullable: true, description: 'How long the reading took, in ms.' })
  readMs: number | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) contactId: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CardScanPageDto {
  @ApiProperty({ type: [CardScanDto] }) items: CardScanDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

export class CardScanListQuery extends OmitType(PageQuery, ['sort']) {}

const image = (type: string | null, size: number | null) =>
  type && size !== null ? { type, bytes: size } : null;

export const toCardScanDto = (r: CardScanRecord): CardScanDto => ({
  id: r.id,
  status: r.status,
  createdBy: r.created_by,
  front: image(r.front_type, r.front_size),
  back: image(r.back_type, r.back_size),
  proposal: r.proposal,
  error: r.error,
  readMs: r.read_ms,
  contactId: r.contact_id,
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/**
 * The fields the user confirmed, as a contact's (the contacts' own validators). With `contactId`
 * (and that contact's version in If-Match) they update it: names, position, organisation and
 * WeChat id take the values sent; an e-mail or phone it already holds otherwise is kept and the
 * new one added to the notes; notes are added to its notes. Without, a new contact is created
 * (familyName, or a Chinese nativeName, required).
 */
export class SaveCardScanDto extends PartialType(
  PickType(CreateContactDto, [
    'familyName',
    'givenName',
    'nativeName',
    'position',
    'companyId',
    'partnerId',
    'email',
    'phone',
    'wechatId',
    'country',
    'city',
    'notes',
  ] as const),
) {
  @OptionalId({ description: 'The existing contact to update; absent: a new contact.' })
  contactId?: string | null;
}

export class SavedCardScanDto {
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty({ enum: ['created', 'updated'] }) outcome: 'created' | 'updated';
  @ApiProperty({ type: CardScanDto }) scan: CardScanDto;
}

export class ContactCardDto {
  @ApiProperty({ enum: ['front', 'back'], isArray: true, description: 'Front first.' })
  sides: ('front' | 'back')[];
}
