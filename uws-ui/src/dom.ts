// Small DOM helpers of the job page.

type Child = Node | string | null | undefined | false;

/** Makes an element with attributes (`class`, `data-*`, ...) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c) e.append(c);
  return e;
}

/** The element with this id (throws when the page lacks it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`uws page: no #${id}`);
  return e as T;
}

/** A button that runs `action` when clicked. */
export function button(label: string, action: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', action);
  return b;
}

/** The phase as a coloured badge (the colours are in style.css, one per UWS phase). */
export function phaseBadge(phase: string): HTMLSpanElement {
  return el('span', { class: `phase phase-${phase.toLowerCase()}`, 'data-phase': phase }, phase);
}
