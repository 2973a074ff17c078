import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../shared/segment-rules.js';
import { formPost, signIn } from './dashboard-session.js';
import { type TestCollector, testCollector } from './helpers.js';

let t: TestCollector;
let session = '';
let csrf = '';
beforeAll(async () => {
  t = await testCollector();
  ({ session, csrf } = await signIn(t));
});
afterAll(() => t?.close());

const fromHtml = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** What a browser submits of the editor's form as rendered: inputs, selected options, textareas. */
function formFields(html: string): Record<string, string> {
  const start = html.indexOf('id="segment-form"');
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const [, attrs = ''] of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name || (attrs.includes('type="checkbox"') && !attrs.includes('checked'))) continue;
    fields[fromHtml(name)] = fromHtml(/value="([^"]*)"/.exec(attrs)?.[1] ?? 'on');
  }
  for (const [, name = '', options = ''] of form.matchAll(
    /<select name="([^"]*)">(.*?)<\/select>/g,
  )) {
    const all = [...options.matchAll(/<option value="([^"]*)"( selected)?/g)];
    fields[fromHtml(name)] = fromHtml((all.find((o) => o[2]) ?? all[0])?.[1] ?? '');
  }
  for (const [, name = '', text = ''] of form.matchAll(
    /<textarea[^>]*name="([^"]*)"[^>]*>(.*?)<\/textarea>/gs,
  ))
    fields[fromHtml(name)] = fromHtml(text);
  return fields;
}

describe('rule editor round trip', () => {
  const rules: [string, Rule][] = [
    ['text-true', { type: 'trait', trait: 'vip', op: 'eq', value: 'true' }],
    ['text-number', { type: 'trait', trait: 'plan', op: 'gt', value: '10' }],
    ['null', { type: 'trait', trait: 'plan', op: 'neq', value: null }],
    ['padded', { type: 'context', field: 'language', op: 'startsWith', value: ' de' }],
    [
      'comma-in-list',
      {
        type: 'performed',
        event: 'ViewContent',
        atLeast: 1,
        where: [{ property: 'city', op: 'in', value: ['Berlin, DE', 'Paris', '75', 75] }],
      },
    ],
    ['empty-in-list', { type: 'trait', trait: 'coupon', op: 'notIn', value: ['', 'none'] }],
    ['comma-in-event', { type: 'performed', event: 'Order, gift', atLeast: 1 }],
    [
      'comma-in-step',
      { type: 'funnel', steps: [{ event: 'Add, gift' }, { event: 'Purchase' }], within: '1d' },
    ],
  ];

  it.each(rules)(
    'saves a rule made through the API unchanged from the editor (%s)',
    async (key, rule) => {
      expect((await resave({ key, name: key, rule })).rule).toEqual(rule);
    },
  );

  it('keeps every field of the UTM template, utm_term too', async () => {
    const utm = {
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'hero',
      utm_term: 'grinder',
    };
    const rule: Rule = { type: 'firstSeen', within: '7d' };
    expect((await resave({ key: 'with-term', name: 'With term', rule, utm })).utm).toEqual(utm);
  });
});

/** Creates a segment through the API, opens it in the editor, saves the form as shown: the stored segment. */
async function resave(segment: { key: string; name: string; rule: Rule; utm?: object }) {
  const created = await t.admin('/api/v1/segments', {
    method: 'POST',
    body: JSON.stringify({ ...segment, sourceId: t.source.id }),
  });
  expect(created.status).toBe(201);
  const path = `/app/segments/${segment.key}/edit?source=${t.source.id}`;
  const editor = await t.app.request(path, { headers: { Cookie: session } });
  const fields = formFields(await editor.text());
  expect(fields.mode).toBe('form');

  const saved = await t.app.request(
    path,
    formPost({ ...fields, _csrf: csrf, action: 'save' }, { Cookie: session }),
  );
  expect(saved.status).toBe(303);
  return (await t.admin(`/api/v1/segments/${segment.key}?sourceId=${t.source.id}`)).json();
}
