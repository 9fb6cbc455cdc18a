import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';
import { NonEmptyText } from '../common/dto';
import type { MfaMethod } from './mfa.service';
import type { PasskeyRow } from './passkeys.service';

const METHODS: MfaMethod[] = ['totp', 'passkey', 'recoveryCode'];

export class MfaStatusDto {
  @ApiProperty({ description: 'An authenticator app (TOTP) is set up.' }) totp: boolean;
  @ApiProperty({ description: 'Unused recovery codes.' }) recoveryCodesLeft: number;
  @ApiProperty({ description: 'Registered passkeys.' }) passkeys: number;
  @ApiProperty({ description: "The user's role must have a second factor (MFA_REQUIRED_ROLES)." })
  required: boolean;
}

export class TotpEnrolmentDto {
  @ApiProperty({
    description:
      'The new secret (base32), to type in when the QR code cannot be scanned. Shown once.',
  })
  secret: string;
  @ApiProperty({ example: 'otpauth://totp/Liaison:staff%40liaison.test?issuer=Liaison&secret=…' })
  otpauthUri: string;
  @ApiProperty({ description: 'The otpauth URI as a QR code, an SVG document.' }) qrSvg: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'The current code of the authenticator app.' })
  @IsString()
  @Length(1, 20)
  code: string;
}

export class DisableTotpDto {
  @ApiPropertyOptional({ description: 'A current code; or give the password instead.' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Ten single-use codes, each standing in for a second factor once. Shown once.',
  })
  codes: string[];
}

export class PasskeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true }) lastUsedAt: Date | null;
}
export const toPasskeyDto = (p: PasskeyRow): PasskeyDto => ({ ...p });

export class RegisterPasskeyDto {
  @ApiProperty({ example: 'Laptop', maxLength: 100 })
  @NonEmptyText(100)
  name: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "The browser's answer to the options (RegistrationResponseJSON of @simplewebauthn/browser).",
  })
  @IsObject()
  response: Record<string, unknown>;
}

/** The answer to a sign-in of a user with a second factor: the second step comes next. */
export class MfaChallengeDto {
  @ApiProperty({ enum: [true] }) mfaRequired: true;
  @ApiProperty({
    description: 'For POST /api/v1/auth/login/mfa; lives 5 minutes, for this user only.',
  })
  mfaToken: string;
  @ApiProperty({ enum: METHODS, isArray: true }) methods: MfaMethod[];
  @ApiProperty({ description: 'Seconds until mfaToken expires.' }) expiresIn: number;
}

export class MfaTokenDto {
  @ApiProperty()
  @IsString()
  @Length(1, 2000)
  mfaToken: string;
}

export class LoginMfaDto extends MfaTokenDto {
  @ApiPropertyOptional({
    example: '123456',
    description: 'A current TOTP code. Exactly one of code, recoveryCode, passkey.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  code?: string;

  @ApiPropertyOptional({ example: 'abcde-fghjk' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  recoveryCode?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "The browser's answer to POST /api/v1/auth/login/passkey-options (AuthenticationResponseJSON).",
  })
  @IsOptional()
  @IsObject()
  passkey?: Record<string, unknown>;
}
