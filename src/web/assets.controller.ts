import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/actor';
import { NotFound } from '../common/errors';
import { NotRateLimited } from '../auth/rate-limits';

const PUBLIC_DIR = join(__dirname, '..', '..', 'public');

/** The stylesheet, the little script of the pages and htmx, read once at start. */
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
  'passkeys.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(PUBLIC_DIR, 'passkeys.js')),
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
