/** A fragment of HTML that is already safe: produced by `html` or wrapped deliberately by `raw`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const SPECIAL = /[&<>"']/;
/** Most values have nothing to escape: they are returned as they are, without a replace's copy. */
export const escapeHtml = (text: string): string =>
  SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text;

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Templates as tagged literals: every interpolated value is escaped unless it is itself `Html`,
 * so user data cannot inject markup; arrays are joined; null/undefined/false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup we built ourselves (e.g. an SVG chart); never pass user input here. */
export const raw = (markup: string): Html => new Html(markup);

/** `attr('selected', cond)` → ` selected` or nothing. */
export const attr = (name: string, on: boolean | undefined): Html => new Html(on ? ` ${name}` : '');
