// The system's Chromium as the viewer's browser tests and bench/viewer-page.ts launch it. No vitest
// import, so the bench (a plain script) can use it too.
import { type Browser, chromium } from 'playwright-core';

/** The Chromium binary (playwright-core drives it; no browser download). */
export const CHROMIUM = process.env.GLASSBOX_CHROMIUM ?? '/usr/bin/chromium';

/** Launches the browser the way every viewer test and the bench do. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
