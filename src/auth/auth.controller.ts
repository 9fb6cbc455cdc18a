import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
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

const toMeDto = (u: User): MeDto => toUserIdentity(u);

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResets,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginGuard)
  @ApiBody({ type: LoginDto })
  async login(@Req() request: FastifyRequest & { user: User }): Promise<TokenPairDto> {
    return this.auth.login(request.user, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  async refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Allow('account:self')
  @ApiBearerAuth()
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  @Get('me')
  @Allow('account:self')
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
