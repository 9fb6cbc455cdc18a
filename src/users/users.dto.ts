import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { InvitationState } from '../auth/password-tokens';
import { ROLES, type Role } from '../auth/permissions';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../config/config';
import {
  FlagFilter,
  IsFlag,
  IsOneOf,
  ListQuery,
  NonEmptyText,
  OneOfFilter,
  OptionalId,
  OptionalNonNull,
  RequiredText,
  SearchTerm,
} from '../common/dto';
import { PageQuery } from '../common/pagination';
import { normalizeEmail } from './email';
import { LOCALES, type Locale, User } from './user.entity';

/** The address in its one spelling (./email.ts) before it is validated, stored and compared. */
const NormalizedEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalizeEmail(value) : value,
  );

const PASSWORD_MESSAGE = `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`;

export class CreateUserDto {
  @ApiProperty({ example: 'anna.schmidt@wirtschaftsfoerderung.example' })
  @NormalizedEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @RequiredText(120, { example: 'Anna Schmidt' })
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsOneOf(ROLES)
  role: Role;

  @OptionalId({ description: 'Required for role company, forbidden otherwise.' })
  companyId?: string | null;

  @ApiPropertyOptional({ enum: LOCALES, default: 'de' })
  @IsOptional()
  @IsOneOf(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description:
      'Left out: the user gets an invitation mail and chooses the password (link valid 7 days).',
  })
  @OptionalNonNull()
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, { message: PASSWORD_MESSAGE })
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @OptionalNonNull()
  @NormalizedEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @OptionalNonNull()
  @NonEmptyText(120)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @OptionalNonNull()
  @IsOneOf(ROLES)
  role?: Role;

  @OptionalId({ nullable: true })
  companyId?: string | null;

  @ApiPropertyOptional({ enum: LOCALES })
  @OptionalNonNull()
  @IsOneOf(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({
    description: 'false deactivates the user and ends all its sessions at once.',
  })
  @OptionalNonNull()
  @IsFlag()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Sets a new password (an admin reset); ends all sessions.' })
  @OptionalNonNull()
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, { message: PASSWORD_MESSAGE })
  password?: string;
}

export class UserListQuery extends PageQuery {
  @SearchTerm('Part of the name or email.')
  q?: string;

  @OneOfFilter(ROLES) role?: Role;
  @OptionalId() companyId?: string;
  @FlagFilter() active?: boolean;
}

/** The people a picker of owner or assignee offers: active agency staff (admin, staff). */
export const DIRECTORY_ROLES = ['admin', 'staff'] as const satisfies readonly Role[];

export const DIRECTORY_SORTS = ['displayName'] as const;
export type DirectorySort = (typeof DIRECTORY_SORTS)[number];
export const DIRECTORY_DEFAULT_SORT = 'displayName';

export class UserDirectoryQuery extends ListQuery(
  DIRECTORY_SORTS,
  DIRECTORY_DEFAULT_SORT,
  'Part of the name, accent- and case-insensitive.',
) {}

export class UserDirectoryEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Anna Beispiel' }) displayName: string;
  @ApiProperty({ enum: DIRECTORY_ROLES }) role: Role;
}

export class UserDirectoryPageDto {
  @ApiProperty({ type: [UserDirectoryEntryDto] }) items: UserDirectoryEntryDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

export const toUserDirectoryEntryDto = (u: User): UserDirectoryEntryDto => ({
  id: u.id,
  displayName: u.displayName,
  role: u.role,
});

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true }) companyId: string | null;
  @ApiProperty({ enum: LOCALES }) locale: Locale;
  @ApiProperty() active: boolean;
  @ApiProperty({ nullable: true }) lastLoginAt: string | null;
  @ApiProperty({
    enum: ['pending', 'expired'],
    nullable: true,
    description:
      'The newest invitation: not yet accepted and still valid (pending), or lapsed unused (expired).',
  })
  invitation: InvitationState;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

/** Who a user is: the part of a user's answer that `GET /auth/me` gives the user itself. */
export const toUserIdentity = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  companyId: u.companyId,
  locale: u.locale,
});

export const toUserDto = (u: User): UserDto => ({
  ...toUserIdentity(u),
  active: u.active,
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  invitation: u.invitation ?? null,
  version: u.version,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});
