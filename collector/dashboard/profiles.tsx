import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import type { Profile } from '../reports/profile.js';
import type { ProfileSegments } from './api-types.js';
import { DataTable } from './data-table.js';
import { EventsTable, jsonText } from './events-table.js';
import { fmtInt, fmtTime } from './format.js';

export function ProfileSearch(props: { id: string; sourceId?: string }) {
  return (
    <search class="card">
      <form class="row" method="get" action="/app/profiles">
        {props.sourceId && <input type="hidden" name="source" value={props.sourceId} />}
        <label>
          Anonymous id or user id
          <input type="search" name="id" value={props.id} size={40} required />
        </label>
        <button type="submit">Look up</button>
      </form>
    </search>
  );
}

function Consent({ consent }: { consent: Profile['consent'] }) {
  if (!consent) return <p class="empty">No consent decision recorded.</p>;
  return (
    <>
      <p class="note">
        {`${consent.basis === 'record' ? 'Consent record' : 'Stamped on an event'} at ${fmtTime(consent.at)} UTC${
          consent.decisionSource ? ` (${consent.decisionSource})` : ''
        }${consent.expiredAt ? `, expired ${fmtTime(consent.expiredAt)} UTC` : ''}`}
      </p>
      <ul class="bars" id="profile-consent">
        {CONSENT_CATEGORIES.map((c) => {
          const granted = c === 'necessary' || consent.categories[c] === true;
          return (
            <li>
              <span>{c}</span>
              <span class={`badge ${granted ? 'good' : 'bad'}`}>
                {granted ? 'granted' : 'denied'}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function Segments({ memberships }: { memberships: ProfileSegments[] }) {
  const history = memberships.flatMap((m) => m.history);
  const current = memberships.flatMap((m) => m.segments);
  return (
    <section class="card" aria-labelledby="segments-h">
      <h2 id="segments-h">Segments</h2>
      {current.length === 0 ? (
        <p class="empty">Not in any segment now.</p>
      ) : (
        <ul class="tags" id="profile-segments">
          {current.map((key) => (
            <li>
              <span class="badge good">{key}</span>
            </li>
          ))}
        </ul>
      )}
      {history.length > 0 && (
        <details>
          <summary>{`History (${history.length})`}</summary>
          <DataTable
            id="segment-history"
            columns={['Segment', 'Entered (UTC)', 'Exited (UTC)', 'Why']}
          >
            {history.map((h) => (
              <tr>
                <td>{h.segment}</td>
                <td class="mono">{h.enteredAt.replace('T', ' ').slice(0, 19)}</td>
                <td class="mono">
                  {h.exitedAt ? h.exitedAt.replace('T', ' ').slice(0, 19) : 'still in'}
                </td>
                <td>{h.exitReason ?? ''}</td>
              </tr>
            ))}
          </DataTable>
        </details>
      )}
    </section>
  );
}

export function ProfileView(props: { profile: Profile; memberships: ProfileSegments[] }) {
  const p = props.profile;
  const traits = Object.entries(p.traits);
  return (
    <>
      <div class="grid">
        <section class="card" aria-labelledby="ids-h">
          <h2 id="ids-h">Identity</h2>
          <dl class="facts">
            <dt>User ids</dt>
            <dd class="mono">{p.userIds.join(', ') || '—'}</dd>
            <dt>Anonymous ids</dt>
            <dd class="mono">{p.anonymousIds.join(', ') || '—'}</dd>
            <dt>First seen</dt>
            <dd>{`${fmtTime(p.firstSeen)} UTC`}</dd>
            <dt>Last seen</dt>
            <dd>{`${fmtTime(p.lastSeen)} UTC`}</dd>
            <dt>Events</dt>
            <dd>{fmtInt(p.eventCount)}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="traits-h">
          <h2 id="traits-h">Traits</h2>
          {traits.length === 0 ? (
            <p class="empty">No traits: this visitor has not been identified.</p>
          ) : (
            <dl class="facts" id="profile-traits">
              {traits.map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd class="mono">{typeof v === 'string' ? v : jsonText(v)}</dd>
                </>
              ))}
            </dl>
          )}
        </section>
        <section class="card" aria-labelledby="consent-h">
          <h2 id="consent-h">Consent</h2>
          <Consent consent={p.consent} />
        </section>
        <Segments memberships={props.memberships} />
      </div>
      <section class="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Recent events</h2>
        <EventsTable id="profile-events" events={p.events} />
      </section>
    </>
  );
}
