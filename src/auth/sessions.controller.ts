import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/params';
import { Actor, Allow, CurrentActor, EnrolmentAllowed } from './actor';
import {
  EndedSessionsDto,
  EndOthersQuery,
  SessionListQuery,
  SessionPageDto,
  toSessionDto,
} from './sessions.dto';
import { SessionsService } from './sessions.service';

/**
 * One's own sessions: see where one is signed in, end what one does not recognise — also before
 * a required second factor is set up (@EnrolmentAllowed): a stolen password's session is exactly
 * what such a user may need to end.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@EnrolmentAllowed()
@Controller('api/v1/me/sessions')
export class MySessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @Allow('account:self')
  @ApiOkResponse({ type: SessionPageDto })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: SessionListQuery,
  ): Promise<SessionPageDto> {
    const page = await this.sessions.list(actor.userId, query);
    return {
      items: page.items.map((s) => toSessionDto(s, actor.sessionId)),
      nextCursor: page.nextCursor,
    };
  }

  /** Ends every session but the one of this request (`?others=true` is required). */
  @Delete()
  @Allow('account:self')
  @ApiOkResponse({ type: EndedSessionsDto })
  async endOthers(
    @CurrentActor() actor: Actor,
    @Query() _query: EndOthersQuery,
  ): Promise<EndedSessionsDto> {
    return { ended: await this.sessions.endOthers(actor) };
  }

  @Delete(':id')
  @Allow('account:self')
  @HttpCode(204)
  async end(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.sessions.endOwn(actor, id);
  }
}

/** An admin's view of a user's sessions, and the way to sign that user out everywhere. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users/:id/sessions')
export class UserSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @Allow('user:update')
  @ApiOkResponse({ type: SessionPageDto })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: SessionListQuery,
  ): Promise<SessionPageDto> {
    await this.sessions.userExists(id);
    const page = await this.sessions.list(id, query);
    return {
      items: page.items.map((s) => toSessionDto(s, actor.sessionId)),
      nextCursor: page.nextCursor,
    };
  }

  @Delete()
  @Allow('user:update')
  @ApiOkResponse({ type: EndedSessionsDto })
  async endAll(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<EndedSessionsDto> {
    return { ended: await this.sessions.endAllOf(actor, id) };
  }
}
