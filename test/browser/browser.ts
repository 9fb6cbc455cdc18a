/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  chromium,
  ConsoleMessage,
  Page,
} from 'playwright-core';
import { TestApp, startTestApp } from '../helpers/app';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', 'output', 'screenshots');

/** Browser tests need Debian's chromium (.ci/run installs it); without it they are skipped. */
export const describeInBrowser: jest.Describe = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  process.stdout.write(
    `browser tests skipped: no chromium at ${CHROMIUM} (apt-get install -y chromium)\n`,
  );
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password = 'liaison-demo',
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.click('button[type=submit]'),
  ]);
}

export interface PageOptions {
  /** The viewport's width (its height is 900). */
  width?: number;
  locale?: string;
  /** The demo user to sign in as first. */
  signIn?: string;
  /** Anything else of the context: `javaScriptEnabled`, `acceptDownloads`, a `viewport`. */
  context?: BrowserContextOptions;
}

export interface Pages {
  /** What any page printed to its console (what `counts` keeps) or threw: `<url> <type>: <text>`. */
  consoleLines: string[];
  /** A context in Berlin time; every context is closed after the test that opened it. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a German context of its own, its console collected. */
  newPage(options?: PageOptions): Promise<Page>;
}

/**
 * Registers the browser test file's start (the app with the demo data, then Chromium; `fill`
 * gets the app) and stop (every context, the browser, the app). Its hooks run only where a test
 * does, so under `describeInBrowser` nothing starts without Chromium. `counts` says which console
 * messages count (all by default); a page error always does.
 */
export function useBrowser(
  fill: (app: TestApp) => void,
  o: {
    counts?: (message: ConsoleMessage) => boolean;
    timeout?: number;
    /** More of the app's environment, read when it starts (e.g. a test SMTP server's SMTP_URL). */
    env?: () => Record<string, string>;
    /**
     * Let pages register the service worker (public/sw.js). Only the files that test it do: in
     * the others every page would also be saved into Cache Storage and every sign-in fetch the
     * recording forms once more, minutes of a CI run. The device queue (public/offline.js)
     * works without it, so their forms still go through it.
     */
    serviceWorker?: boolean;
  } = {},
): Pages {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const consoleLines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({ env: { SEED_DEMO: 'true', ...o.env?.() } });
    browser = await launch();
    fill(app);
  }, o.timeout ?? 120_000);
  // A test's pages end with it: an open page keeps its renderer and the browser's compositor
  // working, and a file's dozens of them took a quarter of Chromium's CPU (test/browser/leads:
  // 120 s → 89 s).
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
  });

  const newContext = async (options: BrowserContextOptions = {}) => {
    const context = await browser!.newContext({
      timezoneId: 'Europe/Berlin',
      serviceWorkers: o.serviceWorker ? 'allow' : 'block',
      ...options,
    });
    contexts.push(context);
    return context;
  };
  const newPage = async (p: PageOptions = {}) => {
    const context = await newContext({
      locale: p.locale ?? 'de-DE',
      viewport: { width: p.width ?? 1280, height: 900 },
      ...p.context,
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      // Playwright's own word on the worker it blocked (above), not the page's.
      if (!o.serviceWorker && m.text() === 'Service Worker registration blocked by Playwright')
        return;
      if (!o.counts || o.counts(m)) consoleLines.push(`${page.url()} ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLines.push(`${page.url()} error: ${e.message}`));
    if (p.signIn) await signIn(page, app!.url, p.signIn);
    return page;
  };
  return { consoleLines, newContext, newPage };
}

/**
 * A full-page screenshot for people to look at, in test/output/screenshots/. Not under CI
 * (`CI=true`), where nobody looks at them: each costs Chromium a full-page PNG, over a hundred
 * of them in a run. No test reads them.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.CI === 'true') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical accessibility violations on the current page (axe-core, WCAG 2 A/AA). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}
