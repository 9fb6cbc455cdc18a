import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { Html, html } from './kit/html';
import { Locale, t } from './kit/i18n';
import { PageContext, pageContext, titledPage } from './kit/layout';
import { sendPage } from './kit/respond';
import { offlineWords as w } from './offline.words';

/** The words public/offline.js writes the queue's entries with, in the page's language. */
const QUEUE_WORDS = [
  'waiting',
  'sending',
  'sent',
  'failed',
  'signInToSend',
  'offlineNow',
  'retryAt',
  'sendNow',
  'open',
  'fix',
  'discard',
  'discardConfirm',
  'created',
  'kind_log',
  'kind_scan',
] as const;

const queueWords = (l: Locale) => Object.fromEntries(QUEUE_WORDS.map((k) => [k, w(l, k)]));

/**
 * The pages a record's page keeps on the device to read offline (a trip: its delegates'
 * companies, its partners and the contacts met on it): public/offline.js hands them to the
 * service worker once the page is open, and shows this line when they are saved.
 */
export const keptOffline = (ctx: PageContext, paths: string[]): Html =>
  html`<p class="muted kept-offline" id="kept-offline" data-keep="${[...new Set(paths)].join(' ')}" hidden>${w(ctx.locale, 'keptOffline')}</p>`;

/**
 * The device queue (`/queue`): what was recorded on this device and is waiting, being sent,
 * sent or refused. The entries live in the browser (IndexedDB), so the server sends the page
 * and its words; public/offline.js lists them, and the service worker keeps the page to open
 * offline.
 */
@ApiExcludeController()
@WebPages()
@Controller('queue')
export class OfflinePages {
  @Get()
  @Allow('account:self')
  queue(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    const ctx = pageContext(request);
    const l = ctx.locale;
    sendPage(
      reply,
      titledPage(
        ctx,
        w(l, 'queue'),
        html`<p class="muted">${w(l, 'queueIntro')}</p>
          <noscript><p class="alert">${w(l, 'needsScript')}</p></noscript>
          <p class="actions"><button type="button" class="button" id="queue-send" hidden>${w(l, 'sendNow')}</button></p>
          <ol
            class="queue"
            id="queue"
            data-locale="${l}"
            data-empty="${w(l, 'queueEmpty')}"
            data-words="${JSON.stringify(queueWords(l))}"
            aria-live="polite"
            aria-label="${w(l, 'queue')}"
          ></ol>
          <p class="muted"><a href="/">${t(l, 'dashboard')}</a></p>`,
      ),
    );
  }
}
