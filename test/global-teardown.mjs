import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default async function globalTeardown() {
  const { serverUrl, template } = globalThis.__liaisonTemplate ?? {};
  if (serverUrl) {
    const pg = require('pg');
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.end();
  }
  const state = globalThis.__liaisonEmbedded;
  if (state) {
    await state.embedded.stop();
    await rm(state.dir, { recursive: true, force: true });
  }
}
