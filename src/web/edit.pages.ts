import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { contactName } from './crm.pages';
import { EditSpec, saveEdit, showEdit } from './kit/edit';
import { Locale, t } from './kit/i18n';
import { WebApi } from './kit/web-api';
import { WebPages, WebRequest } from './kit/session';
import { ContactView, LeadView, PartnerView } from './kit/views';

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

const contactSpec = (l: Locale): EditSpec<ContactView> => ({
  api: '/api/v1/contacts',
  page: '/contacts',
  fields: [
    { name: 'familyName', label: t(l, 'familyName'), required: true },
    { name: 'givenName', label: t(l, 'givenName') },
    { name: 'nativeName', label: t(l, 'nativeName') },
    { name: 'position', label: t(l, 'position') },
    { name: 'email', label: t(l, 'email'), type: 'email' },
    { name: 'phone', label: 'Telefon / Phone', type: 'tel' },
    { name: 'city', label: t(l, 'city') },
    { name: 'notes', label: t(l, 'notes'), type: 'textarea' },
  ],
  heading: contactName,
  values: (c) => ({
    familyName: c.familyName,
    givenName: text(c.givenName),
    nativeName: text(c.nativeName),
    position: text(c.position),
    email: text(c.email),
    phone: text(c.phone),
    city: text(c.city),
    notes: text(c.notes),
  }),
  patch: (v) => ({
    familyName: v.familyName.trim(),
    givenName: orNull(v.givenName),
    nativeName: orNull(v.nativeName),
    position: orNull(v.position),
    email: orNull(v.email),
    phone: orNull(v.phone),
    city: orNull(v.city),
    notes: orNull(v.notes),
  }),
});

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

const partnerSpec = (l: Locale): EditSpec<PartnerView> => ({
  api: '/api/v1/partners',
  page: '/partners',
  fields: [
    { name: 'name', label: t(l, 'partner'), required: true },
    { name: 'nativeName', label: t(l, 'nativeName') },
    { name: 'city', label: t(l, 'city') },
    { name: 'website', label: 'Website', type: 'url' },
    { name: 'description', label: t(l, 'description'), type: 'textarea' },
  ],
  heading: (x) => x.name,
  values: (x) => ({
    name: x.name,
    nativeName: text(x.nativeName),
    city: text(x.city),
    website: text(x.website),
    description: text(x.description),
  }),
  patch: (v) => ({
    name: v.name.trim(),
    nativeName: orNull(v.nativeName),
    city: orNull(v.city),
    website: orNull(v.website),
    description: orNull(v.description),
  }),
});

/** Edit forms: one route pair per kind of record, each declaring its own permission. */
@ApiExcludeController()
@WebPages()
@Controller()
export class EditPages {
  constructor(private readonly api: WebApi) {}

  @Get('contacts/:id/edit')
  @Allow('contact:write')
  editContact(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ) {
    const ctx = pageContext(r);
    return showEdit(this.api, ctx, reply, contactSpec(ctx.locale), id);
  }

  @Post('contacts/:id/edit')
  @Allow('contact:write')
  saveContact(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const ctx = pageContext(r);
    return saveEdit(this.api, ctx, r, reply, contactSpec(ctx.locale), id, body);
  }

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

  @Get('partners/:id/edit')
  @Allow('partner:write')
  editPartner(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ) {
    const ctx = pageContext(r);
    return showEdit(this.api, ctx, reply, partnerSpec(ctx.locale), id);
  }

  @Post('partners/:id/edit')
  @Allow('partner:write')
  savePartner(
    @Req() r: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const ctx = pageContext(r);
    return saveEdit(this.api, ctx, r, reply, partnerSpec(ctx.locale), id, body);
  }
}
