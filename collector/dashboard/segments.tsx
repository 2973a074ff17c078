import type { SegmentView } from './api-types.js';
import { DataTable } from './data-table.js';
import { fmtInt } from './format.js';

export const fmtChange = (n: number) => (n > 0 ? `+${fmtInt(n)}` : n < 0 ? `−${fmtInt(-n)}` : '±0');
/** A time from the API; segments never fully recomputed are kept up to date incrementally. */
export const fmtIso = (iso: string | null) =>
  iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '—';

export function SegmentStatus({ s }: { s: SegmentView }) {
  if (s.lastError)
    return <span class="badge bad" title={s.lastError}>{`error: ${s.lastError}`}</span>;
  if (s.recompute && s.recompute.done < s.recompute.total) {
    return <span class="badge">{`computing ${s.recompute.done}/${s.recompute.total}`}</span>;
  }
  return <span class="badge good">live</span>;
}

export interface ListedSegment {
  segment: SegmentView;
  size: number;
  change: number;
}

export function SegmentList(props: { rows: ListedSegment[]; query: string }) {
  return (
    <section class="card" aria-labelledby="segments-h">
      <div class="row spread">
        <h2 id="segments-h">All segments of this source</h2>
        <a class="button" href={`/app/segments/_new${props.query}`}>
          New segment
        </a>
      </div>
      <DataTable
        id="segments"
        columns={[
          'Segment',
          ['Size', 'num'],
          ['7-day change', 'num'],
          'Last full recompute',
          'Status',
        ]}
      >
        {props.rows.map(({ segment: s, size, change }) => (
          <tr data-key={s.key}>
            <td>
              <a href={`/app/segments/${encodeURIComponent(s.key)}${props.query}`}>{s.name}</a>
              {s.template && <span class="badge">built-in</span>}
              <br />
              <small class="note">{s.description ?? s.key}</small>
            </td>
            <td class="num" data-col="size">
              {fmtInt(size)}
            </td>
            <td class="num">{fmtChange(change)}</td>
            <td>{fmtIso(s.lastComputedAt)}</td>
            <td>
              <SegmentStatus s={s} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
