import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import {
  DeletedFilter,
  IdsFilter,
  FlagFilter,
  IsId,
  iso,
  ListQuery,
  OptionalCountry,
  OptionalDay,
  OptionalId,
  OptionalNonNull,
  OptionalText,
  RequiredText,
  Trim,
  TrimEach,
  TrimToNull,
  UserIdOrMeFilter,
} from '../common/dto';
import { isInstant } from '../common/instant';
import { PageQuery } from '../common/pagination';
import { RecordDto, recordStamps } from '../common/record.dto';
import { Contact, LEGAL_BASES, LegalBasis } from './contact.entity';
import { isChineseName } from './names';

/** `en-us` → `en-US`, `zh-hans-cn` → `zh-Hans-CN`; anything Intl refuses is left for the validator. */
export function canonicalLanguageTag(tag: unknown): unknown {
  if (typeof tag !== 'string') return tag;
  try {
    return Intl.getCanonicalLocales(tag.trim())[0] ?? tag;
  } catch {
    return tag;
  }
}

/** A BCP 47 language tag as Intl understands it (`de`, `en-GB`, `zh-Hans-CN`). */
@ValidatorConstraint({ name: 'isLanguageTag' })
export class IsLanguageTag implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 35) return false;
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must hold BCP 47 language tags such as de, en-GB or zh-Hans-CN`;
  }
}

/** A small allowance for clocks that run slightly ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

@ValidatorConstraint({ name: 'isPastInstant' })
class IsPastInstant implements ValidatorConstraintInterface {
  /** An instant in any letter case, from 1900 on, to the microsecond at most. */
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const instant = value.toUpperCase();
    return (
      isInstant(instant) &&
      !/\.\d{7}/.test(instant) &&
      Number(instant.slice(0, 4)) >= 1900 &&
      Date.parse(instant) <= Date.now() + CLOCK_SKEW_MS
    );
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a real ISO 8601 date-time with offset, e.g. 2026-10-20T09:30:00+08:00, and not in the future`;
  }
}

/** companyId and partnerId: a contact works at one organisation at most. */
@ValidatorConstraint({ name: 'oneOrganisation' })
class OneOrganisation implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const body = args.object as { companyId?: unknown; partnerId?: unknown };
    return body.companyId == null || body.partnerId == null;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property}: a contact works at a company or at a partner, not both; send only one of companyId and partnerId`;
  }
}

/** Tags are compared without regard to case: `VIP` and `vip` are the same tag. */
const tagIdentity = (tag: unknown) => (typeof tag === 'string' ? tag.toLowerCase() : tag);

export class LegalBasisDto {
  @ApiProperty({ enum: LEGAL_BASES, example: 'public_task' })
  @IsIn(LEGAL_BASES, { message: `basis must be one of ${LEGAL_BASES.join(', ')}` })
  basis: LegalBasis;

  @ApiPropertyOptional({
    example: '2026-10-20T09:30:00+08:00',
    description: 'When the basis was established; defaults to now.',
  })
  @IsOptional()
  @Validate(IsPastInstant)
  recordedAt?: string | null;

  @OptionalText(500, { example: 'Business card exchanged at the Zhongguancun reception' })
  source?: string | null;
}

/**
 * familyName is required, unless nativeName is a name in Chinese script: then the family and
 * given name are derived from it (newContactNames). A familyName that is sent is validated.
 */
export const FamilyNameUnlessChinese = () =>
  ValidateIf(
    (body: { familyName?: unknown; nativeName?: unknown }) =>
      body.familyName !== undefined ||
      !isChineseName(typeof body.nativeName === 'string' ? body.nativeName : null),
  );

export const FAMILY_NAME_DESCRIPTION =
  'Required, unless nativeName is a name in Chinese script: then it is derived from it in pinyin (李明 → Li; 欧阳娜娜 → Ouyang), and so is givenName when left out (Ming; Nana).';

export class CreateContactDto {
  @ApiPropertyOptional({ example: 'Wang', description: FAMILY_NAME_DESCRIPTION })
  @FamilyNameUnlessChinese()
  @Trim()
  @IsString()
  @Length(1, 200)
  familyName?: string;

  @OptionalText(200, { example: 'Fang' })
  givenName?: string | null;

  @OptionalText(200, { example: '王芳', description: 'The name in its own script.' })
  nativeName?: string | null;

  @OptionalText(50, { example: 'Ms.' })
  salutation?: string | null;

  @OptionalText(200, { example: 'Head of International Cooperation' })
  position?: string | null;

  @OptionalId({ description: 'The local company the contact works at.' })
  @Validate(OneOrganisation)
  companyId?: string | null;

  @OptionalId({ description: 'The partner the contact works at.' })
  @Validate(OneOrganisation)
  partnerId?: string | null;

  @ApiPropertyOptional({ example: 'wang.fang@tech-park.example.cn' })
  @IsOptional()
  @TrimToNull()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: '+86 10 1234 5678' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @Matches(/^(?=(?:\D*\d){3})[+\d ()./-]{3,40}$/, {
    message: 'phone must be a phone number: digits, spaces and + ( ) - . / only',
  })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'wangfang_tp' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @Matches(/^\S{1,100}$/, { message: 'wechatId must be one word of at most 100 characters' })
  wechatId?: string | null;

  @ApiPropertyOptional({
    example: ['zh-CN', 'en'],
    description: 'BCP 47 language tags; stored in canonical form.',
  })
  @OptionalNonNull()
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map(canonicalLanguageTag) : value,
  )
  @IsArray()
  @ArrayMaxSize(20)
  @Validate(IsLanguageTag, { each: true })
  @ArrayUnique({ message: 'languages must not repeat a language' })
  languages?: string[];

  @OptionalCountry({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  country?: string | null;

  @OptionalText(200, { example: 'Beijing' })
  city?: string | null;

  @OptionalText(10_000, { description: 'Internal notes of the agency.' })
  notes?: string | null;

  @ApiPropertyOptional({ example: ['delegation-2026', 'signing'] })
  @OptionalNonNull()
  @TrimEach()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 50, { each: true, message: 'tags must each be 1 to 50 characters' })
  @ArrayUnique(tagIdentity, { message: 'tags must not repeat a tag (case does not count)' })
  tags?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An active admin or staff user; defaults to whoever creates the contact.',
  })
  @OptionalNonNull()
  @IsId()
  ownerId?: string;

  @ApiPropertyOptional({ type: LegalBasisDto, nullable: true })
  @IsOptional()
  @IsObject({ message: 'legalBasis must be an object {basis, recordedAt, source}' })
  @ValidateNested()
  @Type(() => LegalBasisDto)
  legalBasis?: LegalBasisDto | null;
}

/** PATCH: every field optional; `null` clears a nullable field and is refused for the others. */
export class UpdateContactDto extends PartialType(CreateContactDto, {
  skipNullProperties: false,
}) {}

export const CONTACT_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];
export const CONTACT_DEFAULT_SORT = 'name';

/** How a search is listed by name: one rule with the search box (contactNameBeginsWith). */
const BY_NAME_WITH_Q =
  'With `q` (not with `deleted=true`), `name` lists first the contacts whose name begins with the ' +
  'term (family name, then given name; the term as searched: lower case, without accents or ' +
  'punctuation), in byte order (COLLATE "C"), then the other matches by name; `-name` is the ' +
  'exact reverse.';

export class ContactListQuery extends ListQuery(
  CONTACT_SORTS,
  CONTACT_DEFAULT_SORT,
  `Part of a name (pinyin works for Chinese script), email or organisation, accent- and case-insensitive. ${BY_NAME_WITH_Q}`,
  `A field to sort by, \`-field\` for descending. ${BY_NAME_WITH_Q}`,
) {
  @OptionalId() companyId?: string;
  @OptionalId() partnerId?: string;
  @UserIdOrMeFilter() ownerId?: string;
  @OptionalCountry({ example: 'CN' }) country?: string;

  @ApiPropertyOptional({ example: 'signing' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  tag?: string;

  @DeletedFilter()
  deleted?: boolean;

  @IdsFilter()
  ids?: string[];

  @FlagFilter({ description: 'true: only contacts whose processing is restricted (admins).' })
  restricted?: boolean;
}

/** `POST /contacts/:id/restriction`: why the processing is restricted (GDPR art. 18). */
export class RestrictionDto {
  @RequiredText(2000, { example: 'The contact disputes the accuracy of the data.' })
  reason: string;
}

/** `POST /contacts/:id/objection`: the objection (GDPR art. 21), on a day (default today). */
export class ObjectionDto {
  @OptionalText(2000, { example: 'Objected by mail to any further contact.' })
  note?: string | null;

  @OptionalDay({ description: 'The day the objection was made; today when absent.' })
  at?: string;
}

/** The timeline is always newest first: `?limit=&cursor=` only. */
export class TimelineQuery extends OmitType(PageQuery, ['sort']) {}

export class LegalBasisOutDto {
  @ApiProperty({ enum: LEGAL_BASES }) basis: LegalBasis;
  @ApiProperty({ type: String, nullable: true }) recordedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
}

export class ContactDto extends RecordDto {
  @ApiProperty() familyName: string;
  @ApiProperty({ type: String, nullable: true }) givenName: string | null;
  @ApiProperty({ type: String, nullable: true }) nativeName: string | null;
  @ApiProperty({ type: String, nullable: true }) salutation: string | null;
  @ApiProperty({ type: String, nullable: true }) position: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) companyId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, nullable: true }) wechatId: string | null;
  @ApiProperty({ type: [String] }) languages: string[];
  @ApiProperty({ type: String, nullable: true }) country: string | null;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Agency users only.' })
  notes?: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Agency users only.' })
  tags?: string[];
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) ownerId: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The contact this one was merged into.',
  })
  mergedIntoId: string | null;
  @ApiPropertyOptional({
    type: LegalBasisOutDto,
    nullable: true,
    description: 'Agency users only.',
  })
  legalBasis?: LegalBasisOutDto | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When processing was restricted (GDPR art. 18); agency users only. Read-only.',
  })
  restrictedAt?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Agency users only. Read-only.',
  })
  restrictionReason?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When the contact objected (GDPR art. 21); agency users only. Read-only.',
  })
  objectedAt?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Agency users only. Read-only.',
  })
  objectionNote?: string | null;
}

/**
 * A company user sees the people linked to its leads, but not the agency's own working data
 * about them (notes, tags, the GDPR legal basis): the agency shares what the lead needs.
 */
export type ContactView = 'agency' | 'company';

export const toContactDto = (c: Contact, view: ContactView = 'agency'): ContactDto => ({
  id: c.id,
  familyName: c.familyName,
  givenName: c.givenName,
  nativeName: c.nativeName,
  salutation: c.salutation,
  position: c.position,
  companyId: c.companyId,
  partnerId: c.partnerId,
  email: c.email,
  phone: c.phone,
  wechatId: c.wechatId,
  languages: c.languages,
  country: c.country,
  city: c.city,
  ...(view === 'agency' && {
    notes: c.notes,
    tags: c.tags,
    legalBasis: c.legalBasis
      ? {
          basis: c.legalBasis,
          recordedAt: iso(c.legalBasisRecordedAt),
          source: c.legalBasisSource,
        }
      : null,
    restrictedAt: iso(c.restrictedAt),
    restrictionReason: c.restrictionReason,
    objectedAt: iso(c.objectedAt),
    objectionNote: c.objectionNote,
  }),
  ownerId: c.ownerId,
  mergedIntoId: c.mergedIntoId,
  ...recordStamps(c),
});

export const TIMELINE_TYPES = ['interaction', 'followUp', 'lead'] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

/**
 * What happened at `at`: an interaction took place; a follow-up was done, is due, or (with
 * neither) was written down; a lead was created or changed its stage.
 */
export const TIMELINE_EVENTS = ['occurred', 'completed', 'due', 'created', 'stageChanged'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

/** One row of a contact's timeline, as the service reads it. */
export interface TimelineEntry {
  type: TimelineType;
  event: TimelineEvent;
  id: string;
  at: Date;
  title: string;
  kind: string | null;
  summary: string | null;
  location: string | null;
  confidential: boolean | null;
  tripId: string | null;
  status: string | null;
  priority: string | null;
  dueOn: string | null;
  completedAt: Date | null;
  stage: string | null;
  fromStage: string | null;
  valueEur: number | null;
  companyId: string | null;
}

export class TimelineItemDto {
  @ApiProperty({ enum: TIMELINE_TYPES }) type: TimelineType;
  @ApiProperty({
    enum: TIMELINE_EVENTS,
    description:
      'interaction: occurred; followUp: completed, due or created; lead: created or stageChanged.',
  })
  event: TimelineEvent;
  @ApiProperty({
    format: 'uuid',
    description: 'The record’s id (a lead’s items share it: created, then each stage change).',
  })
  id: string;
  @ApiProperty({
    description:
      'When it happened: an interaction’s occurredAt; a follow-up’s completedAt when done, else the start of its dueOn in Europe/Berlin, else its createdAt; a lead’s createdAt, or the time of the stage change.',
  })
  at: string;
  @ApiProperty({ description: 'Subject of an interaction, title of a follow-up or lead.' })
  title: string;
  @ApiPropertyOptional({ description: 'interaction: meeting, call, …' }) kind?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'interaction: its summary, cut at 500 characters (ending in …).',
  })
  summary?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'interaction' }) location?:
    string | null;
  @ApiPropertyOptional({ description: 'interaction' }) confidential?: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'interaction' })
  tripId?: string | null;
  @ApiPropertyOptional({ description: 'followUp: open, done, cancelled' }) status?: string;
  @ApiPropertyOptional({ description: 'followUp: low, normal, high' }) priority?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'followUp, YYYY-MM-DD' })
  dueOn?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'followUp' }) completedAt?:
    string | null;
  @ApiPropertyOptional({
    description: 'lead: its stage now (created), the stage it moved to (stageChanged).',
  })
  stage?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'lead: the stage it left (stageChanged); null for created.',
  })
  fromStage?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'lead, EUR' }) valueEur?:
    number | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'lead: the local company' })
  companyId?: string;
}

export class TimelinePageDto {
  @ApiProperty({ type: [TimelineItemDto] }) items: TimelineItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toTimelineItemDto(e: TimelineEntry): TimelineItemDto {
  const base = { type: e.type, event: e.event, id: e.id, at: e.at.toISOString(), title: e.title };
  switch (e.type) {
    case 'interaction':
      return {
        ...base,
        kind: e.kind!,
        summary: e.summary,
        location: e.location,
        confidential: e.confidential!,
        tripId: e.tripId,
      };
    case 'followUp':
      return {
        ...base,
        status: e.status!,
        priority: e.priority!,
        dueOn: e.dueOn,
        completedAt: iso(e.completedAt),
      };
    case 'lead':
      return {
        ...base,
        stage: e.stage!,
        fromStage: e.fromStage,
        valueEur: e.valueEur,
        companyId: e.companyId!,
      };
  }
}
