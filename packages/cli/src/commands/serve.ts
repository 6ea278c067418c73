import { spawn } from 'node:child_process';
import type { Viewer, ViewerOptions } from '../server/viewer-server.js';
import { type CliIo, integerSetting, pick } from './cli-io.js';

/** The flags `ui` and `view` share. */
export const SERVE_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  token: { type: 'string' },
  open: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The retention flags `ui` and `view` share. */
export const LIMIT_FLAGS = {
  'max-traces': { type: 'string' },
  'max-mb': { type: 'string' },
} as const;

/** `maxTraces` and `maxBytes` from `--max-traces` and `--max-mb`, when given. */
export function limitSettings(
  values: { 'max-traces'?: string; 'max-mb'?: string },
  command: string,
): Pick<ViewerOptions, 'maxTraces' | 'maxBytes'> {
  const maxTraces = integerSetting(
    values['max-traces'],
    '--max-traces',
    undefined,
    1,
    Number.MAX_SAFE_INTEGER,
    command,
  );
  const maxMb = integerSetting(values['max-mb'], '--max-mb', undefined, 1, 1024 * 1024, command);
  return {
    ...(maxTraces !== undefined ? { maxTraces } : {}),
    ...(maxMb !== undefined ? { maxBytes: maxMb * 1024 * 1024 } : {}),
  };
}

/** Port, host and token from the flags, else `GLASSBOX_UI_*`, else the defaults. */
export function serveSettings(
  values: { port?: string; host?: string; token?: string },
  io: CliIo,
  command: string,
): Pick<ViewerOptions, 'port' | 'host' | 'token'> {
  const port = integerSetting(
    pick(values.port, io.env, 'GLASSBOX_UI_PORT'),
    '--port',
    'GLASSBOX_UI_PORT',
    0,
    65535,
    command,
  );
  const host = pick(values.host, io.env, 'GLASSBOX_UI_HOST');
  const token = pick(values.token, io.env, 'GLASSBOX_UI_TOKEN');
  return {
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/** Prints where the viewer is and how to send it traces, then runs until SIGINT/SIGTERM (or `io.signal`). */
export async function serveUntilStopped(
  viewer: Viewer,
  io: CliIo,
  options: { token?: string; open?: boolean; note?: string },
): Promise<number> {
  const page = options.token ? `${viewer.url}/?token=${encodeURIComponent(options.token)}` : `${viewer.url}/`;
  const lines = [
    `Glassbox viewer: ${viewer.url}`,
    ...(options.note ? [options.note] : []),
    ...(viewer.host === '0.0.0.0' || viewer.host === '::'
      ? [`Listening on every interface: from another machine use this one's address instead of 127.0.0.1.`]
      : []),
    `Open ${page} in a browser.`,
    'Send traces from any OpenTelemetry app (any language) with:',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.url}`,
    ...(options.token
      ? [`  OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${encodeURIComponent(options.token)}`]
      : []),
    'Press Ctrl+C to stop.',
  ];
  // Listen for Ctrl+C before printing the address: whoever reads it may stop us straight away.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (io.signal) {
      if (io.signal.aborted) return stop();
      io.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  io.stdout.write(`${lines.join('\n')}\n`);
  if (options.open) openBrowser(page);
  await stopped;
  io.stderr.write('Glassbox viewer: stopping\n');
  await viewer.close();
  return 0;
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {
      // No browser opener on this machine: the URL is printed above.
    });
    child.unref();
  } catch {
    // Same: the printed URL is enough.
  }
}
