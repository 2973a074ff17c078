import type { EventItem, FailedItem } from '../reports/live.js';
import { EventsTable, FailedTable } from './events-table.js';

export function LivePage(props: { events: EventItem[]; failed: FailedItem[]; cursor: string }) {
  return (
    <>
      <section class="card" aria-labelledby="live-h">
        <h2 id="live-h">
          Newest events{' '}
          <span id="live-status" class="badge" role="status">
            Connecting…
          </span>
        </h2>
        <EventsTable id="live-events" events={props.events} cursor={props.cursor} />
        {props.events.length === 0 && (
          <p class="empty" id="live-empty">
            No events yet: open the demo shop (/demo) in another tab.
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="failed-h">
        <h2 id="failed-h">Failed events</h2>
        <p class="note">Events the collector rejected, with the reason; the sender was told.</p>
        <FailedTable events={props.failed} />
      </section>
    </>
  );
}
