import { attr, html, raw } from './html';

describe('html templates', () => {
  it('escapes interpolated values', () => {
    const script = '<script>alert("x")</script>';
    expect(html`<p>${script}</p>`.value).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    const attack = '" onmouseover="x';
    expect(html`<a title="${attack}">`.value).toBe('<a title="&quot; onmouseover=&quot;x">');
  });

  it('nests fragments and joins arrays without double escaping', () => {
    const items = ['a&b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });

  it('renders nothing for null, undefined and false, and raw markup as is', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${raw('<svg/>')}`.value).toBe('<svg/>');
    expect(html`<option${attr('selected', true)}>`.value).toBe('<option selected>');
  });
});
