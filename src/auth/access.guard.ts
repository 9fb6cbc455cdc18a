import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Forbidden, MfaRequired, SignInRequired, Unauthorized } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import {
  CSRF_KEY,
  csrfValid,
  ensureCsrfToken,
  fromAnotherSite,
  SESSION_COOKIE,
  WEB_KEY,
  WebRequest,
  webUserFor,
} from './browser-session';
import { ACCESS_KEY, AccessDeclaration, Actor, ENROLMENT_KEY, RequestWithActor } from './actor';
import { pageCallActor, PAGE_CALL_HEADER } from './page-calls';
import { Action, can } from './permissions';
import { NOT_RATE_LIMITED, RateLimits } from './rate-limits';

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * The global guard. Deny by default: a route that declares neither @Allow nor @Public is refused.
 * Otherwise it authenticates the bearer token (passport-jwt) and checks the permission table.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CSRF_KEY) private readonly csrfKey: Buffer,
    private readonly limits: RateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /**
   * The enrolment wall: a user whose role needs a second factor and who has none reaches only
   * the routes marked @EnrolmentAllowed() (setting one up, me, sign out, one's own sessions).
   */
  private checkSecondFactor(context: ExecutionContext, actor: Actor): void {
    if (actor.secondFactor !== false || !this.config.mfaRequiredRoles.includes(actor.role)) return;
    const open = this.reflector.getAllAndOverride<boolean>(ENROLMENT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!open) throw new MfaRequired();
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
    const request = context.switchToHttp().getRequest<RequestWithActor & { user?: Actor }>();
    // A page's own calls to the API are part of the page request, counted once.
    const pageActor = pageCallActor(request.headers[PAGE_CALL_HEADER]);
    const counted =
      !pageActor &&
      !this.reflector.getAllAndOverride<boolean>(NOT_RATE_LIMITED, [
        context.getHandler(),
        context.getClass(),
      ]);
    if (counted) await this.limits.address(request.ip);
    if (this.reflector.get<boolean>(WEB_KEY, context.getClass())) {
      return this.activatePage(context, declaration, counted);
    }
    if ('public' in declaration) return true;

    if (pageActor) request.user = pageActor;
    else await super.canActivate(context);
    const actor = request.user;
    if (!actor) throw new Unauthorized();
    request.actor = actor;
    if (counted) await this.limits.user(actor.userId);
    if (!can(actor.role, declaration.action)) throw new Forbidden();
    this.checkSecondFactor(context, actor);
    return true;
  }

  /**
   * Browser pages: the session cookie instead of a bearer token, and on every change a check that
   * the post came from this site with the CSRF token of its session (so the session comes first).
   */
  private async activatePage(
    context: ExecutionContext,
    declaration: AccessDeclaration,
    counted: boolean,
  ): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<WebRequest>();
    const user = await webUserFor(this.db, request.cookies?.[SESSION_COOKIE]);
    ensureCsrfToken(request, http.getResponse<FastifyReply>(), this.csrfKey, user?.sessionId);
    if (!SAFE_METHODS.includes(request.method)) {
      if (fromAnotherSite(request)) throw new Forbidden('A form of another site is refused.');
      if (!csrfValid(request))
        throw new Forbidden('The form has expired. Reload the page and try again.');
    }
    if (user) {
      request.actor = user;
      request.webUser = user;
      if (counted) await this.limits.user(user.userId);
    }
    if ('public' in declaration) return true;
    if (!user) throw new SignInRequired();
    if (!can(user.role, declaration.action as Action)) throw new Forbidden();
    this.checkSecondFactor(context, user);
    return true;
  }

  /** Token problems arrive as a missing user (401); real failures (database down) pass through. */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw new Unauthorized('A valid access token is required.');
    return user;
  }
}
