import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * The cookie that carries the token after a `?token=` visit. Browsers scope cookies by host, not port, so
 * the name holds the port: another local server (or viewer) is not sent this viewer's token.
 */
export function tokenCookieName(port: number): string {
  return `glassbox_token_${port}`;
}

/** Why a request is refused before it reaches a route. */
export interface Refusal {
  status: 401 | 403;
  reason: string;
}

/** Tells whether a bind address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isWildcard(host: string): boolean {
  const h = stripBrackets(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/**
 * The host names a request may address the server by (its `Host` header, without the port). A DNS
 * rebinding attack reaches 127.0.0.1 under the attacker's own name, so any other name is refused.
 */
export function allowedHostNames(boundHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', stripBrackets(boundHost).toLowerCase()]);
  if (isWildcard(boundHost)) {
    // Bound to every interface: the machine's own addresses and name are its own too.
    const own = hostname().toLowerCase();
    names.add(own);
    names.add(`${own}.local`);
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(address.address.toLowerCase().replace(/%.*$/, ''));
    }
  }
  return names;
}

/** `host:port` of a `Host` header or an origin's authority, split; undefined when it is not one. */
export function splitAuthority(authority: string): { name: string; port: number | undefined } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(authority.trim());
  if (!m) return undefined;
  return { name: stripBrackets(m[1]!).toLowerCase(), port: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * Checks that the request names this server as its `Host` and, when it has one, its `Origin`. With
 * `anyHost` (a request that carries the token in its Authorization header, which a rebinding page cannot
 * know) any `Host` is fine: an exporter in a container may call the viewer `host.docker.internal`.
 */
export function checkSameOrigin(
  req: IncomingMessage,
  names: Set<string>,
  port: number,
  anyHost = false,
): Refusal | undefined {
  const host = req.headers.host;
  const authority = host === undefined ? undefined : splitAuthority(host);
  if (!anyHost && (!authority || !names.has(authority.name) || (authority.port ?? 80) !== port)) {
    return {
      status: 403,
      reason: `Host header ${JSON.stringify(host ?? '')} is not this viewer's own address (requests through another name are refused: DNS rebinding)`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const m = /^http:\/\/([^/]+)$/.exec(origin);
    const from = m ? splitAuthority(m[1]!) : undefined;
    if (!from || !names.has(from.name) || (from.port ?? 80) !== port) {
      return {
        status: 403,
        reason: `Origin ${JSON.stringify(origin)} is not this viewer's own origin (cross-site requests are refused)`,
      };
    }
  }
  // Browsers that send no Origin (some GETs) still say where a request comes from. Following a link to
  // the viewer from another site is fine (the page holds no data; its own API calls are same-origin).
  const site = req.headers['sec-fetch-site'];
  const navigation =
    req.headers['sec-fetch-mode'] === 'navigate' && (req.method === 'GET' || req.method === 'HEAD');
  if ((site === 'cross-site' || site === 'same-site') && !navigation) {
    return { status: 403, reason: `Sec-Fetch-Site ${site}: cross-site requests are refused` };
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares in constant time (of the digests), so the response time does not reveal the token. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(token));
}

/** The value of one cookie of the request. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The token of an `Authorization: Bearer` header. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const m = auth === undefined ? null : /^Bearer\s+(.+)$/i.exec(auth.trim());
  return m ? m[1]!.trim() : undefined;
}

/** The token a request presents: `Authorization: Bearer`, else the cookie. */
export function presentedToken(req: IncomingMessage, port: number): string | undefined {
  return req.headers.authorization !== undefined ? bearerToken(req) : readCookie(req, tokenCookieName(port));
}

/** The `Set-Cookie` value that keeps the token for the page's later requests. */
export function tokenCookie(token: string, port: number): string {
  return `${tokenCookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
