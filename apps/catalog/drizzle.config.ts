import { defineConfig } from 'drizzle-kit';

// SQLite by default (the README's quick start needs no server); set DATABASE_URL for PostgreSQL
// or MySQL and change the dialect to match.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  dbCredentials: { url: process.env.DATABASE_URL ?? '../../example.sqlite' },
});
