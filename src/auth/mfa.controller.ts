import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Actor, Allow, CurrentActor, EnrolmentAllowed } from './actor';
import {
  DisableTotpDto,
  MfaStatusDto,
  PasskeyDto,
  RecoveryCodesDto,
  RegisterPasskeyDto,
  toPasskeyDto,
  TotpCodeDto,
  TotpEnrolmentDto,
} from './mfa.dto';
import { Mfa } from './mfa.service';
import { Passkeys, relyingPartyOf } from './passkeys.service';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * The caller's own second factors: TOTP and recovery codes. Open before a required second factor
 * is set up (@EnrolmentAllowed). The answers that carry a secret (the TOTP secret, recovery
 * codes) take no Idempotency-Key: a kept answer would keep the secret in clear.
 */
@ApiTags('mfa')
@ApiBearerAuth()
@EnrolmentAllowed()
@Controller('api/v1/me/mfa')
export class MfaController {
  constructor(
    private readonly mfa: Mfa,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Allow('account:self')
  status(@CurrentActor() actor: Actor): Promise<MfaStatusDto> {
    return this.mfa.status(actor, this.config.mfaRequiredRoles.includes(actor.role));
  }

  /** Starts setting up an authenticator app: a new secret, confirmed by POST totp/confirm. */
  @Post('totp')
  @Allow('account:self')
  startTotp(@CurrentActor() actor: Actor): Promise<TotpEnrolmentDto> {
    return this.mfa.startTotp(actor);
  }

  @Post('totp/confirm')
  @Allow('account:self')
  @HttpCode(200)
  async confirmTotp(
    @CurrentActor() actor: Actor,
    @Body() dto: TotpCodeDto,
  ): Promise<RecoveryCodesDto> {
    return { codes: await this.mfa.confirmTotp(actor, dto.code) };
  }

  @Delete('totp')
  @Allow('account:self')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'TOTP is off; a current code or the password was given.' })
  async disableTotp(@CurrentActor() actor: Actor, @Body() dto: DisableTotpDto): Promise<void> {
    await this.mfa.disableTotp(actor, dto);
  }

  /** New recovery codes; the old ones stop working. */
  @Post('recovery-codes')
  @Allow('account:self')
  async renewRecoveryCodes(@CurrentActor() actor: Actor): Promise<RecoveryCodesDto> {
    return { codes: await this.mfa.regenerateRecoveryCodes(actor) };
  }
}

/** The caller's passkeys (WebAuthn) as a second factor. */
@ApiTags('mfa')
@ApiBearerAuth()
@EnrolmentAllowed()
@Controller('api/v1/me/passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: Passkeys) {}

  @Get()
  @Allow('account:self')
  async list(@CurrentActor() actor: Actor): Promise<PasskeyDto[]> {
    return (await this.passkeys.list(actor)).map(toPasskeyDto);
  }

  /** The options for the browser's navigator.credentials.create (startRegistration). */
  @Post('options')
  @Allow('account:self')
  @HttpCode(200)
  @Idempotent()
  options(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<object> {
    return this.passkeys.registrationOptions(actor, relyingPartyOf(request));
  }

  @Post('register')
  @Allow('account:self')
  @Idempotent()
  async register(
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Body() dto: RegisterPasskeyDto,
  ): Promise<PasskeyDto> {
    return toPasskeyDto(
      await this.passkeys.register(
        actor,
        relyingPartyOf(request),
        dto.name,
        dto.response as unknown as RegistrationResponseJSON,
      ),
    );
  }

  @Delete(':id')
  @Allow('account:self')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.passkeys.remove(actor, id);
  }
}
