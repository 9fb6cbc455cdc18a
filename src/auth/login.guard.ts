import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { BadInput, Unauthorized } from '../common/errors';
import { flattenValidationErrors } from '../common/validation-errors';
import { LoginDto } from './auth.dto';

/**
 * passport-local behind a shape check: a body without a string email and password is a 400
 * naming the field (passport-local alone would answer a bare 401).
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body: unknown = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw BadInput.field(
        'body',
        'malformed',
        'body must be a JSON object with email and password',
      );
    }
    const errors = await validate(plainToInstance(LoginDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length > 0) throw new BadInput(flattenValidationErrors(errors));
    return (await super.canActivate(context)) as boolean;
  }

  /** Token problems arrive as a missing user (401); real failures (database down) pass through. */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw new Unauthorized('Email or password is wrong.');
    return user;
  }
}
