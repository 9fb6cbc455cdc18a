import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService, JWT_SECRET } from './auth.service';
import { PasswordResets } from './password-reset.service';
import { RateLimits } from './rate-limits';
import { Session } from './session.entity';
import { SessionListener } from './session-listener';
import { MySessionsController, UserSessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
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
      imports: [
        PassportModule,
        JwtModule.register({ secret: jwtSecret }),
        TypeOrmModule.forFeature([Session]),
      ],
      controllers: [
        AuthController,
        MfaController,
        PasskeysController,
        MySessionsController,
        UserSessionsController,
      ],
      providers: [
        AuthService,
        PasswordResets,
        SessionsService,
        Mfa,
        Passkeys,
        RateLimits,
        SessionListener,
        LocalStrategy,
        JwtStrategy,
        { provide: JWT_SECRET, useValue: jwtSecret },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [AuthService, PasswordResets, SessionsService, Mfa, Passkeys, SessionListener],
    };
  }
}
