// Headless Chromium for the viewer page tests (playwright-core drives the system's Chromium; no
// browser download). Without /usr/bin/chromium the tests skip, saying why, unless
// GLASSBOX_REQUIRE_BROWSER=1 (CI), which makes them fail instead.
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { CHROMIUM, launchChromium } from './chromium.js';

const available = existsSync(CHROMIUM);
const required = process.env.GLASSBOX_REQUIRE_BROWSER === '1';

/** Where the tests leave their screenshots (looked at by people, not compared). */
export const SHOTS_DIR = process.env.GLASSBOX_SHOTS_DIR ?? '/tmp/gb-shots';

/**
 * `describe` for browser tests: runs them when Chromium is there; else skips them with the reason in
 * the suite name, or (GLASSBOX_REQUIRE_BROWSER=1) fails in beforeAll.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (!available && !required) {
    describe.skip(
      `${name} (skipped: no Chromium at ${CHROMIUM}; set GLASSBOX_REQUIRE_BROWSER=1 to fail instead)`,
      body,
    );
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      if (!available) throw new Error(`GLASSBOX_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
    });
    body();
  });
}

/** One browser for the file; pages record their errors, dialogs and console errors. */
export function useBrowser(): { browser: () => Browser; open: (url: string) => Promise<WatchedPage> } {
  let browser: Browser | undefined;
  const pages: Page[] = [];
  beforeAll(async () => {
    if (!available) return;
    mkdirSync(SHOTS_DIR, { recursive: true });
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close().catch(() => {})));
    await browser?.close();
  });
  return {
    browser: () => browser!,
    open: async (url) => {
      const page = await browser!.newPage({ viewport: { width: 1400, height: 860 } });
      pages.push(page);
      const watched = watch(page);
      await page.goto(url);
      return watched;
    },
  };
}

/** A page and what went wrong on it. */
export interface WatchedPage {
  page: Page;
  /** Uncaught exceptions, console errors and dialogs (alert/confirm/prompt) so far. */
  problems: string[];
  /** Fails the test when anything went wrong on the page. */
  expectNoProblems(): void;
  shot(name: string): Promise<void>;
}

function watch(page: Page): WatchedPage {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return {
    page,
    problems,
    expectNoProblems: () => expect(problems).toEqual([]),
    shot: async (name) => {
      await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
    },
  };
}
