import { StrataError } from '../errors.js';
import type { AmbiguousRename } from './diff.js';

/**
 * A rename hint names a table or column that is not where the hint says: the old name is missing
 * from the previous schema, or the new name from the target schema. A stale hint would otherwise
 * turn silently into a drop and an add.
 *
 * @example
 * ```ts
 * import { UnknownRenameError } from '@strata/engine';
 * const error = new UnknownRenameError('column', 'clients.mail', 'email', 'column mail does not exist on table clients in the previous schema');
 * console.log(error.code); // AUTOGENERATE_UNKNOWN_RENAME
 * ```
 */
export class UnknownRenameError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_UNKNOWN_RENAME';
  constructor(object: 'table' | 'column', from: string, to: string, problem: string) {
    super(UnknownRenameError.CODE, `Rename hint ${object} ${from} → ${to}: ${problem}.`, {
      hint: 'Check the names against the Drizzle schema and the revisions, or drop the hint: without it, the candidates are listed.',
      details: { object, from, to, problem },
    });
  }
}

/**
 * A rename hint that cannot be a rename: the old name is still in the target schema, the new name
 * already exists in the previous one, or two hints rename to the same name.
 *
 * @example
 * ```ts
 * import { InvalidRenameError } from '@strata/engine';
 * new InvalidRenameError('table', 'clients', 'customers', 'table clients still exists in the target schema').code; // AUTOGENERATE_INVALID_RENAME
 * ```
 */
export class InvalidRenameError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_INVALID_RENAME';
  constructor(object: 'table' | 'column', from: string, to: string, problem: string) {
    super(InvalidRenameError.CODE, `Rename hint ${object} ${from} → ${to}: ${problem}.`, {
      hint: 'A rename moves a name that disappears to a name that appears; remove the hint, or split the change over two revisions.',
      details: { object, from, to, problem },
    });
  }
}

/**
 * A PostgreSQL enum lost values or had its values reordered. The server can only add values (and
 * rename them), so no sequence of operations gets there without recreating the type, which changes
 * its name; autogenerate refuses rather than guess.
 *
 * @example
 * ```ts
 * import { EnumChangeUnsupportedError } from '@strata/engine';
 * new EnumChangeUnsupportedError('mood', ['sad', 'ok'], ['ok', 'sad']).code; // AUTOGENERATE_ENUM_CHANGE_UNSUPPORTED
 * ```
 */
export class EnumChangeUnsupportedError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_ENUM_CHANGE_UNSUPPORTED';
  constructor(name: string, from: readonly string[], to: readonly string[]) {
    const removed = from.filter((value) => !to.includes(value));
    const problem = removed.length > 0 ? `loses value(s) ${removed.join(', ')}` : 'has its values reordered';
    super(EnumChangeUnsupportedError.CODE, `Enum ${name} ${problem} (from [${from.join(', ')}] to [${to.join(', ')}]); PostgreSQL can only add or rename enum values.`, {
      hint:
        `If a value was renamed, say so: \`strata revision --autogenerate --rename-enum-value ${name}.OLD=NEW\` (repeatable), ` +
        `or write \`if (await inspect.hasEnumValue('${name}', 'OLD')) await op.renameEnumValue('${name}', 'OLD', 'NEW');\` in an empty revision (\`strata revision --message ...\`) and run autogenerate again. ` +
        `Otherwise give the enum a new name in the Drizzle schema: autogenerate then creates the new type, moves the columns over and drops ${name}.`,
      details: { name, from: [...from], to: [...to], removed },
    });
  }
}

/**
 * A `--rename-enum-value TYPE.OLD=NEW` hint that does not fit the two schemas.
 *
 * @example
 * ```ts
 * import { EnumRenameHintError } from '@strata/engine';
 * new EnumRenameHintError('mood.sad=blue', 'renames sad, which enum mood does not have').code; // AUTOGENERATE_ENUM_RENAME_HINT_INVALID
 * ```
 */
export class EnumRenameHintError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_ENUM_RENAME_HINT_INVALID';
  constructor(hint: string, problem: string) {
    super(EnumRenameHintError.CODE, `The enum value rename ${hint} ${problem}.`, {
      hint: 'Name the enum as the Drizzle schema does, its old value as the revisions left it and the new value as the Drizzle schema has it: --rename-enum-value TYPE.OLD=NEW.',
      details: { hint, problem },
    });
  }
}

/**
 * A table or column disappeared while another appeared, and no hint says whether it is a rename. A
 * non-interactive run never guesses: it lists the pairs and the flags that settle them, and writes nothing.
 */
export class AmbiguousRenameError extends StrataError {
  static readonly CODE = 'AUTOGENERATE_AMBIGUOUS_RENAME';
  constructor(stream: string, ambiguous: readonly AmbiguousRename[]) {
    const lines = ambiguous.map((a) =>
      a.kind === 'table'
        ? `tables: dropped ${a.dropped.join(', ')}; added ${a.added.join(', ')}`
        : `table ${a.table}: columns dropped ${a.dropped.join(', ')}; added ${a.added.join(', ')}`,
    );
    const flags = ambiguous.flatMap((a) =>
      a.kind === 'table'
        ? a.dropped.flatMap((d) => a.added.map((n) => `--rename-table ${d}=${n}`))
        : a.dropped.flatMap((d) => a.added.map((n) => `--rename ${a.table}.${d}=${n}`)),
    );
    super(
      AmbiguousRenameError.CODE,
      `Stream "${stream}": the schema change may hold renames; nothing was written.\n${lines.map((l) => `  ${l}`).join('\n')}`,
      {
        hint: `For each rename, pass its flag (${flags.slice(0, 6).join(', ')}${flags.length > 6 ? ', …' : ''}); pass none of them if these are real drops and adds: add --no-renames.`,
        details: { stream, ambiguous: [...ambiguous], flags },
      },
    );
  }
}

/** The previous state cannot be known: a revision runs raw SQL whose schema effect the model cannot see. */
export class BlindReplayError extends StrataError {
  static readonly CODE = 'AUTOGENERATE_BLIND_REVISION';
  constructor(stream: string, blind: readonly { readonly revision: string; readonly sql: string }[]) {
    super(
      BlindReplayError.CODE,
      `Stream "${stream}": revision(s) ${[...new Set(blind.map((b) => b.revision))].join(', ')} change the schema with raw SQL the model cannot follow ` +
        `(${blind[0]?.sql.split('\n')[0] ?? ''}), so the schema the revisions build is unknown.`,
      {
        hint: 'Express those changes with `op.*` operations in the revision, or generate against a real database replay with --shadow-url.',
        details: { stream, blind: [...blind] },
      },
    );
  }
}

/**
 * A `--rename`, `--rename-table` or `--rename-enum-value` hint that is not of its flag's form.
 *
 * @example
 * ```ts
 * import { RenameHintFormatError } from '@strata/engine';
 * new RenameHintFormatError('--rename', 'users=x').code; // AUTOGENERATE_RENAME_HINT_FORMAT
 * ```
 */
export class RenameHintFormatError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_RENAME_HINT_FORMAT';
  constructor(flag: '--rename' | '--rename-table' | '--rename-enum-value', given: string) {
    const form = RENAME_HINT_FORMS[flag];
    super(RenameHintFormatError.CODE, `${flag} takes ${form.shape}, not "${given}".`, {
      hint: `Write it as ${flag} ${form.example}.`,
      details: { flag, given, expected: form.shape },
    });
  }
}

/** The form of each rename hint flag, and an example of it. @internal */
export const RENAME_HINT_FORMS = {
  '--rename': { shape: 'TABLE.OLD=NEW', example: 'users.name=full_name' },
  '--rename-table': { shape: 'OLD=NEW', example: 'people=users' },
  '--rename-enum-value': { shape: 'TYPE.OLD=NEW', example: 'mood.sad=blue' },
} as const;

/**
 * `--autogenerate` on a stream without a Drizzle schema: no drizzle.config, or one without `schema`
 * (or `dialect`).
 *
 * @example
 * ```ts
 * import { AutogenerateNeedsDrizzleSchemaError } from '@strata/engine';
 * new AutogenerateNeedsDrizzleSchemaError('billing', 'apps/billing').code; // AUTOGENERATE_NEEDS_DRIZZLE_SCHEMA
 * ```
 */
export class AutogenerateNeedsDrizzleSchemaError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_NEEDS_DRIZZLE_SCHEMA';
  constructor(stream: string, projectDir: string) {
    super(
      AutogenerateNeedsDrizzleSchemaError.CODE,
      `--autogenerate needs the Drizzle schema of stream "${stream}": ${projectDir} has no drizzle.config.* with \`schema\` and \`dialect\`.`,
      {
        hint: 'Add a drizzle.config.ts (dialect, schema, dbCredentials) to the project, or write the revision by hand without --autogenerate.',
        details: { stream, projectDir, keys: ['schema', 'dialect'] },
      },
    );
  }
}

/** `strata check` (or the migrate-check target) found something to fix. */
export class CheckFailedError extends StrataError {
  static readonly CODE = 'AUTOGENERATE_CHECK_FAILED';
  constructor(stream: string, problems: readonly string[], findings: readonly unknown[], rerun: string) {
    super(CheckFailedError.CODE, `Stream "${stream}" fails the check:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: `Fix each item (the command to run is named beside it), then run \`${rerun}\` again.`,
      details: { stream, findings: [...findings] },
    });
  }
}

/**
 * `strata check --strict-safety` (or migrate-check's `strictSafety`) found operations of pending
 * revisions that lock a live table for long, and no revision silences them.
 *
 * @example
 * ```ts
 * import { UnsafeOperationsError } from '@strata/engine';
 * throw new UnsafeOperationsError('app', ['revision a1b2c3d4e5f6 createIndex ix_orders_user on orders: SHARE lock, blocks writes while it builds'], 'strata check --strict-safety');
 * ```
 */
export class UnsafeOperationsError extends StrataError {
  static readonly CODE = 'AUTOGENERATE_CHECK_UNSAFE';
  constructor(stream: string, problems: readonly string[], rerun: string) {
    super(UnsafeOperationsError.CODE, `Stream "${stream}" has ${problems.length} pending operation(s) that lock a live table for long:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint:
        `Rewrite each the safer way named beside it, or accept it in its revision with \`safety: { allow: [{ op, name, reason }] }\`, then run \`${rerun}\` again.`,
      details: { stream, problems: [...problems] },
    });
  }
}

/**
 * `strata push` would run operations that lose data or may fail on existing rows (drops, narrowing
 * type changes, a new NOT NULL column without a default...), and nobody accepted them: no `--force`,
 * and no terminal to ask on (stdin is not a TTY, or CI is set).
 *
 * @example
 * ```ts
 * import { PushDestructiveError } from '@strata/engine';
 * throw new PushDestructiveError('app', 'postgres://postgres@127.0.0.1/app_dev', ['dropColumn users.fax: drops column users.fax and its data']);
 * ```
 */
export class PushDestructiveError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_PUSH_DESTRUCTIVE';
  constructor(stream: string, redactedUrl: string, operations: readonly string[], renames: readonly string[] = []) {
    super(
      PushDestructiveError.CODE,
      `strata push of stream "${stream}" to ${redactedUrl} would run ${operations.length} destructive operation(s); nothing was changed:\n` +
        operations.map((o) => `  - ${o}`).join('\n') +
        renames.map((r) => `\n  ? ${r}`).join(''),
      {
        hint:
          (renames.length > 0 ? 'Push cannot rename: a rename goes into a revision (`strata revision --autogenerate --rename TABLE.OLD=NEW`). ' : '') +
          'Review the SQL with `strata push --dry-run`, then run `strata push --force` to apply it (or answer yes on a terminal).',
        details: { stream, url: redactedUrl, operations: [...operations], renames: [...renames] },
      },
    );
  }
}

/**
 * `strata push` was pointed at a database where the stream has applied revisions (rows in
 * `strata_version`): pushing there would make the schema differ from what the revisions say it is,
 * with nothing in the ledger to tell, and the next `strata upgrade` would run on a schema its
 * revisions never built.
 *
 * @example
 * ```ts
 * import { PushMigratedDatabaseError } from '@strata/engine';
 * throw new PushMigratedDatabaseError('app', 'postgres://postgres@127.0.0.1/app', ['c0ffee000001']);
 * ```
 */
export class PushMigratedDatabaseError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_PUSH_MIGRATED_DATABASE';
  constructor(stream: string, redactedUrl: string, heads: readonly string[]) {
    super(
      PushMigratedDatabaseError.CODE,
      `strata push refused: ${redactedUrl} is migrated by revisions (stream "${stream}" is at ${heads.join(', ')} in strata_version); ` +
        'pushing would make its schema differ from its revisions without a trace in the ledger. Nothing was changed.',
      {
        hint:
          'Push to a development database of its own (--url), or put the change in a revision (`strata revision --autogenerate`, then `strata upgrade`). ' +
          '`strata push --force` pushes anyway; `strata check` then fails until a revision covers the change.',
        details: { stream, url: redactedUrl, heads: [...heads] },
      },
    );
  }
}

/**
 * `strata pull` met an object that a Drizzle schema file cannot hold (or that Strata does not write
 * yet): it stops and names it rather than write a file that silently lacks it.
 *
 * @example
 * ```ts
 * import { PullUnsupportedError } from '@strata/engine';
 * throw new PullUnsupportedError('view active_users', 'views are not written yet');
 * ```
 */
export class PullUnsupportedError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_PULL_UNSUPPORTED';
  constructor(object: string, reason: string) {
    super(PullUnsupportedError.CODE, `strata pull cannot write ${object} into a Drizzle schema: ${reason}. No file was written.`, {
      hint: `Pull a database without ${object} (a copy, or one built without it) and keep it in a hand-written revision (\`op.execute\`), or write that part of the schema by hand.`,
      details: { object, reason },
    });
  }
}

/**
 * `strata pull` would overwrite a file that exists: the schema module it writes is the user's once
 * written, so it is replaced only when asked.
 *
 * @example
 * ```ts
 * import { PullFileExistsError } from '@strata/engine';
 * throw new PullFileExistsError('/repo/apps/accounts/src/schema.pulled.ts');
 * ```
 */
export class PullFileExistsError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_PULL_FILE_EXISTS';
  constructor(file: string) {
    super(PullFileExistsError.CODE, `strata pull would overwrite ${file}, which exists. Nothing was written.`, {
      hint: 'Pass --force to replace it, --out FILE to write elsewhere, or --stdout.',
      details: { file },
    });
  }
}

/**
 * A statement of `strata push` failed on the server. Where DDL is transactional (PostgreSQL, SQLite)
 * the push was rolled back; on MySQL the statements before it stay applied (each DDL statement commits).
 *
 * @example
 * ```ts
 * import { PushFailedError } from '@strata/engine';
 * throw new PushFailedError('app', 'postgres://postgres@127.0.0.1/app_dev', 2, 3, true, new Error('relation "users_role_idx" already exists'));
 * ```
 */
export class PushFailedError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'AUTOGENERATE_PUSH_FAILED';
  constructor(stream: string, redactedUrl: string, failedAt: number, statements: number, rolledBack: boolean, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      PushFailedError.CODE,
      `strata push of stream "${stream}" to ${redactedUrl} failed at statement ${failedAt} of ${statements}: ${reason}\n` +
        (rolledBack ? 'It was rolled back: nothing was changed.' : `The ${failedAt - 1} statement(s) before it stay applied (each DDL statement commits on this server).`),
      {
        hint: 'Fix what the server refused (the database, or the Drizzle schema), then run `strata push` again: it compares afresh and runs only what is still missing.',
        details: { stream, url: redactedUrl, failedAt, statements, rolledBack },
        cause,
      },
    );
  }
}
