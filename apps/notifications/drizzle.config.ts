import { defineConfig } from 'drizzle-kit';

// PostgreSQL on PGlite by default: the folder example.pglite, made on first use (README, Quick start),
// so `npm start` and `nx affected -t migrate-test` need no server. STRATA_DATABASE_URL=postgres://…
// migrates the same revisions on a PostgreSQL server instead: the URL's scheme picks the dialect, nothing
// here changes. The schema is written with pg-core and uses PostgreSQL's types (timestamptz) and a partial
// index, so this stream is PostgreSQL's only: on MySQL, leave it out (`--exclude=notifications`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  dbCredentials: { url: 'pglite:../../example.pglite' },
});
