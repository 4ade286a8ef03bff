// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { emailIn, firstOutside } from '../../lib/helpdesks/page';
import { parseHtml } from './dom';

const THREAD = '[aria-label="Ticket thread"]';
const pick = (html: string) => {
  const doc = parseHtml(`<div id="root">${html}</div>`);
  return firstOutside(doc.getElementById('root') as Element, 'a.x', THREAD)?.id;
};

describe('firstOutside', () => {
  it.each([
    [
      'before the thread',
      '<a class="x" id="a"></a><div aria-label="Ticket thread"><a class="x" id="t"></a></div>',
      'a',
    ],
    ['after the thread', '<div aria-label="Ticket thread"><a class="x" id="t"></a></div><a class="x" id="b"></a>', 'b'],
    [
      'deep on both sides: the first in document order',
      '<section><p><a class="x" id="early"></a></p><main><div aria-label="Ticket thread"><a class="x" id="t"></a></div><a class="x" id="late"></a></main></section>',
      'early',
    ],
    [
      'an ancestor of the thread that matches comes before what it holds',
      '<div><a class="x" id="outer"><div aria-label="Ticket thread"></div></a></div>',
      'outer',
    ],
    [
      'after the thread, inner levels before outer ones',
      '<main><div><div aria-label="Ticket thread"></div><a class="x" id="inner"></a></div><a class="x" id="outer"></a></main>',
      'inner',
    ],
    ['only inside the thread', '<div aria-label="Ticket thread"><a class="x" id="t"></a></div>', undefined],
    ['no thread at all', '<p><a class="x" id="p"></a></p>', 'p'],
    [
      'page markup imitating the thread before the real one: still never the real thread’s',
      '<div aria-label="Ticket thread"></div><div aria-label="Ticket thread"><a class="x" id="t"></a></div><a class="x" id="real"></a>',
      'real',
    ],
  ])('%s', (_name, html, id) => {
    expect(pick(html)).toBe(id);
  });
});

describe('emailIn', () => {
  const M = 'a[href^="mailto:" i]';
  const el = (html: string) => parseHtml(`<div id="e">${html}</div>`).getElementById('e');

  it.each([
    [
      'a mailto link first',
      '<span>other@example.com</span><a href="mailto:jane@example.com">Jane</a>',
      'jane@example.com',
    ],
    [
      'else the first email-shaped text',
      '<dl><dt>Email</dt><dd><span>jane@example.com</span></dd></dl>',
      'jane@example.com',
    ],
    ['in brackets', '<p>Jane Doe &lt;jane@example.com&gt;</p>', 'jane@example.com'],
    ['nothing email-shaped', '<p>Jane @ home</p>', undefined],
  ])('%s', (_name, html, email) => {
    expect(emailIn(el(html), M)).toBe(email);
  });

  it('visits a bounded number of text nodes (a panel, not a thread)', () => {
    const filler = '<p>x</p>'.repeat(300);
    expect(emailIn(el(`${filler}<p>late@example.com</p>`), M)).toBeUndefined();
    expect(emailIn(el(`${filler}<p>late@example.com</p>`), M, 400)).toBe('late@example.com');
  });
});
