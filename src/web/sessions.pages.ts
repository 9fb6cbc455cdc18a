import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, EnrolmentAllowed } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import type { SessionDto, SessionPageDto } from '../auth/sessions.dto';
import { UuidParam } from '../common/params';
import { dateTime } from './kit/format';
import { Html, html } from './kit/html';
import type { Locale } from './kit/i18n';
import { csrfField, doneNotice, PageContext, pageContext, titledPage } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { sessionWords as w } from './sessions.words';

const CURSOR = /^[A-Za-z0-9_.~-]{1,2000}$/;

/** "Firefox unter Windows": the API's browser and system in the page's words. */
const clientOf = (l: Locale, s: SessionDto): string =>
  s.browser && s.os
    ? `${s.browser} ${w(l, 'on')} ${s.os}`
    : (s.browser ?? s.os ?? w(l, 'unknownClient'));

/**
 * Sessions as a table (cards on a phone), the current one marked. `endAction` makes the "end"
 * button of each other row post to that session's address.
 */
export function sessionsTable(
  ctx: PageContext,
  sessions: SessionDto[],
  endAction?: (s: SessionDto) => string,
): Html {
  const l = ctx.locale;
  if (sessions.length === 0) return html`<p class="muted" id="no-sessions">${w(l, 'none')}</p>`;
  return html`<div class="table-wrap"><table class="list sessions" id="sessions">
    <caption class="visually-hidden">${w(l, 'title')}</caption>
    <thead>
      <tr>
        <th scope="col">${w(l, 'client')}</th>
        <th scope="col">${w(l, 'kind')}</th>
        <th scope="col">${w(l, 'address')}</th>
        <th scope="col">${w(l, 'created')}</th>
        <th scope="col">${w(l, 'lastUsed')}</th>
        ${endAction ? html`<th scope="col"><span class="visually-hidden">${w(l, 'end')}</span></th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${sessions.map(
        (
          s,
        ) => html`<tr id="session-${s.id}"${s.current ? html` class="current" aria-current="true"` : ''}>
          <td class="primary"><span title="${s.userAgent ?? ''}">${clientOf(l, s)}</span>${
            s.current
              ? html` <span class="badge ok" id="current-session">${w(l, 'current')}</span>`
              : ''
          }</td>
          <td data-label="${w(l, 'kind')}">${w(l, s.kind === 'browser' ? 'kind_browser' : 'kind_api')}</td>
          <td data-label="${w(l, 'address')}">${s.ip ?? ''}</td>
          <td data-label="${w(l, 'created')}">${dateTime(s.createdAt, l)}</td>
          <td data-label="${w(l, 'lastUsed')}">${dateTime(s.lastUsedAt, l)}</td>
          ${
            endAction
              ? html`<td>${
                  s.current
                    ? ''
                    : html`<form method="post" action="${endAction(s)}" class="inline" data-confirm="${w(l, 'endConfirm')}">
                        ${csrfField(ctx)}<button type="submit" class="danger" id="end-${s.id}">${w(l, 'end')}</button>
                      </form>`
                }</td>`
              : ''
          }
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

/** A "more" link when the API has a next page. */
const moreLink = (ctx: PageContext, path: string, next: string | null): Html =>
  next
    ? html`<p><a class="button" id="more-sessions" href="${path}?cursor=${encodeURIComponent(next)}">${w(ctx.locale, 'more')}</a></p>`
    : html``;

/** `/account/sessions`: where one is signed in, with "end" per session and "end all others". */
@ApiExcludeController()
@WebPages()
@EnrolmentAllowed()
@Controller('account/sessions')
export class SessionPages {
  constructor(private readonly api: WebApi) {}

  @Get()
  @Allow('account:self')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const cursor = CURSOR.test(ctx.query.cursor ?? '') ? ctx.query.cursor : undefined;
    const page = await this.api.get<SessionPageDto>(
      ctx.user!,
      `/api/v1/me/sessions?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const others = page.items.some((s) => !s.current) || !!page.nextCursor;
    const body = html`${doneNotice(ctx, ['ended', 'endedOthers'] as const, w)}
      <p>${w(l, 'intro')}</p>
      ${
        others
          ? html`<form method="post" action="/account/sessions/end-others" class="actions" data-confirm="${w(l, 'endOthersConfirm')}">
              ${csrfField(ctx)}<button type="submit" class="danger" id="end-others">${w(l, 'endOthers')}</button>
            </form>`
          : ''
      }
      ${sessionsTable(ctx, page.items, (s) => `/account/sessions/${s.id}/end`)}
      ${moreLink(ctx, '/account/sessions', page.nextCursor)}`;
    sendPage(reply, titledPage(ctx, w(l, 'title'), body));
  }

  @Post(':id/end')
  @Allow('account:self')
  async end(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'DELETE', `/api/v1/me/sessions/${id}`);
    if (answer.status !== 204) throw new ApiError(answer as never);
    redirect(request, reply, '/account/sessions?done=ended');
  }

  @Post('end-others')
  @Allow('account:self')
  async endOthers(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call(
      request.webUser!,
      'DELETE',
      '/api/v1/me/sessions?others=true',
    );
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/account/sessions?done=endedOthers');
  }
}

/** On an admin's user page: that user's sessions and "end all sessions". */
export async function userSessionsSection(
  api: WebApi,
  ctx: PageContext,
  userId: string,
): Promise<Html> {
  const l = ctx.locale;
  const page = await api.get<SessionPageDto>(
    ctx.user!,
    `/api/v1/users/${userId}/sessions?limit=50`,
  );
  return html`<h2 id="user-sessions">${w(l, 'title')}</h2>
    ${doneNotice(ctx, ['sessionsEnded'] as const, w)}
    ${
      page.items.length
        ? html`<form method="post" action="/users/${userId}/sessions/end" class="actions" data-confirm="${w(l, 'endAllConfirm')}">
            ${csrfField(ctx)}<button type="submit" class="danger" id="end-all-sessions">${w(l, 'endAll')}</button>
          </form>`
        : ''
    }
    ${sessionsTable(ctx, page.items)}`;
}

@ApiExcludeController()
@WebPages()
@Controller('users')
export class UserSessionPages {
  constructor(private readonly api: WebApi) {}

  @Post(':id/sessions/end')
  @Allow('user:update')
  async endAll(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'DELETE', `/api/v1/users/${id}/sessions`);
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, `/users/${id}?done=sessionsEnded#user-sessions`);
  }
}
