import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { User } from '../users/user.entity';
import { toUserIdentity } from '../users/users.dto';
import { Actor, Allow, CurrentActor, Public } from './actor';
import {
  ChangePasswordDto,
  LoginDto,
  MeDto,
  PASSWORD_RESET_ANSWER,
  PasswordResetAnswerDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  TokenPairDto,
} from './auth.dto';
import { AuthService } from './auth.service';
import { PasswordResets } from './password-reset.service';
import { LoginGuard } from './login.guard';
import { LoginMfaDto, MfaChallengeDto, MfaTokenDto } from './mfa.dto';
import { Mfa, MFA_TOKEN_TTL_SECONDS } from './mfa.service';
import { relyingPartyOf, type PasskeyAnswer } from './passkeys.service';
import { EnrolmentAllowed } from './actor';

const toMeDto = (u: User): MeDto => toUserIdentity(u);

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResets,
    private readonly mfa: Mfa,
  ) {}

  /**
   * The password. A user with a second factor gets no tokens yet but a short-lived mfaToken for
   * the second step (POST login/mfa).
   */
  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginGuard)
  @ApiBody({ type: LoginDto })
  @ApiExtraModels(TokenPairDto, MfaChallengeDto)
  @ApiOkResponse({
    description:
      'The token pair; or, for a user with a second factor, `mfaRequired: true` and an mfaToken for POST /api/v1/auth/login/mfa.',
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokenPairDto) }, { $ref: getSchemaPath(MfaChallengeDto) }],
    },
  })
  async login(
    @Req() request: FastifyRequest & { user: User },
  ): Promise<TokenPairDto | MfaChallengeDto> {
    const methods = await this.mfa.methodsOf(request.user.id);
    if (methods.length > 0) {
      return {
        mfaRequired: true,
        mfaToken: this.mfa.issueMfaToken(request.user.id),
        methods,
        expiresIn: MFA_TOKEN_TTL_SECONDS,
      };
    }
    return this.auth.login(request.user, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  }

  /** The second step: a TOTP code, a recovery code or a passkey's answer → the token pair. */
  @Post('login/mfa')
  @Public()
  @HttpCode(200)
  async loginMfa(@Req() request: FastifyRequest, @Body() dto: LoginMfaDto): Promise<TokenPairDto> {
    const { user, method } = await this.mfa.verifySecondStep(
      dto.mfaToken,
      {
        code: dto.code,
        recoveryCode: dto.recoveryCode,
        passkey: dto.passkey as unknown as PasskeyAnswer | undefined,
      },
      { ip: request.ip, rp: relyingPartyOf(request) },
    );
    return this.auth.login(
      user,
      { ip: request.ip, userAgent: request.headers['user-agent'] },
      method,
    );
  }

  /** The WebAuthn request for the second step with a passkey (startAuthentication). */
  @Post('login/passkey-options')
  @Public()
  @HttpCode(200)
  async passkeyOptions(@Req() request: FastifyRequest, @Body() dto: MfaTokenDto): Promise<object> {
    return this.mfa.passkeyOptions(dto.mfaToken, relyingPartyOf(request));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  async refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Allow('account:self')
  @EnrolmentAllowed()
  @ApiBearerAuth()
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  @Get('me')
  @Allow('account:self')
  @EnrolmentAllowed()
  @ApiBearerAuth()
  async me(@CurrentActor() actor: Actor): Promise<MeDto> {
    return toMeDto(await this.auth.me(actor));
  }

  @Post('password')
  @Allow('account:self')
  @ApiBearerAuth()
  @HttpCode(204)
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.auth.changePassword(actor, dto.currentPassword, dto.newPassword);
  }

  /** The same 202 for every address: known, unknown, inactive or throttled. */
  @Post('password-reset')
  @Public()
  @HttpCode(202)
  async requestPasswordReset(
    @Req() request: FastifyRequest,
    @Body() dto: PasswordResetRequestDto,
  ): Promise<PasswordResetAnswerDto> {
    await this.resets.request(dto.email, request.ip);
    return PASSWORD_RESET_ANSWER;
  }

  /** Sets the password with the token of a reset or invitation mail; ends every session. */
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(204)
  async confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.resets.confirm(dto.token, dto.password);
  }
}
