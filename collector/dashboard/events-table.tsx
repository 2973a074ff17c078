import type { EventItem, FailedItem } from '../reports/live.js';
import { DataTable } from './data-table.js';
import { fmtTime } from './format.js';

const MAX_JSON = 400;
/** Properties as pretty-ish JSON text; JSX escapes it, so any markup in it stays text. */
export const jsonText = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > MAX_JSON ? `${s.slice(0, MAX_JSON)}…` : s;
};

/** A profile in its source: user 7 of another site is someone else. */
export const profileHref = (id: string, sourceId: string) =>
  `/app/profiles?id=${encodeURIComponent(id)}&source=${encodeURIComponent(sourceId)}`;

export const eventName = (e: Pick<EventItem, 'type' | 'event'>) => e.event ?? e.type;

/** Events as rows; public/live.js adds rows of the same shape as they stream in. */
export function EventsTable(props: { id: string; events: EventItem[]; cursor?: string }) {
  return (
    <DataTable
      id={props.id}
      columns={['Time (UTC)', 'Event', 'Visitor', 'Properties']}
      cursor={props.cursor}
    >
      {props.events.map((e) => (
        <tr data-seq={String(e.seq)}>
          <td class="mono">{fmtTime(e.timestamp)}</td>
          <td>
            <strong>{eventName(e)}</strong> <span class="badge">{e.type}</span>
          </td>
          <td>
            <a class="mono" href={profileHref(e.userId ?? e.anonymousId ?? '', e.sourceId)}>
              {e.userId ?? e.anonymousId ?? ''}
            </a>
          </td>
          <td>
            <pre class="props">{jsonText(e.properties ?? e.traits)}</pre>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function FailedTable(props: { events: FailedItem[] }) {
  return (
    <DataTable id="failed-events" columns={['Received (UTC)', 'Reason', 'Payload']}>
      {props.events.map((f) => (
        <tr data-id={String(f.id)}>
          <td class="mono">{fmtTime(f.receivedAt)}</td>
          <td>
            <span class="badge bad">{f.code}</span> {f.message}
          </td>
          <td>
            <pre class="props">{f.payload}</pre>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
