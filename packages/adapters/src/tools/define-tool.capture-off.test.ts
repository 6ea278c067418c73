import { ATTR } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, ToolRegistry } from './index.js';

const { span, spans } = setupGlassbox({ captureContent: false });

describe('tools with content capture off', () => {
  it('keeps names, call ids and errors but no arguments or results', async () => {
    const lookup = defineTool({
      name: 'lookup_patient',
      description: 'Look up a patient',
      parameters: z.object({ ssn: z.string() }),
      execute: ({ ssn }) => ({ ssn, name: 'Jane' }),
    });
    const registry = new ToolRegistry([lookup]);
    await registry.run({ type: 'tool_use', id: 'toolu_1', name: 'lookup_patient', input: { ssn: '123' } });
    await registry
      .run({ type: 'tool_use', id: 'toolu_2', name: 'lookup_patient', input: { ssn: 1 } })
      .catch(() => {});
    const [ok, failed] = await spans();
    for (const s of [ok!, failed!]) {
      expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
      expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
      expect(s.attributes[ATTR.GEN_AI_TOOL_NAME]).toBe('lookup_patient');
    }
    expect(ok!.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('toolu_1');
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed!.attributes[ATTR.ERROR_TYPE]).toBe('ToolArgumentsError');
  });

  it('lets one tool opt back in', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echo',
      parameters: z.object({ text: z.string() }),
      captureContent: true,
      execute: ({ text }) => text,
    });
    await echo.execute({ text: 'hi' });
    expect((await span('execute_tool echo')).attributes[ATTR.OUTPUTS]).toBe('"hi"');
  });
});
