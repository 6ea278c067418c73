import { slot } from './global-slot.js';

type Flushing = { exitFlush(): Promise<void> | undefined; signalFlush(): Promise<void> };

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Process hooks, installed once per process (whichever copy of core installs them), that export what
 * the current installation still holds when the process ends:
 * - the event loop drains (a script ends naturally): batch timers are unref'd so they never hold a
 *   process open, so export now, within `shutdownTimeoutMs`;
 * - SIGTERM / SIGINT with no handler of the app's own: export within `shutdownTimeoutMs`, then let the
 *   process end exactly as it would have, by raising the same signal again with our handler removed.
 *   When the app has a handler, it decides when to exit; it should `await glassbox.shutdown()` there.
 */
export function installExitHooks(): void {
  if (typeof process === 'undefined' || typeof process.on !== 'function') return;
  if (!slot.exitHookInstalled) {
    slot.exitHookInstalled = true;
    process.on('beforeExit', () => {
      // Flushing schedules work, so 'beforeExit' fires again afterwards; by then nothing is pending.
      void (slot.installation as Flushing | undefined)?.exitFlush();
    });
  }
  if (!slot.signalHooksInstalled && typeof process.kill === 'function') {
    slot.signalHooksInstalled = true;
    for (const signal of SIGNALS) {
      const handler = () => onSignal(signal, handler);
      process.on(signal, handler);
    }
  }
}

function onSignal(signal: (typeof SIGNALS)[number], handler: () => void): void {
  // Another listener means the app (or its framework) handles the signal and decides when to exit.
  if (process.listeners(signal).some((listener) => listener !== handler)) return;
  // Without our listener the signal takes its default action again: a second one during the flush ends
  // the process at once, and the one raised below ends it with the same signal and exit status.
  process.removeListener(signal, handler);
  const reraise = () => {
    try {
      process.kill(process.pid, signal);
    } catch {
      process.exit(1);
    }
  };
  const installation = slot.installation as Flushing | undefined;
  if (installation === undefined) {
    reraise();
    return;
  }
  installation.signalFlush().then(reraise, reraise);
}
