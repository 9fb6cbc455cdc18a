import { execFileSync } from 'node:child_process';
import { TEST_JWT_SECRET, TestApp } from './app';

export interface Route {
  method: string;
  path: string;
  handler: string;
  access?: { public: true } | { action: string };
}

/** Every route with its access declaration, as `node dist/cli.js routes` prints them. */
export function listRoutes(app: TestApp): Route[] {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'routes'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: app.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Route[];
}

/** `path` with each `:param` replaced by `fill(param)`. */
export const fillPath = (path: string, fill: (param: string) => string): string =>
  path.replace(/:(\w+)/g, (_, param: string) => fill(param));
