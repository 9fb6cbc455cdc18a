import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Action, Role } from './permissions';

/** The caller, as every service receives it: who, in which role, for which company. */
export interface Actor {
  userId: string;
  role: Role;
  /** Set exactly for role `company`. */
  companyId: string | null;
  sessionId: string;
  /** Whether the user has a second factor (TOTP or a passkey), read with the session. */
  secondFactor?: boolean;
}

export const ACCESS_KEY = 'liaison:access';
export type AccessDeclaration = { public: true } | { action: Action };

/** The route needs this action from the permission table. */
export const Allow = (action: Action) =>
  SetMetadata(ACCESS_KEY, { action } satisfies AccessDeclaration);

/** The route is open to anyone, signed in or not. Said explicitly, never by omission. */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessDeclaration);

export const ENROLMENT_KEY = 'liaison:mfa-enrolment';
/**
 * The route stays open to a user whose role needs a second factor and who has none yet: the
 * enrolment itself, who am I, sign out. Every other route answers 403 mfaRequired.
 */
export const EnrolmentAllowed = () => SetMetadata(ENROLMENT_KEY, true);

export type RequestWithActor = FastifyRequest & { actor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
