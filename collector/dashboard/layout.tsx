import type { Child } from 'hono/jsx';
import type { Source } from '../sources/store.js';
import { type Filters, filterQuery } from './filters.js';

export const NAV = [
  { href: '/app', label: 'Overview', key: 'overview' },
  { href: '/app/segments', label: 'Segments', key: 'segments' },
  { href: '/app/content', label: 'Content', key: 'content' },
  { href: '/app/profiles', label: 'Profiles', key: 'profiles' },
  { href: '/app/live', label: 'Live events', key: 'live' },
] as const;
export type NavKey = (typeof NAV)[number]['key'];

export interface ShellProps {
  title: string;
  active?: NavKey;
  csrf?: string;
  /** Shown as the source switcher + date-range picker when given. */
  filters?: { value: Filters; sources: Source[]; path: string; dates?: boolean };
  scripts?: string[];
  children: Child;
}

function FilterBar({ value, sources, path, dates = true }: NonNullable<ShellProps['filters']>) {
  return (
    <form class="filters" method="get" action={path} aria-label="Filters">
      <label>
        Source
        <select name="source">
          <option value="">All sources</option>
          {sources.map((s) => (
            <option value={s.id} selected={s.id === value.sourceId}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {dates && (
        <>
          <label>
            From <input type="date" name="from" value={value.from} max={value.to} required />
          </label>
          <label>
            To <input type="date" name="to" value={value.to} required />
          </label>
        </>
      )}
      <button type="submit">Apply</button>
    </form>
  );
}

/** The page frame every dashboard page shares: skip link, nav, filters, main. */
export function Shell(props: ShellProps) {
  const q = props.filters ? filterQuery(props.filters.value) : '';
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Segmently`}</title>
        {props.csrf && <meta name="csrf-token" content={props.csrf} />}
        <link rel="stylesheet" href="/app/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/app/assets/dashboard.css" />
        {(props.scripts ?? []).map((src) => (
          <script defer src={`/app/assets/${src}`} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {props.active && (
          <header class="top">
            <a class="brand" href="/app">
              Segmently
            </a>
            <nav aria-label="Main">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a
                      href={`${n.href}${q}`}
                      aria-current={n.key === props.active ? 'page' : undefined}
                    >
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <form method="post" action="/app/logout" class="logout">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit">Sign out</button>
            </form>
          </header>
        )}
        <main id="main" tabindex={-1}>
          <div class="page-head">
            <h1>{props.title}</h1>
            {props.filters && <FilterBar {...props.filters} />}
          </div>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Serialises a page (a JSX tree) with the doctype. */
export const html = (node: Child) => `<!doctype html>${String(node)}`;
