/** A table's header row; a column given as `[label, 'num']` is right-aligned for numbers. */
export function TableHead({ columns }: { columns: (string | [string, 'num'])[] }) {
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
