import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import { ACTIVE_DAY_KINDS, COMPARE_OPS, CONTEXT_FIELDS } from '../../shared/segment-rules.js';
import {
  CONDITION_TYPES,
  type ConditionDraft,
  type ConditionType,
  type FilterDraft,
  type RuleDraft,
} from './rule-form.js';

const TYPE_LABELS: Record<ConditionType, string> = {
  performed: 'Performed an event',
  notPerformed: 'Did not perform an event',
  funnel: 'Funnel (steps in order)',
  activeDays: 'Active on distinct days',
  firstSeen: 'First seen',
  lastSeen: 'Last seen',
  trait: 'Trait',
  context: 'Device / language / UTM',
  consent: 'Consent',
  inSegment: 'In another segment',
};

const DURATION_HINT = 'e.g. 30m, 1h, 7d, 2w';

function Select(props: {
  name: string;
  value: string;
  options: readonly (string | [string, string])[];
  label: string;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.options.map((o) => {
          const [value, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option value={value} selected={value === props.value}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

function Text(props: {
  name: string;
  value?: string;
  label: string;
  hint?: string;
  required?: boolean;
  size?: number;
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        value={props.value ?? ''}
        placeholder={props.hint}
        required={props.required}
        size={props.size ?? 12}
      />
    </label>
  );
}

/** Property filters of condition `i`: on its event (`f`) or on its anchor event (`af`). */
function Filters(props: { c: ConditionDraft; i: number; kind: 'f' | 'af'; label: string }) {
  const { c, i, kind } = props;
  const filters: FilterDraft[] = kind === 'f' ? c.filters : c.afterFilters;
  // Only a notPerformed event has an anchor to compare with.
  const allowSameAs = kind === 'f' && c.type === 'notPerformed';
  const add = kind === 'f' ? 'addFilter' : 'addAfterFilter';
  const remove = kind === 'f' ? 'removeFilter' : 'removeAfterFilter';
  return (
    <fieldset class="filters-set">
      <legend>{props.label}</legend>
      {filters.map((f, j) => {
        const name = (p: string) => `c${i}.${kind}${j}.${p}`;
        return (
          <div class="row">
            <Text name={name('property')} value={f.property} label="Property" hint="cart_id" />
            <Select name={name('op')} value={f.op} options={COMPARE_OPS} label="Is" />
            <Text name={name('value')} value={f.value} label="Value" hint="a, b for in" />
            {allowSameAs && (
              <Text
                name={name('sameAs')}
                value={f.sameAs}
                label="…or same as property"
                hint="cart_id"
              />
            )}
            <button type="submit" class="secondary" name="action" value={`${remove}:${i}:${j}`}>
              Remove filter
            </button>
          </div>
        );
      })}
      <button type="submit" class="secondary" name="action" value={`${add}:${i}`}>
        Add property filter
      </button>
    </fieldset>
  );
}

function ConditionFields({
  c,
  i,
  segmentKeys,
}: {
  c: ConditionDraft;
  i: number;
  segmentKeys: string[];
}) {
  const p = `c${i}`;
  const f = c.fields;
  const n = (name: string) => `${p}.${name}`;
  const field = (name: string) => ({ name: n(name), value: f[name] });
  switch (c.type) {
    case 'performed':
      return (
        <>
          <div class="row">
            <Text
              {...field('event')}
              label="Event(s)"
              hint="AddToCart, Purchase"
              required
              size={22}
            />
            <Select
              name={n('count')}
              value={f.count ?? 'atLeast'}
              options={[
                ['atLeast', 'at least'],
                ['atMost', 'at most'],
                ['exactly', 'exactly'],
              ]}
              label="Times"
            />
            <label>
              N
              <input type="number" min={0} name={n('n')} value={f.n ?? '1'} size={4} />
            </label>
            <Select
              name={n('window')}
              value={f.window ?? 'within'}
              options={[
                ['within', 'within the last'],
                ['between', 'between … ago'],
                ['ever', 'ever'],
              ]}
              label="When"
            />
            <Text {...field('within')} label="Within" hint={DURATION_HINT} />
            <Text {...field('from')} label="From (ago)" hint="10d" />
            <Text {...field('to')} label="To (ago)" hint="3d" />
          </div>
          <Filters c={c} i={i} kind="f" label="Where the event has" />
        </>
      );
    case 'notPerformed':
      return (
        <>
          <div class="row">
            <Text
              {...field('event')}
              label="Event(s) not performed"
              hint="Purchase"
              required
              size={22}
            />
            <Text {...field('within')} label="Within the last" hint={DURATION_HINT} />
          </div>
          <Filters c={c} i={i} kind="f" label="Where the event has" />
          <div class="row">
            <Text
              {...field('afterEvent')}
              label="Since (anchor event)"
              hint="AddToCart"
              size={22}
            />
            <Text {...field('afterWithin')} label="Anchor within" hint="30d" />
            <Text {...field('afterOlderThan')} label="Anchor older than (wait)" hint="1h" />
          </div>
          <Filters c={c} i={i} kind="af" label="Where the anchor event has" />
        </>
      );
    case 'funnel':
      return (
        <div class="row">
          <label>
            Steps (one event per line)
            <textarea name={n('steps')} rows={3} cols={24} required>
              {f.steps ?? ''}
            </textarea>
          </label>
          <Text {...field('within')} label="All within" hint="1d" required />
          <Text {...field('startedWithin')} label="Started within the last" hint="30d" />
        </div>
      );
    case 'activeDays':
      return (
        <div class="row">
          <Text {...field('within')} label="Within the last" hint="30d" required />
          <label>
            At least (days)
            <input type="number" min={0} name={n('atLeast')} value={f.atLeast ?? ''} />
          </label>
          <label>
            At most (days)
            <input type="number" min={0} name={n('atMost')} value={f.atMost ?? ''} />
          </label>
          <Select
            name={n('days')}
            value={f.days ?? 'all'}
            options={ACTIVE_DAY_KINDS}
            label="Counting"
          />
        </div>
      );
    case 'firstSeen':
    case 'lastSeen':
      return (
        <div class="row">
          <Text {...field('within')} label="Within the last" hint="7d" />
          <Text {...field('olderThan')} label="At least … ago" hint="14d" />
        </div>
      );
    case 'trait':
    case 'context':
      return (
        <div class="row">
          {c.type === 'trait' ? (
            <Text {...field('trait')} label="Trait" hint="plan" required />
          ) : (
            <Select
              name={n('field')}
              value={f.field ?? 'language'}
              options={CONTEXT_FIELDS}
              label="Field"
            />
          )}
          <Select name={n('op')} value={f.op ?? 'eq'} options={COMPARE_OPS} label="Is" />
          <Text {...field('value')} label="Value" hint="a, b for in" />
        </div>
      );
    case 'consent':
      return (
        <div class="row">
          <Select
            name={n('category')}
            value={f.category ?? 'marketing'}
            options={CONSENT_CATEGORIES}
            label="Category"
          />
          <Select
            name={n('granted')}
            value={f.granted ?? 'true'}
            options={[
              ['true', 'granted'],
              ['false', 'denied'],
            ]}
            label="State"
          />
        </div>
      );
    case 'inSegment':
      return (
        <div class="row">
          <Select
            name={n('segment')}
            value={f.segment ?? ''}
            options={segmentKeys}
            label="Segment"
          />
          <p class="note">Tick “not” to exclude its members.</p>
        </div>
      );
  }
}

/** The condition list: plain form controls; rule-editor.js previews as you type. */
export function RuleConditions(props: { draft: RuleDraft; segmentKeys: string[] }) {
  return (
    <div class="stack" id="conditions">
      <Select
        name="match"
        value={props.draft.match}
        options={[
          ['all', 'Match ALL conditions'],
          ['any', 'Match ANY condition'],
        ]}
        label="Combine"
      />
      {props.draft.conditions.map((c, i) => (
        <fieldset class="condition">
          <legend>{`Condition ${i + 1}`}</legend>
          <div class="row">
            <Select
              name={`c${i}.type`}
              value={c.type}
              options={CONDITION_TYPES.map((t) => [t, TYPE_LABELS[t]])}
              label="Type"
            />
            <label class="check">
              <input type="checkbox" name={`c${i}.negate`} checked={c.negate} /> not (exclude)
            </label>
            <button type="submit" class="secondary" name="action" value="refresh" data-refresh>
              Update fields
            </button>
            <button type="submit" class="secondary" name="action" value={`remove:${i}`}>
              Remove condition
            </button>
          </div>
          <ConditionFields c={c} i={i} segmentKeys={props.segmentKeys} />
        </fieldset>
      ))}
      <div>
        <button type="submit" class="secondary" name="action" value="add">
          Add condition
        </button>
      </div>
    </div>
  );
}
