import { ApiProperty } from '@nestjs/swagger';
import { IsDay, iso, RequiredText } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { LEGAL_BASES, type LegalBasis } from '../contacts/contact.entity';

export const REVIEW_SORTS = ['lastActivityAt', 'foundAt'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];
export const REVIEW_DEFAULT_SORT = 'lastActivityAt';

/** `GET /retention`: the open reviews, the longest quiet first. */
export class ReviewListQuery extends PageQuery {
  @SortOf(REVIEW_SORTS, REVIEW_DEFAULT_SORT)
  override sort?: string = undefined;
}

/** `POST /retention/:contactId/extend`: keep the contact until a later day, and why. */
export class ExtendDto {
  @ApiProperty({ format: 'date', example: '2027-12-31', description: 'A day after today.' })
  @IsDay()
  until: string;

  @RequiredText(2000, { example: 'A running investment project.' })
  reason: string;
}

export class ReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty() contactName: string;
  @ApiProperty() foundAt: string;
  @ApiProperty() lastActivityAt: string;
  @ApiProperty({ enum: LEGAL_BASES, nullable: true }) legalBasis: LegalBasis | null;
  @ApiProperty({ format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ nullable: true }) ownerName: string | null;
  @ApiProperty({ nullable: true, description: 'Admins only see restricted contacts.' })
  restrictedAt: string | null;
}

export class ReviewPageDto {
  @ApiProperty({ type: [ReviewDto] }) items: ReviewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ExtensionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty({ format: 'date' }) extendedUntil: string;
  @ApiProperty() reason: string;
  @ApiProperty() decidedAt: string;
}

export class ReviewRunDto {
  @ApiProperty({ description: 'Contacts newly due for review.' }) found: number;
  @ApiProperty({ description: 'Open reviews closed: the contact is active again or gone.' })
  closed: number;
}

/** One open review with what the list shows of its contact. */
export interface Review {
  id: string;
  contactId: string;
  contactName: string;
  foundAt: Date;
  lastActivityAt: Date;
  legalBasis: LegalBasis | null;
  ownerId: string | null;
  ownerName: string | null;
  restrictedAt: Date | null;
}

export const toReviewDto = (r: Review): ReviewDto => ({
  id: r.id,
  contactId: r.contactId,
  contactName: r.contactName,
  foundAt: r.foundAt.toISOString(),
  lastActivityAt: r.lastActivityAt.toISOString(),
  legalBasis: r.legalBasis,
  ownerId: r.ownerId,
  ownerName: r.ownerName,
  restrictedAt: iso(r.restrictedAt),
});
