import { GlassboxConfigError } from '@glassbox/core';

/** The variables a judge's instructions can use. */
export const TEMPLATE_VARIABLES = ['inputs', 'outputs', 'expectations', 'trace'] as const;
/** One of `TEMPLATE_VARIABLES`. */
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * The variables an instructions template uses; throws `GlassboxConfigError` naming every unknown one
 * (`{{ answer }}`), and when the template uses none (the judge would see nothing to judge).
 */
export function templateVariables(template: string, option: string): Set<TemplateVariable> {
  const used = new Set<TemplateVariable>();
  const unknown: string[] = [];
  for (const match of template.matchAll(PATTERN)) {
    const name = match[1] ?? '';
    if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) used.add(name as TemplateVariable);
    else if (!unknown.includes(name)) unknown.push(name);
  }
  const known = TEMPLATE_VARIABLES.map((v) => `{{ ${v} }}`).join(', ');
  if (unknown.length > 0) {
    throw new GlassboxConfigError({
      option,
      message: `unknown template variable${unknown.length > 1 ? 's' : ''} ${unknown
        .map((v) => `{{ ${v} }}`)
        .join(', ')} (known: ${known})`,
    });
  }
  if (used.size === 0) {
    throw new GlassboxConfigError({
      option,
      message: `uses no template variable, so the judge would see nothing to judge (use ${known})`,
    });
  }
  return used;
}

/** Fills a template's variables with their text. */
export function renderTemplate(template: string, values: Record<TemplateVariable, string>): string {
  return template.replace(PATTERN, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as TemplateVariable] : whole,
  );
}

/** A value as judge-readable text: strings as they are, anything else as indented JSON; bounded. */
export function valueText(value: unknown, maxChars: number): string {
  let text: string;
  if (value === undefined) text = '(none)';
  else if (typeof value === 'string') text = value;
  else {
    try {
      text =
        JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}… (cut at ${maxChars} characters)`;
}
