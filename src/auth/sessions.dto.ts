import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals } from 'class-validator';
import { QueryBoolean } from '../common/dto';
import { PageQuery } from '../common/pagination';
import type { Session } from './session.entity';
import { clientLabel, clientName } from './user-agent';

export const SESSION_KINDS = ['browser', 'api'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** `DELETE /api/v1/me/sessions?others=true`: the one way to end several of one's sessions. */
export class EndOthersQuery {
  @ApiProperty({ enum: ['true'], description: 'Must be true: every session but this one ends.' })
  @QueryBoolean()
  @Equals(true, { message: 'others must be true' })
  others: boolean;
}

export class SessionListQuery extends PageQuery {}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind: SessionKind;
  @ApiProperty({ example: 'Chrome on Linux', description: 'Browser (or program) and system.' })
  client: string;
  @ApiProperty({ nullable: true, example: 'Chrome' }) browser: string | null;
  @ApiProperty({ nullable: true, example: 'Linux' }) os: string | null;
  @ApiProperty({ nullable: true }) userAgent: string | null;
  @ApiProperty({ nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'Recorded at most once a minute.' }) lastUsedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiPropertyOptional({ description: 'The session of this request.' }) current: boolean;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class EndedSessionsDto {
  @ApiProperty({ description: 'How many sessions ended.' }) ended: number;
}

export const sessionKind = (s: Pick<Session, 'webTokenHash'>): SessionKind =>
  s.webTokenHash ? 'browser' : 'api';

export function toSessionDto(s: Session, currentSessionId?: string): SessionDto {
  const name = clientName(s.userAgent);
  return {
    id: s.id,
    kind: sessionKind(s),
    client: clientLabel(name),
    browser: name.browser,
    os: name.os,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    current: s.id === currentSessionId,
  };
}
