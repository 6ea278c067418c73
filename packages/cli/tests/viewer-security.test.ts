import { createServer } from 'node:net';
import { GlassboxConfigError } from '@glassbox/core';
import { describe, expect, it } from 'vitest';
import { startViewer } from '../src/server/viewer-server.js';
import { ViewerStartError } from '../src/server/viewer-start-error.js';
import { request } from './http-client.js';
import { useViewers } from './viewers.js';

const viewer = useViewers();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const feedback = JSON.stringify({ traceId: TRACE_ID, name: 'thumbs', value: true });

describe('viewer security', () => {
  it('refuses a Host that is not its own (DNS rebinding) with 403 and the reason', async () => {
    const v = await viewer();
    const rebound = await request(`${v.url}/api/traces`, { headers: { Host: `attacker.example:${v.port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.json().error).toMatch(
      /Host header "attacker\.example:\d+" is not this viewer's own address/,
    );
    const otherPort = await request(`${v.url}/api/traces`, { headers: { Host: `127.0.0.1:${v.port + 1}` } });
    expect(otherPort.status).toBe(403);
    for (const host of [`127.0.0.1:${v.port}`, `localhost:${v.port}`]) {
      expect((await request(`${v.url}/api/traces`, { headers: { Host: host } })).status).toBe(200);
    }
  });

  it('refuses a foreign Origin on POST /api/feedback and POST /v1/traces', async () => {
    const v = await viewer();
    const json = { 'Content-Type': 'application/json' };
    const fb = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { ...json, Origin: 'https://evil.example' },
      body: feedback,
    });
    expect(fb.status).toBe(403);
    expect(fb.json().error).toMatch(/Origin "https:\/\/evil\.example" is not this viewer's own origin/);
    const otlp = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { ...json, Origin: 'http://evil.example' },
      body: '{"resourceSpans":[]}',
    });
    expect(otlp.status).toBe(403);
    const nullOrigin = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { ...json, Origin: 'null' },
      body: feedback,
    });
    expect(nullOrigin.status).toBe(403);
    const crossSite = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { ...json, 'Sec-Fetch-Site': 'cross-site' },
      body: feedback,
    });
    expect(crossSite.status).toBe(403);
    const crossSiteRead = await request(`${v.url}/api/traces`, {
      headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
    });
    expect(crossSiteRead.status).toBe(403);
    // A link to the page from another site (a chat message, a ticket) still opens it.
    const followedLink = await request(`${v.url}/`, {
      headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' },
    });
    expect(followedLink.status).toBe(200);
    // The page's own origin is fine.
    const own = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { ...json, Origin: v.url },
      body: feedback,
    });
    expect(own.status).toBe(201);
    expect(v.store.listFeedback().feedback).toHaveLength(1);
  });

  it('refuses feedback that is not application/json (no plain HTML form can post it)', async () => {
    const v = await viewer();
    const form = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: feedback,
    });
    expect(form.status).toBe(415);
    expect(v.store.listFeedback().feedback).toHaveLength(0);
  });

  it('will not start on a non-loopback address without a token, naming --token and GLASSBOX_UI_TOKEN', async () => {
    const error = await startViewer({ port: 0, host: '0.0.0.0' }).catch((e: unknown) => e);
    expect(GlassboxConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/--token/);
    expect((error as Error).message).toMatch(/GLASSBOX_UI_TOKEN/);
  });

  it('on 0.0.0.0 with a token: 401 without it; Bearer, ?token= (then a cookie) and the cookie work', async () => {
    const token = 's3cret-token-for-tests';
    const v = await viewer({ host: '0.0.0.0', token });
    const base = `http://127.0.0.1:${v.port}`;
    const host = { Host: `127.0.0.1:${v.port}` };
    const none = await request(`${base}/api/traces`, { headers: host });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await request(`${base}/api/traces`, { headers: { ...host, Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const noPage = await request(`${base}/`, { headers: host });
    expect(noPage.status).toBe(401);
    const otlp = await request(`${base}/v1/traces`, {
      method: 'POST',
      headers: { ...host, 'Content-Type': 'application/json' },
      body: '{"resourceSpans":[]}',
    });
    expect(otlp.status).toBe(401);

    const bearer = await request(`${base}/api/traces`, {
      headers: { ...host, Authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(200);
    const otlpOk = await request(`${base}/v1/traces`, {
      method: 'POST',
      headers: { ...host, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{"resourceSpans":[]}',
    });
    expect(otlpOk.status).toBe(200);

    const visit = await request(`${base}/?token=${token}&x=1`, { headers: host });
    expect(visit.status).toBe(302);
    expect(visit.headers.location).toBe('/?x=1');
    const cookie = visit.headers['set-cookie']![0]!;
    // Cookies are scoped by host, not port: the name holds the port, so other local servers never get it.
    expect(cookie.startsWith(`glassbox_token_${v.port}=`)).toBe(true);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await request(`${base}/api/info`, {
      headers: { ...host, Cookie: cookie.split(';')[0]! },
    });
    expect(withCookie.status).toBe(200);
    expect(withCookie.json().tokenRequired).toBe(true);
    // Another viewer's cookie (another port) is not this one's.
    const otherPort = await request(`${base}/api/info`, {
      headers: { ...host, Cookie: `glassbox_token_${v.port + 1}=${token}; glassbox_token=${token}` },
    });
    expect(otherPort.status).toBe(401);
    const badQuery = await request(`${base}/?token=wrong`, { headers: host });
    expect(badQuery.status).toBe(401);
    const apiQuery = await request(`${base}/api/info?token=${token}`, { headers: host });
    expect(apiQuery.status).toBe(200);

    // An exporter in a container calls the viewer by another name: fine with the Bearer token, which a
    // rebinding page cannot know; the cookie alone does not lift the Host check.
    const docker = { Host: `host.docker.internal:${v.port}` };
    const fromContainer = await request(`${base}/v1/traces`, {
      method: 'POST',
      headers: { ...docker, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{"resourceSpans":[]}',
    });
    expect(fromContainer.status).toBe(200);
    const rebound = await request(`${base}/api/info`, {
      headers: { ...docker, Cookie: cookie.split(';')[0]! },
    });
    expect(rebound.status).toBe(403);
  });

  it('refuses an API body over 64 KiB with 413', async () => {
    const v = await viewer();
    const big = JSON.stringify({
      traceId: TRACE_ID,
      name: 'thumbs',
      value: true,
      rationale: 'x'.repeat(70 * 1024),
    });
    const reply = await request(`${v.url}/api/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    expect(reply.status).toBe(413);
    expect((await request(`${v.url}/api/info`)).status).toBe(200);
  });

  it('answers malformed API input with 400 and keeps serving', async () => {
    const v = await viewer();
    const post = (body: string) =>
      request(`${v.url}/api/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    for (const body of ['{', '[]', 'null', '{"traceId":"zz","name":"thumbs","value":true}', '{"evil":1}']) {
      const reply = await post(body);
      expect(reply.status, body).toBe(400);
      expect(typeof reply.json().error).toBe('string');
    }
    expect((await request(`${v.url}/api/traces?limit=abc`)).status).toBe(400);
    expect((await request(`${v.url}/api/traces?status=weird`)).status).toBe(400);
    expect((await request(`${v.url}/api/traces?cursor=%%%garbage`)).status).toBe(400);
    expect((await request(`${v.url}/api/traces?bogus=1`)).status).toBe(400);
    expect((await request(`${v.url}/api/traces/not-a-trace-id`)).status).toBe(400);
    expect((await request(`${v.url}/api/traces/%E0%A4%A`)).status).toBe(400);
    expect((await request(`${v.url}/api/live`, { method: 'HEAD' })).status).toBe(405);
    expect((await request(`${v.url}/api/traces/${TRACE_ID}`)).status).toBe(404);
    expect((await request(`${v.url}/api/nothing`)).status).toBe(404);
    expect((await request(`${v.url}/api/traces`, { method: 'DELETE' })).status).toBe(405);
    expect((await post(feedback)).status).toBe(201);
  });

  it('sends nosniff everywhere, no-store on the API and a strict CSP on the page', async () => {
    const v = await viewer();
    const api = await request(`${v.url}/api/info`);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
    const page = await request(`${v.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = page.headers['content-security-policy']!;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // The page has no inline script for the policy to block.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    const script = await request(`${v.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body.length).toBeGreaterThan(100);
    expect((await request(`${v.url}/app.css`)).headers['content-type']).toMatch(/^text\/css/);
  });

  it('says which port is taken and suggests --port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startViewer({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ViewerStartError);
      expect((error as ViewerStartError).code).toBe('EADDRINUSE');
      expect((error as Error).message).toMatch(new RegExp(`port ${port} .*already in use.*--port`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses bad options, naming them', async () => {
    await expect(startViewer({ port: 70000 })).rejects.toThrow(/startViewer\.port/);
    await expect(startViewer({ colour: 'blue' } as never)).rejects.toThrow(/startViewer\.colour/);
  });
});
