import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { EditSpec, saveEdit, showEdit } from './kit/edit';
import { Locale, t } from './kit/i18n';
import { WebApi } from './kit/web-api';
import { WebPages, WebRequest } from './kit/session';
import { FollowUpView, LeadView } from './kit/views';

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

const leadSpec = (l: Locale): EditSpec<LeadView> => ({
  api: '/api/v1/leads',
  page: '/leads',
  fields: [
    { name: 'title', label: t(l, 'title'), required: true },
    { name: 'description', label: t(l, 'description'), type: 'textarea' },
    { name: 'valueEur', label: `${t(l, 'value')} (EUR)`, type: 'number' },
    { name: 'expectedCloseOn', label: 'Abschluss erwartet / Expected close', type: 'date' },
  ],
  heading: (x) => x.title,
  values: (x) => ({
    title: x.title,
    description: text(x.description),
    valueEur: text(x.valueEur),
    expectedCloseOn: text(x.expectedCloseOn),
  }),
  patch: (v) => ({
    title: v.title.trim(),
    description: orNull(v.description),
    valueEur: v.valueEur.trim() === '' ? null : Number(v.valueEur.replace(',', '.')),
    expectedCloseOn: orNull(v.expectedCloseOn),
  }),
});

const followUpSpec = (l: Locale): EditSpec<FollowUpView> => ({
  api: '/api/v1/follow-ups',
  page: '/follow-ups',
  fields: [
    { name: 'title', label: t(l, 'title'), required: true },
    { name: 'dueOn', label: t(l, 'dueOn'), type: 'date' },
    { name: 'notes', label: t(l, 'notes'), type: 'textarea' },
  ],
  heading: (x) => x.title,
  values: (x) => ({ title: x.title, dueOn: text(x.dueOn), notes: text(x.notes) }),
  patch: (v) => ({ title: v.title.trim(), dueOn: orNull(v.dueOn), notes: orNull(v.notes) }),
});

/** Edit forms: one route pair per kind of record, each declaring its own permission. */
@ApiExcludeController()
@WebPages()
@Controller()
export class EditPages {
  constructor(private readonly api: WebApi) {}

  @Get('leads/:id/edit')
  @Allow('lead:write')
  editLead(@Req() r: WebRequest, @Res() reply: FastifyReply, @Param('id', UuidParam()) id: string) {
    const ctx = pageContext(r);
    return showEdit(this.api, ctx, reply, leadSpec(ctx.locale), id);
  }

  @Post('leads/:id/edit')
  @Allow('lead:write')
  saveLead(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const ctx = pageContext(r);
    return saveEdit(this.api, ctx, r, reply, leadSpec(ctx.locale), id, body);
  }

  @Get('follow-ups/:id/edit')
  @Allow('follow-up:write')
  editFollowUp(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ) {
    const ctx = pageContext(r);
    return showEdit(this.api, ctx, reply, followUpSpec(ctx.locale), id);
  }

  @Post('follow-ups/:id/edit')
  @Allow('follow-up:write')
  saveFollowUp(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const ctx = pageContext(r);
    return saveEdit(this.api, ctx, r, reply, followUpSpec(ctx.locale), id, body);
  }
}
