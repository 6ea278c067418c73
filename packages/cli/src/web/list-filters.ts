/// <reference lib="dom" />
// The trace list's filter bar. Every filter lives in the URL hash, so a filtered list can be shared
// and Back restores it.
import type { Facets } from './api.js';
import { h } from './dom.js';
import type { FilterKey, Filters } from './router.js';

function select(key: FilterKey, label: string, values: string[], filters: Filters): HTMLSelectElement {
  const current = filters[key];
  const options = [...values];
  if (current !== undefined && !options.includes(current)) options.unshift(current);
  return h(
    'select',
    { name: key, 'aria-label': label, title: label },
    h('option', { value: '' }, `${label}: any`),
    options.map((v) => h('option', { value: v, selected: v === current }, v)),
  );
}

function input(
  key: FilterKey,
  label: string,
  filters: Filters,
  type = 'text',
  width?: string,
): HTMLInputElement {
  return h('input', {
    name: key,
    type,
    placeholder: label,
    'aria-label': label,
    title: label,
    value: filters[key] ?? '',
    class: width ? `w-${width}` : undefined,
    min: type === 'number' ? '0' : undefined,
  });
}

function check(key: FilterKey, label: string, filters: Filters): HTMLLabelElement {
  return h(
    'label',
    { class: 'check' },
    h('input', { type: 'checkbox', name: key, checked: filters[key] === '1' }),
    label,
  );
}

/** The filter bar; `onChange` gets the new filters whenever one changes. */
export function filterBar(
  facets: Facets,
  filters: Filters,
  onChange: (filters: Filters) => void,
): HTMLElement {
  const controls = [
    input('q', 'Search inputs and outputs', filters, 'search', 'wide'),
    select('service', 'service', facets.services, filters),
    select('name', 'span name', facets.spanNames, filters),
    select('status', 'status', ['ok', 'error', 'unset'], filters),
    select('type', 'span type', facets.spanTypes, filters),
    select('tag', 'tag', facets.tags, filters),
    input('minMs', 'min ms', filters, 'number', 'num'),
    input('maxMs', 'max ms', filters, 'number', 'num'),
    input('session', 'session', filters, 'text', 'mid'),
    input('user', 'user', filters, 'text', 'mid'),
    check('flagged', 'flagged rewrite', filters),
    check('feedback', 'has feedback', filters),
  ];
  const form = h('form', { class: 'filters', role: 'search' }, controls);
  const read = (): Filters => {
    const out: Filters = {};
    for (const el of Array.from(form.elements)) {
      const field = el as HTMLInputElement | HTMLSelectElement;
      const key = field.name as FilterKey;
      if (!key) continue;
      if (field instanceof HTMLInputElement && field.type === 'checkbox') {
        if (field.checked) out[key] = '1';
      } else if (field.value.trim() !== '') out[key] = field.value.trim();
    }
    return out;
  };
  // `change` fires for selects and checkboxes at once, for text fields on Enter or leaving the field.
  form.addEventListener('change', () => onChange(read()));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onChange(read());
  });
  const clear = h('button', { type: 'button', class: 'link' }, 'clear filters');
  clear.addEventListener('click', () => onChange({}));
  form.appendChild(clear);
  return form;
}
