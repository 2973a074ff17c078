import type { UtmTemplate } from '../../shared/segment-rules.js';
import type { Preview, SegmentView } from './api-types.js';
import { fmtInt } from './format.js';
import { RuleConditions } from './rule-editor.js';
import type { RuleDraft } from './rule-form.js';

export const UTM_FIELDS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
] as const;

export interface EditorState {
  isNew: boolean;
  mode: 'form' | 'json';
  key: string;
  name: string;
  description: string;
  reentryAfter: string;
  utm: Partial<UtmTemplate>;
  draft: RuleDraft;
  json: string;
  preview?: Preview;
  errors: string[];
}

export function PreviewBox({ preview }: { preview?: Preview }) {
  return (
    <section class="card preview" aria-labelledby="preview-h">
      <h2 id="preview-h">Preview</h2>
      <p id="preview-count" class="kpi-value" aria-live="polite">
        {preview ? fmtInt(preview.count) : '…'}
      </p>
      <p class="note" id="preview-note">
        {preview
          ? `of ${fmtInt(preview.total)} profiles match this rule now`
          : 'Matching profiles appear here as you edit.'}
      </p>
      <ul id="preview-sample" class="mono">
        {(preview?.sample ?? []).map((id) => (
          <li>{id}</li>
        ))}
      </ul>
    </section>
  );
}

export function SegmentEditorPage(props: {
  state: EditorState;
  action: string;
  csrf: string;
  sourceName: string;
  segmentKeys: string[];
  templates: SegmentView[];
  templateHref: (key: string) => string;
}) {
  const s = props.state;
  return (
    <div class="editor">
      <form id="segment-form" class="stack" method="post" action={props.action} novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="mode" value={s.mode} />
        {/* Enter in a field previews (the first submit button is the form's default). */}
        <button type="submit" name="action" value="preview" class="visually-hidden" tabindex={-1}>
          Preview
        </button>
        {s.errors.length > 0 && (
          <div class="card error-box" role="alert" id="editor-errors">
            <strong>Not saved:</strong>
            <ul>
              {s.errors.map((e) => (
                <li>{e}</li>
              ))}
            </ul>
          </div>
        )}
        <section class="card stack" aria-labelledby="about-h">
          <h2 id="about-h">{`Segment (source: ${props.sourceName})`}</h2>
          <div class="row">
            <label>
              Name
              <input name="name" value={s.name} required size={28} />
            </label>
            <label>
              Key {s.isNew ? '' : '(fixed)'}
              <input
                name="key"
                value={s.key}
                required
                pattern="[a-z0-9][a-z0-9_-]{0,63}"
                readonly={!s.isNew}
                size={20}
              />
            </label>
            <label>
              Re-entry after
              <input name="reentryAfter" value={s.reentryAfter} placeholder="7d" size={6} />
            </label>
          </div>
          <label class="wide">
            Description
            <input name="description" value={s.description} class="wide" />
          </label>
        </section>
        <section class="card stack" aria-labelledby="rule-h">
          <div class="row spread">
            <h2 id="rule-h">Rule</h2>
            {s.mode === 'form' ? (
              <button type="submit" class="secondary" name="action" value="json">
                Edit as JSON
              </button>
            ) : (
              <button type="submit" class="secondary" name="action" value="form">
                Edit with the form
              </button>
            )}
          </div>
          {s.mode === 'form' ? (
            <RuleConditions draft={s.draft} segmentKeys={props.segmentKeys} />
          ) : (
            <label>
              Rule (JSON)
              <textarea name="json" rows={14} cols={70} class="mono">
                {s.json}
              </textarea>
            </label>
          )}
        </section>
        <section class="card stack" aria-labelledby="utm-h">
          <h2 id="utm-h">UTM template</h2>
          <div class="row">
            {UTM_FIELDS.map((f) => (
              <label>
                {f}
                <input name={f} value={s.utm[f] ?? ''} size={14} />
              </label>
            ))}
          </div>
        </section>
        <div class="row">
          <button type="submit" name="action" value="save" id="save-segment">
            Save segment
          </button>
          <button type="submit" class="secondary" name="action" value="preview">
            Preview count
          </button>
        </div>
      </form>
      <aside class="stack">
        <PreviewBox preview={s.preview} />
        {s.isNew && props.templates.length > 0 && (
          <section class="card" aria-labelledby="tpl-h">
            <h2 id="tpl-h">Start from a template</h2>
            <ul class="plain">
              {props.templates.map((t) => (
                <li>
                  <a href={props.templateHref(t.key)}>{t.name}</a>
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>
    </div>
  );
}
