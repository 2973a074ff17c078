import type { Child } from 'hono/jsx';

export type Column = string | [string, 'num'];

/** A table's header row; a column given as `[label, 'num']` is right-aligned for numbers. */
function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th scope="col">{c}</th>
          ) : (
            <th scope="col" class="num">
              {c[0]}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** A data table that scrolls sideways on a narrow screen; children are its body rows. */
export function DataTable(props: {
  id: string;
  columns: Column[];
  cursor?: string;
  children: Child;
}) {
  return (
    <div class="table-wrap">
      <table id={props.id} data-cursor={props.cursor}>
        <TableHead columns={props.columns} />
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
