import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { BadInput, Unauthorized } from '../common/errors';
import { createValidationPipe } from '../common/validation';
import { LoginDto } from './auth.dto';

/**
 * passport-local behind the validation every body gets (a guard runs before the pipe): a body
 * without a string email and password, or with text that is not well formed, is a 400 naming the
 * field (passport-local alone would answer a bare 401, or hand the text to the database).
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  private readonly validation = createValidationPipe();

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
    await this.validation.transform(body, { type: 'body', metatype: LoginDto });
    return (await super.canActivate(context)) as boolean;
  }

  /** Token problems arrive as a missing user (401); real failures (database down) pass through. */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw new Unauthorized('Email or password is wrong.');
    return user;
  }
}
