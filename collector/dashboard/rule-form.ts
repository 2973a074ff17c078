import type { PropertyFilter, Rule, Scalar } from '../../shared/segment-rules.js';

/**
 * The rule editor's form model: a rule is an all/any list of conditions, each a leaf rule
 * (optionally negated), every field a string as the form sends it. Rules with deeper nesting
 * are edited as JSON instead (`ruleToDraft` returns undefined for them).
 */
export const CONDITION_TYPES = [
  'performed',
  'notPerformed',
  'funnel',
  'activeDays',
  'firstSeen',
  'lastSeen',
  'trait',
  'context',
  'consent',
  'inSegment',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface FilterDraft {
  property: string;
  op: string;
  value: string;
  sameAs: string;
}

export interface ConditionDraft {
  type: ConditionType;
  negate: boolean;
  /** Every other field by name (event, count, n, window, within, from, to, …). */
  fields: Record<string, string>;
  filters: FilterDraft[];
  /** notPerformed: filters on the anchor event. */
  afterFilters: FilterDraft[];
}

export interface RuleDraft {
  match: 'all' | 'any';
  conditions: ConditionDraft[];
}

export const emptyCondition = (type: ConditionType = 'performed'): ConditionDraft => ({
  type,
  negate: false,
  fields: type === 'performed' ? { count: 'atLeast', n: '1', window: 'within', within: '30d' } : {},
  filters: [],
  afterFilters: [],
});

const list = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

const parseJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/**
 * A form value as the JSON scalar it most likely means ("3" → 3, "true" → true, null); text in
 * JSON quotes stays text (`"3"`, `" de"`), so every value the API takes can be written.
 */
function scalar(s: string): Scalar {
  const t = s.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  const quoted = t.startsWith('"') ? parseJson(t) : undefined;
  if (typeof quoted === 'string') return quoted;
  if (t !== '' && String(Number(t)) === t) return Number(t);
  return t;
}

/** How the form shows a scalar: as typed, or in JSON quotes where `scalar` would read it otherwise. */
const scalarText = (v: Scalar) =>
  typeof v === 'string' && scalar(v) !== v ? JSON.stringify(v) : String(v);

/** A JSON array as typed (`["Berlin, DE", "Paris"]`), else undefined. */
function jsonArray(s: string): unknown[] | undefined {
  const t = s.trim();
  const array = t.startsWith('[') ? parseJson(t) : undefined;
  return Array.isArray(array) ? array : undefined;
}

/** Items comma-separated, or the values as a JSON array when an item is empty or holds a comma. */
function listText(items: string[], values: unknown[], separator = ', ') {
  const joined = items.join(separator);
  return items.some((x) => x === '' || /[,\n]/.test(x)) || joined.startsWith('[')
    ? JSON.stringify(values)
    : joined;
}

const valueText = (v: Scalar | Scalar[] | undefined) =>
  v === undefined ? '' : Array.isArray(v) ? listText(v.map(scalarText), v) : scalarText(v);

const namesText = (names: string | string[], separator = ', ') => {
  const all = [names].flat();
  return listText(all, all, separator);
};
const names = (s: string | undefined) => jsonArray(s ?? '')?.map(String) ?? list(s ?? '');

const text = (v: unknown) => (v == null ? '' : String(v));

function operand(op: string, value: string): { value?: Scalar | Scalar[] } {
  if (op === 'exists' || op === 'notExists') return {};
  if (op !== 'in' && op !== 'notIn') return { value: scalar(value) };
  return { value: (jsonArray(value) as Scalar[] | undefined) ?? list(value).map(scalar) };
}

function filtersOf(drafts: FilterDraft[]): PropertyFilter[] | undefined {
  const out = drafts
    .filter((f) => f.property.trim())
    .map((f) => {
      const base = { property: f.property.trim(), op: f.op as PropertyFilter['op'] };
      return f.sameAs.trim()
        ? { ...base, sameAs: f.sameAs.trim() }
        : { ...base, ...operand(f.op, f.value) };
    });
  return out.length ? out : undefined;
}

function toFilterDrafts(filters: PropertyFilter[] | undefined): FilterDraft[] {
  return (filters ?? []).map((f) => ({
    property: f.property,
    op: f.op,
    value: valueText(f.value),
    sameAs: f.sameAs ?? '',
  }));
}

const events = (s: string | undefined) => {
  const all = names(s);
  return all.length === 1 ? (all[0] as string) : all;
};
const opt = (key: string, value: string | undefined) =>
  value?.trim() ? { [key]: value.trim() } : {};
const optNum = (key: string, value: string | undefined) =>
  value?.trim() ? { [key]: Number(value.trim()) } : {};

function leafOf(c: ConditionDraft): Rule {
  const f = c.fields;
  switch (c.type) {
    case 'performed': {
      const window =
        f.window === 'between'
          ? { between: { from: f.from?.trim() ?? '', to: f.to?.trim() ?? '' } }
          : f.window === 'within'
            ? opt('within', f.within)
            : {};
      return {
        type: 'performed',
        event: events(f.event),
        ...(filtersOf(c.filters) ? { where: filtersOf(c.filters) } : {}),
        ...optNum(f.count ?? 'atLeast', f.n),
        ...window,
      } as Rule;
    }
    case 'notPerformed': {
      const after = f.afterEvent?.trim()
        ? {
            after: {
              event: events(f.afterEvent),
              ...(filtersOf(c.afterFilters) ? { where: filtersOf(c.afterFilters) } : {}),
              ...opt('within', f.afterWithin),
              ...opt('olderThan', f.afterOlderThan),
            },
          }
        : {};
      return {
        type: 'notPerformed',
        event: events(f.event),
        ...(filtersOf(c.filters) ? { where: filtersOf(c.filters) } : {}),
        ...opt('within', f.within),
        ...after,
      } as Rule;
    }
    case 'funnel':
      return {
        type: 'funnel',
        steps: names(f.steps).map((event) => ({ event })),
        within: f.within?.trim() ?? '',
        ...opt('startedWithin', f.startedWithin),
      };
    case 'activeDays':
      return {
        type: 'activeDays',
        within: f.within?.trim() ?? '',
        ...optNum('atLeast', f.atLeast),
        ...optNum('atMost', f.atMost),
        ...(f.days && f.days !== 'all' ? { days: f.days } : {}),
      } as Rule;
    case 'firstSeen':
    case 'lastSeen':
      return { type: c.type, ...opt('within', f.within), ...opt('olderThan', f.olderThan) };
    case 'trait':
      return {
        type: 'trait',
        trait: f.trait?.trim() ?? '',
        op: (f.op ?? 'eq') as PropertyFilter['op'],
        ...operand(f.op ?? 'eq', f.value ?? ''),
      };
    case 'context':
      return {
        type: 'context',
        field: (f.field ?? 'language') as 'language',
        op: (f.op ?? 'eq') as PropertyFilter['op'],
        ...operand(f.op ?? 'eq', f.value ?? ''),
      };
    case 'consent':
      return {
        type: 'consent',
        category: (f.category ?? 'marketing') as 'marketing',
        granted: f.granted !== 'false',
      };
    case 'inSegment':
      return { type: 'inSegment', segment: f.segment?.trim() ?? '' };
  }
}

/** The rule a draft describes (validated afterwards by the rule schema). */
export function draftToRule(draft: RuleDraft): Rule {
  const rules = draft.conditions.map((c) => {
    const leaf = leafOf(c);
    return c.negate ? ({ type: 'not', rule: leaf } as Rule) : leaf;
  });
  if (rules.length === 1 && draft.match === 'all') return rules[0] as Rule;
  return { type: draft.match, rules };
}

function conditionOf(rule: Rule): ConditionDraft | undefined {
  if (rule.type === 'not') {
    const inner = conditionOf(rule.rule);
    return inner && !inner.negate ? { ...inner, negate: true } : undefined;
  }
  const c: ConditionDraft = { ...emptyCondition(), fields: {} };
  const set = (fields: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) c.fields[k] = text(v);
  };
  switch (rule.type) {
    case 'all':
    case 'any':
      return undefined;
    case 'performed': {
      const bounds = ['exactly', 'atLeast', 'atMost'].filter(
        (k) => rule[k as 'atLeast'] !== undefined,
      );
      if (bounds.length > 1) return undefined;
      const count = bounds[0] ?? 'atLeast';
      set({
        event: namesText(rule.event),
        count,
        n: rule[count as 'atLeast'] ?? 1,
        window: rule.between ? 'between' : rule.within ? 'within' : 'ever',
        within: rule.within,
        from: rule.between?.from,
        to: rule.between?.to,
      });
      return { ...c, type: 'performed', filters: toFilterDrafts(rule.where) };
    }
    case 'notPerformed':
      set({
        event: namesText(rule.event),
        within: rule.within,
        afterEvent: rule.after && namesText(rule.after.event),
        afterWithin: rule.after?.within,
        afterOlderThan: rule.after?.olderThan,
      });
      return {
        ...c,
        type: 'notPerformed',
        filters: toFilterDrafts(rule.where),
        afterFilters: toFilterDrafts(rule.after?.where),
      };
    case 'funnel':
      if (rule.steps.some((s) => s.where?.length || Array.isArray(s.event))) return undefined;
      set({
        steps: namesText(
          rule.steps.map((s) => s.event as string),
          '\n',
        ),
        within: rule.within,
        startedWithin: rule.startedWithin,
      });
      return { ...c, type: 'funnel' };
    case 'activeDays':
      set({
        within: rule.within,
        atLeast: rule.atLeast,
        atMost: rule.atMost,
        days: rule.days ?? 'all',
      });
      return { ...c, type: 'activeDays' };
    case 'firstSeen':
    case 'lastSeen':
      set({ within: rule.within, olderThan: rule.olderThan });
      return { ...c, type: rule.type };
    case 'trait':
      set({ trait: rule.trait, op: rule.op, value: valueText(rule.value) });
      return { ...c, type: 'trait' };
    case 'context':
      set({ field: rule.field, op: rule.op, value: valueText(rule.value) });
      return { ...c, type: 'context' };
    case 'consent':
      set({ category: rule.category, granted: rule.granted === false ? 'false' : 'true' });
      return { ...c, type: 'consent' };
    case 'inSegment':
      set({ segment: rule.segment });
      return { ...c, type: 'inSegment' };
  }
}

/** The form model of a rule, or undefined when the form cannot show it (edit it as JSON). */
export function ruleToDraft(rule: Rule): RuleDraft | undefined {
  const top = rule.type === 'all' || rule.type === 'any' ? rule : undefined;
  const rules = top ? top.rules : [rule];
  const conditions = rules.map(conditionOf);
  if (conditions.some((c) => c === undefined)) return undefined;
  return { match: top?.type ?? 'all', conditions: conditions as ConditionDraft[] };
}

/**
 * Where an issue path of a draft's rule (`rule.rules.1.rule.within`) is in the form, numbered
 * as the form numbers conditions ("Condition 2, within"); undefined outside the conditions.
 */
export function formPlace(path: readonly unknown[], draft: RuleDraft): string | undefined {
  if (path[0] !== 'rule') return undefined;
  const single = draft.conditions.length === 1 && draft.match === 'all';
  const index = single ? 0 : path[1] === 'rules' ? path[2] : undefined;
  const condition = typeof index === 'number' ? draft.conditions[index] : undefined;
  if (!condition) return undefined;
  let rest = path.slice(single ? 1 : 3);
  if (condition.negate && rest[0] === 'rule') rest = rest.slice(1);
  return `Condition ${(index as number) + 1}${rest.length ? `, ${rest.join('.')}` : ''}`;
}

const isType = (t: string | undefined): t is ConditionType =>
  (CONDITION_TYPES as readonly string[]).includes(t ?? '');

/**
 * Reads the editor's form fields (`match`, `c0.type`, `c0.negate`, `c0.event`,
 * `c0.f1.property`, `c0.af0.op`, …) into a draft.
 */
export function formToDraft(form: Record<string, string>): RuleDraft {
  const conditions: ConditionDraft[] = [];
  const filter = (list: FilterDraft[], j: number) => {
    list[j] ??= { property: '', op: 'eq', value: '', sameAs: '' };
    return list[j] as FilterDraft;
  };
  for (const [name, value] of Object.entries(form)) {
    const m = /^c(\d{1,2})\.(?:(f|af)(\d{1,2})\.)?(\w+)$/.exec(name);
    if (!m) continue;
    const i = Number(m[1]);
    conditions[i] ??= { ...emptyCondition(), fields: {} };
    const c = conditions[i] as ConditionDraft;
    if (m[2]) {
      const f = filter(m[2] === 'f' ? c.filters : c.afterFilters, Number(m[3]));
      if (m[4] === 'property' || m[4] === 'op' || m[4] === 'value' || m[4] === 'sameAs')
        f[m[4]] = value;
    } else if (m[4] === 'type') {
      if (isType(value)) c.type = value;
    } else if (m[4] === 'negate') {
      c.negate = value === 'on' || value === 'true';
    } else if (m[4]) {
      c.fields[m[4]] = value;
    }
  }
  const dense = (l: FilterDraft[]) => l.filter(Boolean);
  return {
    match: form.match === 'any' ? 'any' : 'all',
    conditions: conditions.filter(Boolean).map((c) => ({
      ...c,
      filters: dense(c.filters),
      afterFilters: dense(c.afterFilters),
    })),
  };
}

/** Applies an editor button (`add`, `remove:1`, `addFilter:0`, `removeFilter:0:2`, …). */
export function applyAction(draft: RuleDraft, action: string): RuleDraft {
  const [verb, a, b] = action.split(':');
  const i = Number(a);
  const conditions = draft.conditions.map((c) => ({
    ...c,
    filters: [...c.filters],
    afterFilters: [...c.afterFilters],
  }));
  const c = conditions[i];
  const blank = { property: '', op: 'eq', value: '', sameAs: '' };
  if (verb === 'add') conditions.push(emptyCondition());
  else if (verb === 'remove' && c) conditions.splice(i, 1);
  else if (verb === 'addFilter' && c) c.filters.push(blank);
  else if (verb === 'addAfterFilter' && c) c.afterFilters.push(blank);
  else if (verb === 'removeFilter' && c) c.filters.splice(Number(b), 1);
  else if (verb === 'removeAfterFilter' && c) c.afterFilters.splice(Number(b), 1);
  return { ...draft, conditions };
}
