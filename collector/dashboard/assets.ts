import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const own = (name: string) => new URL(`./public/${name}`, import.meta.url);

const FILES: Record<string, { path: string | URL; type: string }> = {
  'uPlot.iife.min.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'js' },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'css' },
  'dashboard.css': { path: own('dashboard.css'), type: 'css' },
  'charts.js': { path: own('charts.js'), type: 'js' },
  'live.js': { path: own('live.js'), type: 'js' },
  'rule-editor.js': { path: own('rule-editor.js'), type: 'js' },
};
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Static files of the dashboard (its CSS and small scripts, and uPlot from node_modules). */
export function assetRoutes() {
  const app = new Hono();
  const loaded = new Map(
    Object.entries(FILES).map(([name, f]) => [
      name,
      { body: readFileSync(f.path, 'utf8'), type: TYPES[f.type] as string },
    ]),
  );
  app.get('/:name', (c) => {
    const file = loaded.get(c.req.param('name'));
    if (!file) return c.notFound();
    return c.body(file.body, 200, {
      'Content-Type': file.type,
      'Cache-Control': 'public, max-age=300',
    });
  });
  return app;
}
