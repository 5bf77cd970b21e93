/**
 * One headless Chromium with a fresh profile whose tabs are an application's participants
 * (videorooms, the demo app): launched with the e2e flags, every tab kept at full speed, and
 * each tab's console and page errors recorded for failure messages.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, withTimeout } from './browser.js';

const DEBUG = process.env.SKEIN_E2E_DEBUG === '1';

export interface TabBrowserOptions {
  /** Prefix of the temporary profile directory. */
  profilePrefix: string;
  timeoutMs?: number;
  viewport?: { width: number; height: number };
  /** More Chromium flags (e.g. `--use-file-for-fake-video-capture=...`). */
  extraArgs?: readonly string[];
}

export class TabBrowser {
  readonly #context: BrowserContext;
  readonly #userDataDir: string;

  private constructor(context: BrowserContext, userDataDir: string) {
    this.#context = context;
    this.#userDataDir = userDataDir;
  }

  static async launch(options: TabBrowserOptions): Promise<TabBrowser> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const userDataDir = await mkdtemp(join(tmpdir(), options.profilePrefix));
    try {
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        ignoreDefaultArgs: true,
        timeout: timeoutMs,
        ...(options.viewport ? { viewport: options.viewport } : {}),
        args: [
          ...CHROMIUM_FLAGS,
          '--autoplay-policy=no-user-gesture-required',
          // Every tab is a participant: keep background tabs running at full speed.
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
          ...(options.extraArgs ?? []),
          `--user-data-dir=${userDataDir}`,
          '--remote-debugging-pipe',
          'about:blank',
        ],
      });
      context.setDefaultTimeout(timeoutMs);
      for (const page of context.pages()) await page.close().catch(() => {});
      return new TabBrowser(context, userDataDir);
    } catch (error) {
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      throw error;
    }
  }

  /** A new tab on `url` (`beforeLoad` sees it first); throws unless the page answered 2xx. */
  async openTab(url: string, beforeLoad: (page: Page) => void = () => {}): Promise<Page> {
    const page = await withTimeout(this.#context.newPage(), 30_000, 'newPage');
    beforeLoad(page);
    const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    if (!response?.ok()) throw new Error(`${url}: HTTP ${response?.status() ?? 'no response'}`);
    return page;
  }

  /** Grants the pages of `origin` browser permissions (e.g. the clipboard's). */
  grantPermissions(permissions: string[], origin: string): Promise<void> {
    return this.#context.grantPermissions(permissions, { origin });
  }

  async close(label: string): Promise<void> {
    await withTimeout(this.#context.close(), 30_000, 'browser close').catch((error: unknown) =>
      console.warn(`${label}: ${String(error)}`),
    );
    await rm(this.#userDataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Records what tab `name` logs into `logs` (and its page errors also into `pageErrors`). */
export function recordTabLogs(
  page: Page,
  name: string,
  logs: string[],
  pageErrors: string[] = [],
): void {
  const record = (line: string): void => {
    logs.push(line);
    if (DEBUG) console.log(line);
  };
  page.on('console', (message) => record(`[${name}] console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => {
    const line = `[${name}] pageerror: ${error.message}`;
    pageErrors.push(line);
    record(line);
  });
}
