import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, startApp } from './database';

/** What the load is sent to: one app, or several behind nginx. */
export interface Served {
  url: string;
  /** "through nginx, 2 instances", or nothing for one app reached directly. */
  description?: string;
  /** The processes serving (apps and nginx), for the machine's load. */
  pids(): number[];
  stop(): Promise<void>;
}

export const NGINX = '/usr/sbin/nginx';
const SITE = join(ROOT, 'deploy', 'nginx.conf');

/**
 * deploy/nginx.conf with the bench's instances in its upstream and a port of its own: the same
 * file an agency installs, two lines changed. Throws when the file no longer has them, so that a
 * change there cannot leave the bench measuring another configuration unnoticed.
 */
export function benchSite(site: string, upstreams: string[], port: number): string {
  const servers = /^([ \t]*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/gm;
  const first = servers.exec(site);
  const listen = /^([ \t]*)listen 80;$/m;
  if (!first || !listen.test(site)) {
    throw new Error(`${SITE} has no "server 127.0.0.1:PORT …;" upstream line or no "listen 80;"`);
  }
  const options = first[2] ?? '';
  const ours = upstreams.map((u) => `${first[1]}server ${u}${options};\n`).join('');
  let placed = false;
  return site
    .replace(servers, () => (placed ? '' : ((placed = true), ours)))
    .replace(listen, (_, indent: string) => `${indent}listen 127.0.0.1:${port};`);
}

/** nginx's main configuration for a non-root run: everything under `dir`, in the foreground. */
export function mainConfig(dir: string): string {
  return [
    'daemon off;',
    // One worker: the machine's cores are for the apps and PostgreSQL.
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (t) => `    ${t}_temp_path ${join(dir, `${t}_temp`)};`,
    ),
    `    include ${join(dir, 'liaison.conf')};`,
    '}',
    '',
  ].join('\n');
}

async function waitReady(url: string, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not get ready within 30 s:\n${output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** nginx (Debian's binary) in front of `upstreams`, run as this user from a temp folder. */
export async function startNginx(upstreams: string[]): Promise<Served> {
  if (!existsSync(NGINX))
    throw new Error(`--instances needs nginx at ${NGINX} (apt install nginx)`);
  const dir = await mkdtemp(join(tmpdir(), 'liaison-bench-nginx-'));
  await mkdir(join(dir, 'logs'));
  const port = await freePort();
  await writeFile(
    join(dir, 'liaison.conf'),
    benchSite(await readFile(SITE, 'utf8'), upstreams, port),
  );
  await writeFile(join(dir, 'nginx.conf'), mainConfig(dir));
  const errorLog = join(dir, 'error.log');
  const child = spawn(NGINX, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', errorLog], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((done) => child.once('exit', done));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, 'nginx', () => {
      const log = existsSync(errorLog) ? `(see ${errorLog})` : '';
      return `${output}${log}`;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pids: () => [child.pid ?? 0], stop };
}

/**
 * `count` app processes on one database, behind nginx as deploy/nginx.conf has it (TRUST_PROXY
 * on, the same secret); or, for one, the app reached directly as before.
 */
export async function startServed(
  count: number,
  options: Parameters<typeof startApp>[0],
): Promise<Served> {
  if (count <= 1) {
    const app = await startApp(options);
    return { url: app.url, pids: () => [app.process.pid ?? 0], stop: () => app.stop() };
  }
  const apps: Awaited<ReturnType<typeof startApp>>[] = [];
  const stopApps = () => Promise.all(apps.map((a) => a.stop())).then(() => undefined);
  try {
    // One after the other: they all migrate at start, under the advisory lock.
    for (let i = 0; i < count; i++) {
      apps.push(await startApp({ ...options, env: { TRUST_PROXY: 'true', ...options.env } }));
    }
    const nginx = await startNginx(apps.map((a) => new URL(a.url).host));
    return {
      url: nginx.url,
      description: `through nginx, ${count} instances`,
      pids: () => [...nginx.pids(), ...apps.map((a) => a.process.pid ?? 0)],
      stop: async () => {
        await nginx.stop();
        await stopApps();
      },
    };
  } catch (error) {
    await stopApps();
    throw error;
  }
}
