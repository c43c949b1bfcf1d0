import type { MissingPrivilege } from '../errors.js';

/** SQLSTATE `insufficient_privilege`: PostgreSQL's code for every refused privilege and ownership check. */
export const INSUFFICIENT_PRIVILEGE = '42501';

/** `ALTER <kind> … OWNER TO` takes these words; an index belongs to its table, so it is granted through it. */
const OWNED_KINDS: Readonly<Record<string, string>> = {
  table: 'TABLE',
  relation: 'TABLE',
  'materialized view': 'MATERIALIZED VIEW',
  view: 'VIEW',
  sequence: 'SEQUENCE',
  type: 'TYPE',
  schema: 'SCHEMA',
  function: 'FUNCTION',
};

/** The row privilege a statement asks for on a table: its leading verb, or every DDL-ish need as ALL. */
function tablePrivilegeOf(sql: string): string {
  const verb = /^\s*(select|insert|update|delete|truncate|references|trigger)\b/i.exec(sql)?.[1];
  return verb === undefined ? 'ALL' : verb.toUpperCase();
}

/**
 * What a statement refused with SQLSTATE 42501 lacked, read from PostgreSQL's message (`permission
 * denied for schema public`, `must be owner of table items`, `permission denied to create role`),
 * with the statement that grants it to `user`. Unknown wordings still get the owner's advice.
 *
 * @example
 * ```ts
 * missingPostgresPrivilege('CREATE TABLE "t" ()', 'permission denied for schema public', 'reader');
 * // { privilege: 'USAGE and CREATE on schema public', grant: 'GRANT USAGE, CREATE ON SCHEMA public TO "reader";' }
 * ```
 */
export function missingPostgresPrivilege(sql: string, reason: string, user: string): MissingPrivilege {
  const grantee = `"${user.replaceAll('"', '""')}"`;
  const denied = /permission denied for (schema|database|table|relation|sequence|view|materialized view|type|function) (.+)$/i.exec(reason.trim());
  if (denied !== undefined && denied !== null) {
    const kind = (denied[1] as string).toLowerCase();
    const name = denied[2] as string;
    switch (kind) {
      case 'schema':
        return { privilege: `USAGE and CREATE on schema ${name}`, grant: `GRANT USAGE, CREATE ON SCHEMA ${name} TO ${grantee};` };
      case 'database':
        return { privilege: `CREATE on database ${name}`, grant: `GRANT CREATE ON DATABASE ${name} TO ${grantee};` };
      case 'sequence':
        return { privilege: `USAGE on sequence ${name}`, grant: `GRANT USAGE, SELECT, UPDATE ON SEQUENCE ${name} TO ${grantee};` };
      case 'type':
        return { privilege: `USAGE on type ${name}`, grant: `GRANT USAGE ON TYPE ${name} TO ${grantee};` };
      case 'function':
        return { privilege: `EXECUTE on function ${name}`, grant: `GRANT EXECUTE ON FUNCTION ${name} TO ${grantee};` };
      default: {
        const privilege = tablePrivilegeOf(sql);
        return { privilege: `${privilege} on ${kind} ${name}`, grant: `GRANT ${privilege} ON TABLE ${name} TO ${grantee};` };
      }
    }
  }
  const owner = /must be owner of (table|relation|index|materialized view|view|sequence|type|schema|function) (.+)$/i.exec(reason.trim());
  if (owner !== null) {
    const kind = (owner[1] as string).toLowerCase();
    const name = owner[2] as string;
    if (kind === 'index') {
      return { privilege: `ownership of the table of index ${name}`, grant: `ALTER TABLE <the index's table> OWNER TO ${grantee};` };
    }
    return { privilege: `ownership of ${kind} ${name}`, grant: `ALTER ${OWNED_KINDS[kind] ?? 'TABLE'} ${name} OWNER TO ${grantee};` };
  }
  if (/permission denied to create role/i.test(reason)) {
    return { privilege: 'the CREATEROLE attribute', grant: `ALTER ROLE ${grantee} CREATEROLE;` };
  }
  return { privilege: 'a privilege the server did not name', grant: `ALTER SCHEMA public OWNER TO ${grantee};` };
}
