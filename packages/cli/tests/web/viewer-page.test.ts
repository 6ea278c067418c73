// The viewer page in headless Chromium against the real server, store and exporters: the trace list
// (filters, live updates), the trace page (waterfall and the views of each kind of span), raw data,
// spans of other conventions, and feedback with its exports.
import type { Glassbox } from '@glassbox/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../../src/server/viewer-server.js';
import { request } from '../http-client.js';
import { describeInBrowser, useBrowser } from './browser.js';
import {
  failingPipeline,
  glassboxTo,
  guardedAnswer,
  postBrokenTrace,
  postForeignTrace,
  postPolyglotTrace,
  runDemo,
} from './fixtures.js';

interface Summary {
  traceId: string;
  rootName: string;
  serviceName: string;
  startMs: number;
  inputPreview?: string;
  spanCount: number;
}
interface Span {
  spanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

describeInBrowser('the viewer page', () => {
  const { open } = useBrowser();
  let viewer: Viewer;
  let glassbox: Glassbox;
  let polyglot: { traceId: string; ids: Record<string, string> };
  let broken: { traceId: string; ids: Record<string, string> };
  const traces = async (query = ''): Promise<Summary[]> =>
    (await request(`${viewer.url}/api/traces${query}`)).json().traces;
  const spansOf = async (traceId: string): Promise<Span[]> =>
    (await request(`${viewer.url}/api/traces/${traceId}`)).json().spans;
  const traceWith = async (text: string) => {
    const found = (await traces()).find((t) => t.inputPreview?.includes(text));
    if (!found) throw new Error(`no trace with input ${text}`);
    return found;
  };

  beforeAll(async () => {
    viewer = await startViewer({ port: 0, db: ':memory:' });
    glassbox = glassboxTo(viewer.url, 'fixture-app');
    await runDemo(viewer.url);
    await guardedAnswer('Where does customer 42 live?');
    await failingPipeline('SKU-1').catch(() => {});
    await glassbox.flush();
    polyglot = await postPolyglotTrace(viewer.url);
    broken = await postBrokenTrace(viewer.url);
    // The demo's turns, and the four traces made here.
    expect(
      (await traces()).filter((t) => t.serviceName === 'support-assistant-demo').length,
    ).toBeGreaterThanOrEqual(3);
    expect((await traces()).filter((t) => t.serviceName !== 'support-assistant-demo').length).toBe(4);
  }, 60_000);

  it('lists the traces newest first with duration, spans, errors, tokens, cost, feedback and flags', async () => {
    const expected = (await traces()).map((t) => t.traceId);
    const starts = (await traces()).map((t) => t.startMs);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    const w = await open(`${viewer.url}/#/`);
    await w.page.waitForSelector('tr.trace-row');
    await w.page.waitForFunction(
      (n) => document.querySelectorAll('tr.trace-row').length === n,
      expected.length,
    );
    const shown = await w.page.$$eval('tr.trace-row', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.traceId),
    );
    expect(shown).toEqual(expected);
    const tent = await traceWith('tent warranty');
    const row = w.page.locator(`tr[data-trace-id="${tent.traceId}"]`);
    await expect(row.locator('.badge.flag').textContent()).resolves.toContain('rewrite');
    await expect(row.locator('.badge.feedback').textContent()).resolves.toBe('1'); // the demo's logFeedback
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toContain('support_turn');
    expect(cells[6]).toMatch(/^\d+$/); // tokens
    expect(cells[7]).toMatch(/^\$0\.\d+/); // cost
    expect(cells[10]).toBe('tent warranty');
    const failing = (await traces()).find((t) => t.rootName === 'inventory_check')!;
    await expect(
      w.page.locator(`tr[data-trace-id="${failing.traceId}"] .badge.status-error`).count(),
    ).resolves.toBe(1);
    await expect(w.page.locator('.count').textContent()).resolves.toBe(`${expected.length} traces`);
    await w.shot('list');
    w.expectNoProblems();
  });

  it('filters by status, flagged rewrite, service, span type and text, keeping the filters in the URL', async () => {
    const w = await open(`${viewer.url}/#/`);
    const page = w.page;
    const rowIds = async () => {
      await page.waitForLoadState('networkidle');
      return page.$$eval('tr.trace-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.traceId));
    };
    await page.waitForSelector('tr.trace-row');
    await page.selectOption('select[name=status]', 'error');
    await page.waitForFunction(() => location.hash.includes('status=error'));
    const failing = (await traces()).find((t) => t.rootName === 'inventory_check')!;
    await expect.poll(rowIds).toEqual([failing.traceId]);

    await page.click('text=clear filters');
    await page.check('input[name=flagged]');
    await expect.poll(rowIds).toEqual([(await traceWith('tent warranty')).traceId]);
    await w.shot('list-flagged');

    await page.goto(`${viewer.url}/#/?service=polyglot-app`);
    await expect.poll(rowIds).toEqual([polyglot.traceId]);
    await expect(page.inputValue('select[name=service]')).resolves.toBe('polyglot-app');
    // Into a trace and back: the filters come along.
    await page.click(`tr[data-trace-id="${polyglot.traceId}"] .root-name a`);
    await page.waitForSelector('.waterfall');
    await page.click('a.back');
    await page.waitForFunction(() => location.hash === '#/?service=polyglot-app');
    await expect.poll(rowIds).toEqual([polyglot.traceId]);

    await page.goto(`${viewer.url}/#/`);
    await page.waitForSelector('tr.trace-row');
    await page.selectOption('select[name=type]', 'GUARDRAIL');
    const guarded = (await traces()).find((t) => t.rootName === 'guarded_answer')!;
    const withGuardrails = (await traces('?type=GUARDRAIL')).map((t) => t.traceId);
    expect(withGuardrails).toContain(guarded.traceId);
    expect(withGuardrails.length).toBeLessThan((await traces()).length);
    await expect.poll(rowIds).toEqual(withGuardrails);

    await page.goto(`${viewer.url}/#/`);
    await page.waitForSelector('tr.trace-row');
    await page.selectOption('select[name=name]', 'moderation');
    await expect.poll(rowIds).toEqual([guarded.traceId]);

    await page.goto(`${viewer.url}/#/`);
    await page.fill('input[name=q]', 'A-1042');
    await page.press('input[name=q]', 'Enter');
    await expect.poll(rowIds).toEqual([(await traceWith('A-1042')).traceId]);
    // The dataset export link carries the list's filters.
    await expect(page.getAttribute('a.export-dataset', 'href')).resolves.toBe(
      '/api/export/dataset.jsonl?q=A-1042',
    );
    w.expectNoProblems();
  });

  it('adds a trace that arrives while the list is open, without reloading', async () => {
    const w = await open(`${viewer.url}/#/`);
    await w.page.waitForSelector('tr.trace-row');
    await w.page.evaluate(() => ((window as never as { __sameDocument: boolean }).__sameDocument = true));
    await w.page.waitForSelector('.live[data-state=live]');
    const live = await postForeignTrace(viewer.url, 'live-app', [
      {
        name: 'late arrival',
        startOffsetMs: 0,
        durationMs: 5,
        attributes: { 'glassbox.span.type': 'CHAIN' },
      },
    ]);
    const row = w.page.locator(`tr[data-trace-id="${live.traceId}"]`);
    await row.waitFor();
    const first = await w.page.$eval('tr.trace-row', (r) => (r as HTMLElement).dataset.traceId);
    expect(first).toBe(live.traceId);
    await expect(
      w.page.evaluate(() => (window as never as { __sameDocument?: boolean }).__sameDocument),
    ).resolves.toBe(true);

    // On the trace page, spans that arrive later join the waterfall, and feedback being typed stays.
    await row.locator('a').click();
    await w.page.waitForSelector('.feedback-panel textarea[name=comment]');
    await w.page.fill('.feedback-panel textarea[name=comment]', 'half-written');
    await postForeignTrace(
      viewer.url,
      'live-app',
      [{ name: 'later child', parent: 'late arrival', startOffsetMs: 1, durationMs: 2, attributes: {} }],
      live,
    );
    await expect.poll(() => w.page.locator('.wf-row').count()).toBe(2);
    await expect(w.page.inputValue('.feedback-panel textarea[name=comment]')).resolves.toBe('half-written');
    await expect(w.page.locator('.wf-row[data-depth="1"]').textContent()).resolves.toContain('later child');
    w.expectNoProblems();
  });

  it('shows feedback given elsewhere as it arrives, keeping what is being typed', async () => {
    const target = await postForeignTrace(viewer.url, 'feedback-live-app', [
      { name: 'judged turn', startOffsetMs: 0, durationMs: 9, attributes: { 'glassbox.span.type': 'AGENT' } },
      { name: 'judged step', parent: 'judged turn', startOffsetMs: 1, durationMs: 3, attributes: {} },
    ]);
    const judge = (spanId: string | undefined, name: string) =>
      request(`${viewer.url}/api/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          traceId: target.traceId,
          ...(spanId ? { spanId } : {}),
          name,
          value: 0.9,
          rationale: `${name} from elsewhere`,
          source: { type: 'llm_judge', id: 'live-judge' },
        }),
      });

    // The list: the row's feedback count follows.
    const list = await open(`${viewer.url}/#/`);
    const row = list.page.locator(`tr[data-trace-id="${target.traceId}"]`);
    await row.waitFor();
    await list.page.waitForSelector('.live[data-state=live]');
    await expect(row.locator('.badge.feedback').count()).resolves.toBe(0);
    expect((await judge(undefined, 'relevance')).status).toBe(201);
    await expect.poll(() => row.locator('.badge.feedback').textContent()).toBe('1');

    // The trace overview: the list and the header's count follow, the half-typed comment stays.
    const w = await open(`${viewer.url}/#/trace/${target.traceId}`);
    const page = w.page;
    await page.waitForSelector('.live[data-state=live]');
    const panel = page.locator('.feedback-panel[data-target=trace]');
    await panel.locator('.fb-item', { hasText: 'relevance' }).waitFor();
    await page.fill('.feedback-panel textarea[name=comment]', 'half-typed');
    await page.focus('.feedback-panel textarea[name=comment]');
    expect((await judge(undefined, 'helpfulness')).status).toBe(201);
    await panel.locator('.fb-item', { hasText: 'helpfulness from elsewhere' }).waitFor();
    await expect(page.locator('.trace-stats').textContent()).resolves.toContain('feedback (2)');
    await expect(page.inputValue('.feedback-panel textarea[name=comment]')).resolves.toBe('half-typed');

    // A span: its Feedback tab's count follows while the Details tab is open.
    const step = target.ids['judged step']!;
    await page.click(`.wf-row[data-span-id="${step}"]`);
    await page.waitForSelector(`.span-detail[data-span-id="${step}"]`);
    await expect(page.locator('button.tab[data-tab=feedback]').textContent()).resolves.toBe('Feedback');
    expect((await judge(step, 'step_quality')).status).toBe(201);
    await expect.poll(() => page.locator('button.tab[data-tab=feedback]').textContent()).toBe('Feedback (1)');
    await page.click('button.tab[data-tab=feedback]');
    await expect(page.locator('.fb-item', { hasText: 'step_quality' }).count()).resolves.toBe(1);
    list.expectNoProblems();
    w.expectNoProblems();
  });

  it('sends a comment or an expected answer without a thumb', async () => {
    const target = await postForeignTrace(viewer.url, 'feedback-form-app', [
      {
        name: 'commented turn',
        startOffsetMs: 0,
        durationMs: 9,
        attributes: { 'glassbox.span.type': 'AGENT' },
      },
      { name: 'answered step', parent: 'commented turn', startOffsetMs: 1, durationMs: 3, attributes: {} },
    ]);
    const stored = async () =>
      (await request(`${viewer.url}/api/feedback?traceId=${target.traceId}`)).json().feedback as {
        name: string;
        spanId?: string;
        value: unknown;
        rationale?: string;
        expectations?: Record<string, unknown>;
      }[];
    const w = await open(`${viewer.url}/#/trace/${target.traceId}`);
    const page = w.page;
    const submit = page.locator('.feedback-panel button[type=submit]');
    await submit.waitFor();
    await expect(submit.isDisabled()).resolves.toBe(true);
    await page.fill('.feedback-panel textarea[name=comment]', 'Took two tries to find the order.');
    await expect(submit.isDisabled()).resolves.toBe(false);
    await submit.click();
    await page.locator('.fb-item', { hasText: 'Took two tries' }).waitFor();
    await expect(submit.isDisabled()).resolves.toBe(true);
    expect(await stored()).toEqual([
      expect.objectContaining({
        name: 'comment',
        value: 'Took two tries to find the order.',
        source: { type: 'human' },
      }),
    ]);
    expect((await stored())[0]).not.toHaveProperty('spanId');
    await w.shot('feedback-comment-only');

    // On a span: an expected answer alone; a thumb pressed twice is taken back.
    const step = target.ids['answered step']!;
    await page.click(`.wf-row[data-span-id="${step}"]`);
    await page.click('button.tab[data-tab=feedback]');
    await page.click('.feedback-panel button[data-thumb=up]');
    await page.click('.feedback-panel button[data-thumb=up]');
    await expect(page.getAttribute('.feedback-panel button[data-thumb=up]', 'aria-pressed')).resolves.toBe(
      'false',
    );
    await expect(submit.isDisabled()).resolves.toBe(true);
    await page.fill('.feedback-panel textarea[name=expected]', 'Order A-7 left Lyon on Monday.');
    await submit.click();
    await page.locator('.fb-item .fb-expected', { hasText: 'Order A-7 left Lyon' }).waitFor();
    await expect(page.locator('button.tab[data-tab=feedback]').textContent()).resolves.toBe('Feedback (1)');
    const expected = (await stored()).find((f) => f.spanId === step);
    expect(expected).toMatchObject({
      name: 'expected',
      value: 'Order A-7 left Lyon on Monday.',
      expectations: { expected_answer: 'Order A-7 left Lyon on Monday.' },
    });
    expect(expected).not.toHaveProperty('rationale');
    // The dataset export takes the expected answer.
    const dataset = (await request(`${viewer.url}/api/export/dataset.jsonl?service=feedback-form-app`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dataset).toEqual([
      expect.objectContaining({
        traceId: target.traceId,
        expectations: { expected_answer: 'Order A-7 left Lyon on Monday.' },
      }),
    ]);
    w.expectNoProblems();
  });

  it('renders the LLM call as a chat with model, finish reason, tokens and cost', async () => {
    const order = await traceWith('A-1042');
    const spans = await spansOf(order.traceId);
    const toolCalling = spans.find(
      (s) =>
        s.name === 'chat gpt-4o-mini' && String(s.attributes['gen_ai.output.messages']).includes('tool_call'),
    )!;
    const w = await open(`${viewer.url}/#/trace/${order.traceId}/${toolCalling.spanId}`);
    const page = w.page;
    await page.waitForSelector('.llm-view');
    await expect(page.locator('.wf-row').count()).resolves.toBe(order.spanCount);
    await expect(page.locator('.wf-row.selected').getAttribute('data-span-id')).resolves.toBe(
      toolCalling.spanId,
    );
    const facts = await page.locator('.llm-view dl.facts').textContent();
    expect(facts).toContain('gpt-4o-mini');
    expect(facts).toContain('tool_call');
    expect(facts).toMatch(/\d+ in · \d+ out/);
    expect(facts).toMatch(/cost\$0\.\d+/);
    await expect(page.locator('.msg[data-role=system]').textContent()).resolves.toContain(
      'Trailhead Outfitters',
    );
    await expect(page.locator('.msg[data-role=user]').first().textContent()).resolves.toContain('A-1042');
    const call = await page.locator('.part-tool-call').textContent();
    expect(call).toContain('lookup_order');
    expect(call).toContain('"orderId": "A-1042"');
    await w.shot('trace-llm');
    w.expectNoProblems();
  });

  it('renders retrieval documents with scores, the tool with arguments and result, and the flagged rewrite', async () => {
    const order = await traceWith('A-1042');
    const spans = await spansOf(order.traceId);
    const id = (name: string) => spans.find((s) => s.name === name)!.spanId;
    const w = await open(`${viewer.url}/#/trace/${order.traceId}/${id('retrieval help-center')}`);
    const page = w.page;
    await page.waitForSelector('.retrieval-view');
    await expect(page.locator('.doc').count()).resolves.toBe(2);
    await expect(page.locator('.doc .badge.score').first().textContent()).resolves.toMatch(
      /^score 0\.\d{3}$/,
    );
    await expect(page.locator('.retrieval-view dl.facts').textContent()).resolves.toContain('help-center');

    await page.click(`.wf-row[data-span-id="${id('execute_tool lookup_order')}"]`);
    await page.waitForSelector('.tool-view');
    const tool = await page.locator('.tool-view').textContent();
    expect(tool).toContain('lookup_order');
    expect(tool).toContain('"orderId": "A-1042"');
    expect(tool).toContain('DHL');

    const tent = await traceWith('tent warranty');
    const rewrite = (await spansOf(tent.traceId)).find((s) => s.name === 'query_rewrite')!;
    await page.goto(`${viewer.url}/#/trace/${tent.traceId}/${rewrite.spanId}`);
    await page.waitForSelector('.rewrite-view');
    await expect(page.locator('.flag-banner').textContent()).resolves.toContain(
      'length_ratio, low_similarity, unneeded_rewrite',
    );
    await expect(page.locator('.ba-col').first().textContent()).resolves.toContain('tent warranty');
    await expect(page.locator('.ba-col').nth(1).textContent()).resolves.toContain(
      'returns and refunds policy',
    );
    await expect(page.locator('tr.flag-reason').count()).resolves.toBe(3);
    await expect(page.locator('.rewrite-view dl.facts').textContent()).resolves.toMatch(/similarity0\.\d{3}/);
    await expect(page.locator(`.wf-row[data-span-id="${rewrite.spanId}"] .badge.flag`).count()).resolves.toBe(
      1,
    );
    await w.shot('trace-rewrite');

    // Raw data is one click away.
    await page.click('button.tab[data-tab=raw]');
    await page.waitForSelector('.raw-view');
    await expect(page.locator('tr[data-key="glassbox.rewrite.similarity"]').count()).resolves.toBe(1);
    await expect(page.locator('.raw-event').first().textContent()).resolves.toContain(
      'glassbox.rewrite.flag',
    );
    await expect(page.locator('.raw-view').textContent()).resolves.toContain('support-assistant-demo');
    await w.shot('trace-raw');
    w.expectNoProblems();
  });

  it('marks a blocking guardrail red and shows a failed tool with its exception', async () => {
    const all = await traces();
    const guarded = all.find((t) => t.rootName === 'guarded_answer')!;
    const moderation = (await spansOf(guarded.traceId)).find((s) => s.name === 'moderation')!;
    const w = await open(`${viewer.url}/#/trace/${guarded.traceId}/${moderation.spanId}`);
    const page = w.page;
    await page.waitForSelector('.guardrail-view');
    await expect(page.locator('.block-banner').textContent()).resolves.toContain(
      'another customer’s home address',
    );
    const facts = await page.locator('.guardrail-view dl.facts').textContent();
    expect(facts).toContain('pii-filter');
    expect(facts).toContain('pii-v2');
    expect(facts).toContain('0.97');
    const badge = page.locator('.guardrail-view .badge[data-decision=block]');
    await expect(badge.textContent()).resolves.toBe('blocked');
    const red = await badge.evaluate((el) => getComputedStyle(el).color);
    expect(red).toBe('rgb(198, 40, 40)');
    await expect(page.locator(`.wf-row.blocked[data-span-id="${moderation.spanId}"]`).count()).resolves.toBe(
      1,
    );
    await w.shot('trace-guardrail');

    const failing = all.find((t) => t.rootName === 'inventory_check')!;
    const tool = (await spansOf(failing.traceId)).find((s) => s.name === 'execute_tool fetch_inventory')!;
    await page.goto(`${viewer.url}/#/trace/${failing.traceId}/${tool.spanId}`);
    await page.waitForSelector('.error-view');
    await expect(page.locator('.exception-head').textContent()).resolves.toBe(
      'TypeError: inventory service answered 503 Service Unavailable',
    );
    await expect(page.locator('.error-view pre.stack').textContent()).resolves.toContain('at ');
    await expect(page.locator(`.wf-row.bad[data-span-id="${tool.spanId}"]`).count()).resolves.toBe(1);
    w.expectNoProblems();
  });

  it('shows spans of other conventions: OpenInference and AI SDK chats, plain HTTP and database spans', async () => {
    const w = await open(`${viewer.url}/#/trace/${polyglot.traceId}/${polyglot.ids.ChatCompletion}`);
    const page = w.page;
    await page.waitForSelector('.llm-view');
    await expect(page.locator('.msg[data-role=system]').textContent()).resolves.toContain('You are terse.');
    await expect(page.locator('.msg[data-role=user]').textContent()).resolves.toContain(
      'What does OTLP stand for?',
    );
    await expect(page.locator('.msg[data-role=assistant]').textContent()).resolves.toContain(
      'OpenTelemetry Protocol.',
    );
    await expect(page.locator('.llm-view dl.facts').textContent()).resolves.toContain('14 in · 4 out');

    await page.click(`.wf-row[data-span-id="${polyglot.ids['ai.generateText.doGenerate']}"]`);
    await page.waitForSelector(`.span-detail[data-span-id="${polyglot.ids['ai.generateText.doGenerate']}"]`);
    await expect(page.locator('.msg[data-role=user]').textContent()).resolves.toContain(
      'Is Paris sunny today?',
    );
    await expect(page.locator('.msg[data-role=assistant]').textContent()).resolves.toContain('Mostly sunny');
    await expect(page.locator('.llm-view dl.facts').textContent()).resolves.toContain('stop');
    await w.shot('trace-foreign');

    // The AI SDK's tool span (ai.toolCall.*, no gen_ai.tool.* keys) gets the tool view.
    await page.click(`.wf-row[data-span-id="${polyglot.ids['ai.toolCall']}"]`);
    await page.waitForSelector(`.span-detail[data-span-id="${polyglot.ids['ai.toolCall']}"] .tool-view`);
    await expect(page.locator('.detail-badges .badge.type').textContent()).resolves.toBe('TOOL');
    const aiTool = page.locator('.tool-view');
    await expect(aiTool.locator('dl.facts').textContent()).resolves.toContain('getWeather');
    await expect(aiTool.locator('dl.facts').textContent()).resolves.toContain('call_weather_1');
    await expect(aiTool.textContent()).resolves.toContain('"city": "Paris"');
    await expect(aiTool.textContent()).resolves.toContain('"celsius": 21');
    await expect(aiTool.textContent()).resolves.not.toContain('Not recorded.');
    await w.shot('trace-ai-sdk-tool');

    await page.click(`.wf-row[data-span-id="${polyglot.ids['POST /v1/answer']}"]`);
    await page.waitForSelector(`.span-detail[data-span-id="${polyglot.ids['POST /v1/answer']}"]`);
    await expect(page.locator('.detail-badges .badge.type').textContent()).resolves.toBe('SERVER');
    await page.click('button.tab[data-tab=raw]');
    await expect(page.locator('tr[data-key="http.route"]').textContent()).resolves.toContain('/v1/answer');
    await page.click(`.wf-row[data-span-id="${polyglot.ids['SELECT orders']}"]`);
    await page.click('button.tab[data-tab=raw]');
    await expect(page.locator('tr[data-key="db.query.text"]').textContent()).resolves.toContain(
      'SELECT * FROM orders',
    );
    w.expectNoProblems();
  });

  it('falls back to the raw attributes, with a note, when a view cannot read a span', async () => {
    const w = await open(`${viewer.url}/#/trace/${broken.traceId}/${broken.ids['chat truncated']}`);
    const page = w.page;
    const failed = page.locator('.render-failed[data-renderer=LLM]');
    await failed.waitFor();
    await expect(failed.locator('.note').textContent()).resolves.toContain(
      'gen_ai.input.messages is not a JSON array',
    );
    await expect(failed.locator('tr[data-key="gen_ai.input.messages"]').textContent()).resolves.toContain(
      'cut off in the midd',
    );
    await w.shot('trace-broken');
    await page.click(`.wf-row[data-span-id="${broken.ids['retrieval odd']}"]`);
    await page.locator('.render-failed[data-renderer=retrieval]').waitFor();
    await expect(
      page.locator('.render-failed tr[data-key="glassbox.retrieval.documents"]').count(),
    ).resolves.toBe(1);
    w.expectNoProblems();
  });

  it('stores feedback on a span and on the trace, lists it with logFeedback’s, and exports it', async () => {
    const tent = await traceWith('tent warranty');
    const llm = (await spansOf(tent.traceId)).filter((s) => s.name === 'chat gpt-4o-mini').at(-1)!;
    // A judge's verdict on the same span, recorded through the API as an eval run would.
    const judged = await request(`${viewer.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        traceId: tent.traceId,
        spanId: llm.spanId,
        name: 'faithfulness',
        value: 0.2,
        rationale: 'The answer cites the returns article, not the warranty one.',
        source: { type: 'llm_judge', id: 'faithfulness-judge' },
      }),
    });
    expect(judged.status).toBe(201);
    const w = await open(`${viewer.url}/#/trace/${tent.traceId}/${llm.spanId}`);
    const page = w.page;
    await expect(page.locator('button.tab[data-tab=feedback]').textContent()).resolves.toBe('Feedback (1)');
    await page.click('button.tab[data-tab=feedback]');
    const judge = page.locator('.fb-item', { hasText: 'faithfulness' });
    await expect(judge.locator('.badge.source').textContent()).resolves.toBe('llm_judge: faithfulness-judge');
    await expect(judge.textContent()).resolves.toContain('cites the returns article');
    await page.click('.feedback-panel button[data-thumb=down]');
    await page.fill(
      '.feedback-panel textarea[name=comment]',
      'Answered about returns, not the <b>warranty</b>.',
    );
    await page.fill('.feedback-panel textarea[name=expected]', 'Tents have a 5-year warranty.');
    await page.click('.feedback-panel button[type=submit]');
    await page.locator('.fb-status', { hasText: 'saved' }).waitFor();
    const item = page.locator('.fb-item.fb-down', { hasText: 'not the <b>warranty</b>' });
    await item.waitFor();
    await expect(item.locator('.fb-expected').textContent()).resolves.toContain(
      'Tents have a 5-year warranty.',
    );
    await expect(page.locator('button.tab[data-tab=feedback]').textContent()).resolves.toBe('Feedback (2)');
    await w.shot('feedback-span');

    const stored = (await request(`${viewer.url}/api/feedback?traceId=${tent.traceId}`)).json().feedback;
    const mine = stored.find((f: { name: string }) => f.name === 'thumbs');
    expect(stored.filter((f: { spanId?: string }) => f.spanId === llm.spanId)).toHaveLength(2);
    expect(mine).toMatchObject({
      traceId: tent.traceId,
      spanId: llm.spanId,
      name: 'thumbs',
      value: false,
      rationale: 'Answered about returns, not the <b>warranty</b>.',
      expectations: { expected_answer: 'Tents have a 5-year warranty.' },
      source: { type: 'human' },
    });

    // On the trace: the overview lists the demo's logFeedback and takes a thumbs up.
    await page.click('.trace-title a');
    await page.waitForSelector('.feedback-panel[data-target=trace]');
    await expect(page.locator('.fb-item', { hasText: 'helpful' }).textContent()).resolves.toContain(
      'tent warranty and got the returns policy',
    );
    await page.click('.feedback-panel button[data-thumb=up]');
    await page.fill('.feedback-panel textarea[name=comment]', 'Polite, at least.');
    await page.click('.feedback-panel button[type=submit]');
    await page.locator('.fb-item.fb-up', { hasText: 'Polite, at least.' }).waitFor();
    await expect(page.locator('.trace-stats').textContent()).resolves.toContain('feedback (4)');
    await w.shot('feedback-trace');

    const jsonl = (await request(`${viewer.url}/api/export/feedback.jsonl`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl).toContainEqual(expect.objectContaining({ id: mine.id, spanId: llm.spanId, value: false }));
    expect(jsonl).toContainEqual(
      expect.objectContaining({ traceId: tent.traceId, value: true, rationale: 'Polite, at least.' }),
    );
    const otlp = (await request(`${viewer.url}/api/export/feedback.otlp.json`)).text;
    expect(otlp).toContain('Tents have a 5-year warranty.');
    const dataset = (await request(`${viewer.url}/api/export/dataset.jsonl`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const example = dataset.find((d: { traceId?: string }) => d.traceId === tent.traceId);
    expect(example?.expectations).toMatchObject({ expected_answer: 'Tents have a 5-year warranty.' });
    w.expectNoProblems();
  });

  afterAll(async () => {
    await glassbox?.shutdown();
    await viewer?.close();
  });
});
