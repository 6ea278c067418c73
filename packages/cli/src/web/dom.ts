/// <reference lib="dom" />
// The page's only way to make DOM: every value becomes a text node or an attribute, never markup, so
// nothing a span carries can turn into HTML (tests/web/web-source.test.ts keeps markup-parsing APIs out).

/** A child of `h`: text, a node, or nothing (skipped); arrays are flattened. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Props of `h`: attributes by name, `on*` event listeners, `class` and `dataset` shortcuts. */
export type Props = Record<string, unknown> & { class?: string | undefined };

/** Creates an element: props become attributes or listeners, children become text nodes or elements. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      } else if (key === 'value' && 'value' in el) {
        (el as HTMLInputElement).value = String(value);
      } else if (key === 'checked' && 'checked' in el) {
        (el as HTMLInputElement).checked = value === true;
      } else if (key === 'style' && typeof value === 'object') {
        for (const [name, v] of Object.entries(value as Record<string, string>))
          el.style.setProperty(name, v);
      } else {
        // setAttribute never parses markup; `href`s are only ever built by the page itself.
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children to a node as `h` does. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (typeof child === 'string' || typeof child === 'number')
      parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
}

/** Removes every child of a node. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Replaces the children of a node. */
export function replace(node: Node, ...children: Child[]): void {
  clear(node);
  append(node, children);
}
