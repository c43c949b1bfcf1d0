import type { MissingPrivilege } from '../errors.js';

/** mysql2's codes for a refused privilege (MySQL and MariaDB use the same ones). */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_PROCACCESS_DENIED_ERROR',
]);

/** Everything a migration run does on its database: the grant that covers every Strata operation. */
const MIGRATION_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW';

/**
 * What a statement refused by MySQL/MariaDB lacked, read from the server's message (`CREATE command
 * denied to user 'app'@'%' for table \`shop\`.\`items\``, `Access denied for user 'app'@'%' to
 * database 'shop'`, `you need (at least one of) the SUPER privilege(s)`), with the GRANT that gives it.
 * `database` is the one the URL names, used when the message does not say. `account` is the session's
 * `CURRENT_USER()` (`app@%`): the account grants attach to, which the message does not name (it
 * names the client's host).
 *
 * @example
 * ```ts
 * missingMysqlPrivilege("CREATE command denied to user 'app'@'10.0.0.7' for table `shop`.`items`", 'shop', 'app@%');
 * // { privilege: 'CREATE on shop.*', grant: "GRANT CREATE ON `shop`.* TO 'app'@'%';" }
 * ```
 */
export function missingMysqlPrivilege(reason: string, database: string, account: string): MissingPrivilege {
  const at = account.lastIndexOf('@');
  const grantee = at < 0 ? `'${account}'@'%'` : `'${account.slice(0, at)}'@'${account.slice(at + 1)}'`;
  const schema = /for table `((?:[^`]|``)+)`\./.exec(reason)?.[1] ?? /to database '((?:[^']|'')+)'/.exec(reason)?.[1] ?? database;
  const command = /^(\w+(?: \w+)?) command denied/i.exec(reason.trim())?.[1];
  if (command !== undefined) {
    const privilege = command.toUpperCase();
    return { privilege: `${privilege} on ${schema}.*`, grant: `GRANT ${privilege} ON \`${schema}\`.* TO ${grantee};` };
  }
  const named = /you need \(at least one of\) the (.+?) privilege/i.exec(reason)?.[1];
  if (named !== undefined) return { privilege: `the ${named} privilege`, grant: `GRANT ${named.split(',')[0]?.trim() ?? named} ON *.* TO ${grantee};` };
  return { privilege: `the migration privileges on ${schema}.*`, grant: `GRANT ${MIGRATION_PRIVILEGES} ON \`${schema}\`.* TO ${grantee};` };
}
