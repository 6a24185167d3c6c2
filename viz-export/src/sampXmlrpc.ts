// XML-RPC as the SAMP Web Profile speaks it (SAMP 1.3, section 5): a request's values are
// SAMP's three types only (string, list, map), a response may hold any XML-RPC type.

/** A SAMP value: a string, a list or a map of SAMP values. */
export type SampValue = string | SampValue[] | { [key: string]: SampValue };

/** A value as the hub's responses hold it (XML-RPC's other scalars included). */
export type RpcValue = string | number | boolean | null | RpcValue[] | { [key: string]: RpcValue };

/** A fault the hub answered with (its faultString, and faultCode). */
export class RpcFault extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` as a legal SAMP string (SAMP 1.3, 3.3: only 0x09, 0x0a, 0x0d and 0x20-0x7f;
 * JSAMP's hub refuses any other character): every other character becomes '?'. */
export function sampString(text: string): string {
  return text.replace(/[^\t\n\r\x20-\x7f]/g, '?');
}

function encodeValue(v: SampValue): string {
  if (typeof v === 'string') return `<value><string>${escapeXml(sampString(v))}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(sampString(k))}</name>${encodeValue(x)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

/** The XML-RPC methodCall document of `method` with `params`. */
export function encodeCall(method: string, params: SampValue[]): string {
  const ps = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${ps}</params></methodCall>`;
}

function childElements(el: Element): Element[] {
  return Array.from(el.children);
}

function decodeValue(value: Element): RpcValue {
  const typed = childElements(value)[0];
  if (!typed) return value.textContent ?? ''; // a <value> without a type is a string
  const text = typed.textContent ?? '';
  switch (typed.localName) {
    case 'string': return text;
    case 'int': case 'i4': case 'i8': case 'double': return Number(text);
    case 'boolean': return text.trim() === '1';
    case 'nil': return null;
    case 'array': {
      const data = childElements(typed).find((e) => e.localName === 'data');
      return data ? childElements(data).filter((e) => e.localName === 'value').map(decodeValue) : [];
    }
    case 'struct': {
      const out: { [key: string]: RpcValue } = {};
      for (const m of childElements(typed).filter((e) => e.localName === 'member')) {
        const name = childElements(m).find((e) => e.localName === 'name')?.textContent ?? '';
        const v = childElements(m).find((e) => e.localName === 'value');
        out[name] = v ? decodeValue(v) : '';
      }
      return out;
    }
    default: return text;
  }
}

/** The value of a methodResponse document; throws RpcFault for a fault, Error when it is no
 * XML-RPC response. */
export function decodeResponse(xml: string, parser: DOMParser): RpcValue {
  const doc = parser.parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'methodResponse') throw new Error('samp: the hub\'s answer is not an XML-RPC response');
  const fault = childElements(root).find((e) => e.localName === 'fault');
  if (fault) {
    const v = fault.getElementsByTagName('value')[0];
    const f = (v ? decodeValue(v) : {}) as { faultCode?: number; faultString?: string };
    throw new RpcFault(Number(f.faultCode ?? 0), String(f.faultString ?? 'fault'));
  }
  const value = root.getElementsByTagName('value')[0];
  return value ? decodeValue(value) : '';
}
