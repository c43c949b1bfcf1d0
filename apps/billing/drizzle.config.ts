import { defineConfig } from 'drizzle-kit';

// SQLite by default, so `npm start` needs no server (README, Quick start). STRATA_DATABASE_URL=postgres://…
// or mysql://… migrates the same revisions there instead: the URL's scheme picks the dialect, nothing here
// changes. The schema is written with sqlite-core, so generating and checking revisions stays on SQLite.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  dbCredentials: { url: '../../example.sqlite' },
});
