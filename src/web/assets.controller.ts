import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/actor';
import { NotFound } from '../common/errors';
import { NotRateLimited } from '../auth/rate-limits';
import { THEME_COLOUR } from './kit/layout';

const PUBLIC_DIR = join(__dirname, '..', '..', 'public');

const script = (name: string) => ({
  type: 'text/javascript; charset=utf-8',
  body: readFileSync(join(PUBLIC_DIR, name)),
});
const png = (name: string) => ({ type: 'image/png', body: readFileSync(join(PUBLIC_DIR, name)) });

/** The stylesheet, the little scripts of the pages, htmx and the icons, read once at start. */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'app.css')) },
  'app.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(PUBLIC_DIR, 'app.js')),
  },
  'favicon.svg': {
    type: 'image/svg+xml',
    body: readFileSync(join(PUBLIC_DIR, 'favicon.svg')),
  },
  'passkeys.js': script('passkeys.js'),
  'offline.js': script('offline.js'),
  'icon-192.png': png('icon-192.png'),
  'icon-512.png': png('icon-512.png'),
  // The device queue's store (IndexedDB), as one script that sets `idbKeyval`.
  'idb-keyval.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('idb-keyval/dist/umd.js')),
  },
  'simplewebauthn.js': {
    type: 'text/javascript; charset=utf-8',
    // The package exports only its modules; the bundle sits beside them.
    body: readFileSync(
      join(
        dirname(require.resolve('@simplewebauthn/browser')),
        '..',
        'dist',
        'bundle',
        'index.umd.min.js',
      ),
    ),
  },
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
  },
};

@ApiExcludeController()
@NotRateLimited()
@Controller('assets')
export class AssetsController {
  @Get(':name')
  @Public()
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFound('asset');
    void reply.type(asset.type).header('Cache-Control', 'public, max-age=3600').send(asset.body);
  }
}

/** What a phone needs to install the app: its name, start page, colours and icons. */
const MANIFEST = Buffer.from(
  JSON.stringify({
    name: 'Liaison',
    short_name: 'Liaison',
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: THEME_COLOUR,
    background_color: '#f6f8fa',
    icons: [
      { src: '/assets/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/assets/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/assets/icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  }),
);

/**
 * The service worker (public/sw.js) answers for the whole site, so it is served from the root
 * (a worker's scope is at most the folder of its script); its answer gets the pages' CSP, which
 * lets it fetch from this site only. The manifest sits beside it.
 */
@ApiExcludeController()
@NotRateLimited()
@Controller()
export class AppShellController {
  private readonly worker = readFileSync(join(PUBLIC_DIR, 'sw.js'));

  @Get('sw.js')
  @Public()
  serviceWorker(@Res() reply: FastifyReply): void {
    void reply.type('text/javascript; charset=utf-8').send(this.worker);
  }

  @Get('manifest.webmanifest')
  @Public()
  manifest(@Res() reply: FastifyReply): void {
    void reply.type('application/manifest+json').send(MANIFEST);
  }
}
