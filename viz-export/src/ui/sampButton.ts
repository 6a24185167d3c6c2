// The "Send to TOPCAT / SPLAT" buttons: a button and a one-line status beside it. A failure
// (no hub, no client, a refusal) is shown there and never escapes to the page.
import { SampUnavailable } from '../sampHub';
import { h } from './dom';

/** A button named `name` (data-samp attribute, for tests) that runs `send` and shows its
 * message, or its error's message, beside it. */
export function sampButton(name: string, label: string, title: string, send: () => Promise<string>): HTMLElement {
  const button = h('button', { type: 'button', class: 'samp', title }, label);
  const status = h('span', { class: 'samp-status', role: 'status' });
  button.addEventListener('click', () => {
    button.disabled = true;
    status.className = 'samp-status';
    status.textContent = 'Sending…';
    send().then(
      (message) => { status.className = 'samp-status ok'; status.textContent = message; },
      (e: unknown) => {
        status.className = `samp-status ${e instanceof SampUnavailable ? 'nohub' : 'error'}`;
        status.textContent = e instanceof Error ? e.message : String(e);
      },
    ).finally(() => { button.disabled = false; });
  });
  return h('div', { class: 'samp-bar', 'data-samp': name }, button, status);
}
