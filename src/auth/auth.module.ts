import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService, JWT_SECRET } from './auth.service';
import { PasswordResets } from './password-reset.service';
import { RateLimits } from './rate-limits';
import { JwtStrategy, LocalStrategy } from './strategies';
import { MfaController, PasskeysController } from './mfa.controller';
import { Mfa } from './mfa.service';
import { Passkeys } from './passkeys.service';

@Module({})
export class AuthModule {
  static forRoot(jwtSecret: string): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule, JwtModule.register({ secret: jwtSecret })],
      controllers: [AuthController, MfaController, PasskeysController],
      providers: [
        AuthService,
        PasswordResets,
        Mfa,
        Passkeys,
        RateLimits,
        LocalStrategy,
        JwtStrategy,
        { provide: JWT_SECRET, useValue: jwtSecret },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [AuthService, PasswordResets, Mfa, Passkeys],
    };
  }
}
