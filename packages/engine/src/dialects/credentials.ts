import type { DialectName } from './dialect.js';

/** A problem with drizzle.config's `dbCredentials`, for the config reader to report against its file. */
export interface CredentialsProblem {
  /** What is wrong, naming the key (`` `dbCredentials.port` must be a number ``). */
  readonly problem: string;
  /** What to do instead; the reader's default when absent. */
  readonly hint?: string;
}

/** How a dialect's server URL is spelled from drizzle-kit's `{ host, port, user, password, database, ssl }`. */
interface HostCredentialsForm {
  /** The URL scheme. */
  readonly scheme: string;
  /** The query string (with its `?`) that carries `ssl` for the dialect's driver, or the problem with it. */
  sslQuery(ssl: unknown): string | CredentialsProblem;
}

/**
 * The dialects whose drizzle.config may give `host`... instead of a `url`: pg reads `sslmode` (`true` is
 * `require`); mysql2 reads its `ssl` query parameter as a profile name ("Amazon RDS") or JSON options
 * ({"rejectUnauthorized":true}). SQLite takes a `url` only.
 */
const HOST_FORMS: Partial<Record<DialectName, HostCredentialsForm>> = {
  postgresql: {
    scheme: 'postgresql',
    sslQuery: (ssl) => {
      if (typeof ssl === 'boolean') return `?sslmode=${ssl ? 'require' : 'disable'}`;
      if (typeof ssl === 'string') return `?sslmode=${encodeURIComponent(ssl)}`;
      return {
        problem: '`dbCredentials.ssl` is an object of TLS options, which a PostgreSQL URL cannot carry',
        hint: 'Give `dbCredentials.url` instead, with sslmode and file-based settings (…?sslmode=verify-full&sslrootcert=/path/ca.pem).',
      };
    },
  },
  mysql: {
    scheme: 'mysql',
    sslQuery: (ssl) => {
      if (ssl === false) return '';
      const value = typeof ssl === 'string' ? ssl : JSON.stringify(ssl === true ? {} : ssl);
      return `?ssl=${encodeURIComponent(value)}`;
    },
  },
};

/** Whether `dialect` connects to a server that drizzle.config may name by `host`, `port`, `user`... instead of a `url`. */
export function takesHostCredentials(dialect: DialectName): boolean {
  return HOST_FORMS[dialect] !== undefined;
}

/**
 * drizzle-kit's `{ host, port, user, password, database, ssl }` as the dialect's URL, or the problem
 * with them. Every part is percent-encoded, so a password holding `@`, `/`, `:` or `#` survives.
 */
export function hostCredentialsUrl(dialect: DialectName, credentials: Record<string, unknown>): string | CredentialsProblem {
  const form = HOST_FORMS[dialect];
  if (form === undefined) return { problem: '`dbCredentials.url` is missing' };
  const parts: Record<string, string | undefined> = {};
  for (const key of ['host', 'port', 'user', 'password', 'database']) {
    const value = credentials[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && !(key === 'port' && typeof value === 'number')) return { problem: `\`dbCredentials.${key}\` must be a ${key === 'port' ? 'number' : 'string'}` };
    parts[key] = String(value);
  }
  const { host = '', port, user, password, database = '' } = parts;
  const ssl = credentials.ssl;
  const query = ssl === undefined || ssl === null ? '' : form.sslQuery(ssl);
  if (typeof query !== 'string') return query;
  const userInfo = user === undefined && password === undefined ? '' : `${encodeURIComponent(user ?? '')}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@`;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${form.scheme}://${userInfo}${hostPart}${port === undefined ? '' : `:${port}`}/${encodeURIComponent(database)}${query}`;
}
