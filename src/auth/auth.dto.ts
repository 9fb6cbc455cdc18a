import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../config/config';
import { ROLES, type Role } from './permissions';

export class LoginDto {
  @ApiProperty({ example: 'staff@liaison.test' })
  @IsString()
  @Length(1, 254)
  email: string;

  @ApiProperty({ example: 'liaison-demo' })
  @IsString()
  @Length(1, 1024)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, {
    message: `newPassword must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
  })
  newPassword: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'staff@liaison.test' })
  @IsString()
  @Length(1, 254)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token of the link in the mail (after `#` or `token=`).' })
  @IsString()
  @Length(1, 200)
  token: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, {
    message: `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
  })
  password: string;
}

/** The one answer to every reset request, whatever became of it. */
export const PASSWORD_RESET_ANSWER = {
  detail: 'If the address belongs to an active account, a mail with a link is on its way.',
} as const;

export class PasswordResetAnswerDto {
  @ApiProperty({ example: PASSWORD_RESET_ANSWER.detail }) detail: string;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true }) companyId: string | null;
  @ApiProperty({ enum: ['de', 'en'] }) locale: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires.' }) expiresIn: number;
  @ApiProperty({ type: MeDto }) user: MeDto;
}
