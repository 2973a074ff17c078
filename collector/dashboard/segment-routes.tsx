import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Rule, UtmTemplate } from '../../shared/segment-rules.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { segmentMembersPage } from '../reports/segment-members.js';
import { RuleSchema } from '../segments/rule-schema.js';
import { ApiCallError, type ApiClient } from './api-client.js';
import type { Delivery, Overlap, Preview, SegmentDetail, SegmentView } from './api-types.js';
import type { DashboardEnv } from './auth.js';
import { html, Shell } from './layout.js';
import { pageContext } from './page-context.js';
import {
  applyAction,
  draftToRule,
  emptyCondition,
  formPlace,
  formToDraft,
  type RuleDraft,
  ruleToDraft,
} from './rule-form.js';
import { type DetailProps, MEMBERS_PAGE, SegmentDetailPage } from './segment-detail.js';
import { type EditorState, SegmentEditorPage, UTM_FIELDS } from './segment-editor.js';
import { sizeHistory } from './segment-trend.js';
import { SegmentList } from './segments.js';

const enc = encodeURIComponent;

/** What a download link may pass on to `GET /api/v1/segments/:key/export` (the API checks them). */
const EXPORT_PARAMS = ['format', 'platform', 'countryCode'] as const;

/**
 * Zod issues from the API as readable lines ("rule.rules.0.within: must be a duration …"); with
 * the form's draft, a condition's issue as the form numbers it ("Condition 1, within: …").
 */
export function errorLines(err: unknown, draft?: RuleDraft): string[] {
  if (!(err instanceof ApiCallError)) return [String((err as Error)?.message ?? err)];
  const issues = Array.isArray(err.body.details)
    ? (err.body.details as { path?: unknown[]; message?: string }[])
    : [];
  if (issues.length === 0) return [err.body.message];
  return issues.map((i) => {
    const path = i.path ?? [];
    const place = (draft && formPlace(path, draft)) ?? (path.join('.') || 'segment');
    return `${place}: ${i.message ?? ''}`;
  });
}

/** The draft to name conditions by in errors: only when the rule came from the form. */
const formDraft = (state: EditorState) => (state.mode === 'form' ? state.draft : undefined);

/** The marketer's input was refused (shown on the form); anything else is the app's fault. */
const isInputError = (err: unknown) => err instanceof ApiError && err.status < 500;

/** Segments pages: list, segment page, rule editor with live preview, exports, webhook. */
export function segmentPages(deps: AppDeps, api: ApiClient) {
  const app = new Hono<DashboardEnv>();

  /** The source these pages work on: the chosen one, else the first. */
  async function scope(c: Context<DashboardEnv>) {
    const p = await pageContext(c, deps);
    const source = p.sources.find((s) => s.id === p.filters.sourceId) ?? p.sources[0];
    if (!source) throw new ApiError(404, 'no_sources', 'Create a source first');
    const filters = { ...p.filters, sourceId: source.id };
    const q = `?source=${enc(source.id)}`;
    const shell = (title: string, scripts: string[] = []) => ({
      title,
      active: 'segments' as const,
      csrf: p.csrf,
      filters: { value: filters, sources: p.sources, path: '/app/segments', dates: false },
      scripts,
    });
    return { ...p, source, q, shell, sq: `sourceId=${enc(source.id)}` };
  }

  app.get('/', async (c) => {
    const s = await scope(c);
    const { segments } = await api.get<{ segments: SegmentView[] }>(`/segments?${s.sq}`);
    const rows = await Promise.all(
      segments.map(async (segment) => {
        const detail = await api.get<SegmentDetail>(`/segments/${enc(segment.key)}?${s.sq}`);
        return {
          segment,
          size: detail.size,
          change: sizeHistory(detail.trend, detail.size).change,
        };
      }),
    );
    return c.html(
      html(
        <Shell {...s.shell('Segments')}>
          <SegmentList rows={rows} query={s.q} />
        </Shell>,
      ),
    );
  });

  // --- rule editor ---------------------------------------------------------------------

  const fromSegment = (seg: SegmentView, isNew: boolean): EditorState => {
    const draft = ruleToDraft(seg.rule);
    return {
      isNew,
      mode: draft ? 'form' : 'json',
      key: isNew ? '' : seg.key,
      name: isNew ? `${seg.name} (copy)` : seg.name,
      description: seg.description ?? '',
      reentryAfter: seg.reentryAfter ?? '',
      utm: seg.utm ?? {},
      draft: draft ?? { match: 'all', conditions: [] },
      json: JSON.stringify(seg.rule, null, 2),
      errors: [],
    };
  };

  const fromForm = (form: Record<string, string>, isNew: boolean): EditorState => ({
    isNew,
    mode: form.mode === 'json' ? 'json' : 'form',
    key: form.key?.trim() ?? '',
    name: form.name?.trim() ?? '',
    description: form.description?.trim() ?? '',
    reentryAfter: form.reentryAfter?.trim() ?? '',
    utm: Object.fromEntries(
      UTM_FIELDS.filter((f) => form[f]?.trim()).map((f) => [f, form[f]?.trim()]),
    ) as Partial<UtmTemplate>,
    draft: formToDraft(form),
    json: form.json ?? '',
    errors: [],
  });

  function ruleOf(state: EditorState): Rule {
    if (state.mode === 'form') return draftToRule(state.draft);
    try {
      return JSON.parse(state.json) as Rule;
    } catch {
      throw new ApiError(400, 'invalid_rule', 'The rule is not valid JSON');
    }
  }

  async function preview(sourceId: string, rule: Rule) {
    return api.post<Preview>('/segments/preview', { sourceId, rule, sampleSize: 5 });
  }

  async function renderEditor(
    c: Context<DashboardEnv>,
    state: EditorState,
    status: 200 | 400 = 200,
  ) {
    const s = await scope(c);
    const { segments } = await api.get<{ segments: SegmentView[] }>(`/segments?${s.sq}`);
    const action = state.isNew
      ? `/app/segments/_new${s.q}`
      : `/app/segments/${enc(state.key)}/edit${s.q}`;
    return c.html(
      html(
        <Shell {...s.shell(state.isNew ? 'New segment' : `Edit ${state.name}`, ['rule-editor.js'])}>
          <SegmentEditorPage
            state={state}
            action={action}
            csrf={s.csrf}
            sourceName={s.source.name}
            segmentKeys={segments.map((x) => x.key).filter((k) => k !== state.key)}
            templates={segments.filter((x) => x.template)}
            templateHref={(key) => `/app/segments/_new${s.q}&from=${enc(key)}`}
          />
        </Shell>,
      ),
      status,
    );
  }

  // `_new`: no key starts with `_`, and `new` is a built-in segment's key.
  app.get('/_new', async (c) => {
    const s = await scope(c);
    const from = c.req.query('from');
    const state: EditorState = from
      ? fromSegment(await api.get<SegmentView>(`/segments/${enc(from)}?${s.sq}`), true)
      : {
          isNew: true,
          mode: 'form',
          key: '',
          name: '',
          description: '',
          reentryAfter: '',
          utm: {},
          draft: { match: 'all', conditions: [emptyCondition()] },
          json: '',
          errors: [],
        };
    return renderEditor(c, state);
  });

  app.get('/:key/edit', async (c) => {
    const s = await scope(c);
    const seg = await api.get<SegmentView>(`/segments/${enc(c.req.param('key'))}?${s.sq}`);
    return renderEditor(c, fromSegment(seg, false));
  });

  async function submitEditor(c: Context<DashboardEnv>, isNew: boolean) {
    const s = await scope(c);
    const form = Object.fromEntries(
      Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    const state = fromForm(form, isNew);
    if (!isNew) state.key = c.req.param('key') ?? state.key;
    const action = form.action ?? 'preview';
    try {
      if (action === 'json') {
        return renderEditor(c, {
          ...state,
          mode: 'json',
          json: JSON.stringify(draftToRule(state.draft), null, 2),
        });
      }
      if (action === 'form') {
        const parsed = RuleSchema.safeParse(ruleOf(state));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ApiError(
            400,
            'invalid_rule',
            `The rule is not valid (${issue?.path.join('.') || 'rule'}: ${issue?.message}): fix it as JSON`,
          );
        }
        const draft = ruleToDraft(parsed.data);
        if (!draft)
          throw new ApiError(
            400,
            'rule_too_deep_for_form',
            'This rule nests all/any groups deeper than the form shows: keep editing it as JSON',
          );
        return renderEditor(c, { ...state, mode: 'form', draft });
      }
      if (action !== 'save' && action !== 'preview') {
        return renderEditor(c, { ...state, draft: applyAction(state.draft, action) });
      }
      const rule = ruleOf(state);
      if (action === 'preview')
        return renderEditor(c, { ...state, preview: await preview(s.source.id, rule) });
      // A field left empty is no field: absent when creating, removed (null) when editing.
      const body = {
        name: state.name,
        description: state.description || null,
        rule,
        reentryAfter: state.reentryAfter || null,
        utm: Object.keys(state.utm).length ? state.utm : null,
      };
      if (isNew) {
        const fields = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
        await api.post('/segments', { ...fields, key: state.key, sourceId: s.source.id });
      } else await api.patch(`/segments/${enc(state.key)}?${s.sq}`, body);
      return c.redirect(`/app/segments/${enc(state.key)}${s.q}&saved=1`, 303);
    } catch (err) {
      if (!isInputError(err)) throw err;
      return renderEditor(c, { ...state, errors: errorLines(err, formDraft(state)) }, 400);
    }
  }

  app.post('/_new', (c) => submitEditor(c, true));
  app.post('/:key/edit', (c) => submitEditor(c, false));

  /** The live preview behind rule-editor.js: the editor's form in, a count out. */
  app.post('/preview', async (c) => {
    const s = await scope(c);
    const form = Object.fromEntries(
      Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    const state = fromForm(form, true);
    try {
      return c.json(await preview(s.source.id, ruleOf(state)));
    } catch (err) {
      if (!isInputError(err)) throw err;
      return c.json({ errors: errorLines(err, formDraft(state)) }, 400);
    }
  });

  // --- segment page ----------------------------------------------------------------------

  /** The segment page; after a refused webhook URL, with the reason on its form (400). */
  async function segmentPage(
    c: Context<DashboardEnv>,
    key: string,
    webhookError?: DetailProps['webhookError'],
  ) {
    const s = await scope(c);
    const segment = await api.get<SegmentDetail>(`/segments/${enc(key)}?${s.sq}`);
    const { segments } = await api.get<{ segments: SegmentView[] }>(`/segments?${s.sq}`);
    const others = segments.filter((x) => x.key !== key);
    // Capped: an offset beyond SQLite's integers is refused as a type mismatch.
    const page = Math.min(1e6, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const search = (c.req.query('q') ?? '').slice(0, 200);
    const members = await segmentMembersPage(deps.database.client, segment.id, {
      search,
      offset: (page - 1) * MEMBERS_PAGE,
      limit: MEMBERS_PAGE,
    });
    const withKey = c.req.query('with');
    const overlap = withKey
      ? await api.get<Overlap>(`/segments/overlap?a=${enc(key)}&b=${enc(withKey)}&${s.sq}`)
      : undefined;
    const url = c.req.query('link');
    let link: { url: string; tagged?: string; error?: string } | undefined;
    if (url) {
      try {
        const r = await api.post<{ url: string }>('/links', {
          sourceId: s.source.id,
          segment: key,
          url,
        });
        link = { url, tagged: r.url };
      } catch (err) {
        if (!isInputError(err)) throw err;
        link = { url, error: errorLines(err).join('; ') };
      }
    }
    const { deliveries } = await api.get<{ deliveries: Delivery[] }>(
      `/segments/${enc(key)}/webhooks?${s.sq}`,
    );
    return c.html(
      html(
        <Shell {...s.shell(segment.name, ['uPlot.iife.min.js', 'charts.js'])}>
          <SegmentDetailPage
            segment={segment}
            query={s.q}
            csrf={s.csrf}
            members={{ rows: members.members, total: members.total, page, search }}
            others={others}
            overlap={overlap}
            link={link}
            webhookError={webhookError}
            deliveries={deliveries}
            notice={c.req.query('saved') ? 'Saved. Membership is being recomputed.' : undefined}
          />
        </Shell>,
      ),
      webhookError ? 400 : 200,
    );
  }

  app.get('/:key', (c) => segmentPage(c, c.req.param('key')));

  app.get('/:key/export', async (c) => {
    const s = await scope(c);
    const params = new URLSearchParams({ format: 'csv' });
    for (const name of EXPORT_PARAMS) {
      const value = c.req.query(name);
      if (value !== undefined) params.set(name, value);
    }
    return api.raw(`/segments/${enc(c.req.param('key'))}/export?${params}&${s.sq}`);
  });

  app.post('/:key/webhook', async (c) => {
    const s = await scope(c);
    const key = c.req.param('key');
    const form = await c.req.parseBody();
    const url = typeof form.url === 'string' ? form.url.trim() : '';
    try {
      await api.patch(`/segments/${enc(key)}?${s.sq}`, { webhookUrl: url || null });
    } catch (err) {
      if (!isInputError(err)) throw err;
      return segmentPage(c, key, { url, error: errorLines(err).join('; ') });
    }
    return c.redirect(`/app/segments/${enc(key)}${s.q}#webhook-h`, 303);
  });

  return app;
}
