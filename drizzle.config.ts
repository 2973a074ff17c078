import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'turso',
  schema: './collector/db/schema.ts',
  out: './collector/db/migrations',
  dbCredentials: { url: 'file:./data/segmently.db' },
});
