import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Forbidden, Unauthorized } from '../common/errors';
import { ACCESS_KEY, AccessDeclaration, Actor, RequestWithActor } from './actor';
import { can } from './permissions';

/**
 * The global guard. Deny by default: a route that declares neither @Allow nor @Public is refused.
 * Otherwise it authenticates the bearer token (passport-jwt) and checks the permission table.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(
      ACCESS_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (!declaration) {
      this.logger.error(
        `Route ${context.getClass().name}.${context.getHandler().name} declares no permission; refused.`,
      );
      throw new Forbidden('This route declares no permission and is refused.');
    }
    if ('public' in declaration) return true;

    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<RequestWithActor & { user?: Actor }>();
    const actor = request.user;
    if (!actor) throw new Unauthorized();
    request.actor = actor;
    if (!can(actor.role, declaration.action)) throw new Forbidden();
    return true;
  }

  /** Token problems arrive as a missing user (401); real failures (database down) pass through. */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw new Unauthorized('A valid access token is required.');
    return user;
  }
}
