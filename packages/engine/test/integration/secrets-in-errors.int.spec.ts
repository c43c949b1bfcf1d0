import { expect, it } from 'vitest';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { chain, type Body } from '../support/runs.js';
import { snapshot, withConnection } from '../support/streams.js';

// A revision that manages roles writes their passwords into its statements. When such a statement
// fails, the error quotes it, and the server's own words may quote it too (MariaDB's "near '…'"):
// the passwords are masked in the message and in the details `--json` prints, whichever way the
// statement went (the revision's own SQL, the driver, Drizzle).

/** Every text a user can see of an error: its message, hint and details. */
const printed = (error: unknown): string => `${(error as Error).message}\n${JSON.stringify(error)}`;

await describeDialects('passwords in the statements an error quotes', (ctx) => {
  const postgres = ctx.name === 'postgresql';
  /** Statements that fail on the server, each writing a password. */
  const failing = postgres
    ? ["CREATE ROLE strata_never LOGIN PASSWORD 'hunter2-own' NOSUCHOPTION", "ALTER ROLE strata_nobody WITH ENCRYPTED PASSWORD 'hunter2-drizzle'"]
    : ["CREATE USER IDENTIFIED BY 'hunter2-own' PASSWORD EXPIRE", "ALTER USER strata_nobody@'%' IDENTIFIED BY 'hunter2-drizzle'"];

  it('a failing statement that writes a password is quoted with the password masked, in the message and the details', async () => {
    const db = await ctx.createDatabase('secret-own');
    const stream = { name: 'app', dialect: ctx.name, url: db.url };
    const { sql } = await import('drizzle-orm');
    const bodies: Body[] = [
      async ({ execute }) => {
        await execute(failing[0] as string);
      },
      async (context) => {
        const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
        await orm.execute(sql.raw(failing[1] as string));
      },
    ];
    for (const [index, body] of bodies.entries()) {
      const failure = await upgrade({ stream, graph: chain([body]), target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      const text = printed(failure);
      expect(text).not.toContain('hunter2');
      // Still the statement that failed, and the server's reason for it.
      expect(text).toContain(index === 0 ? (postgres ? "PASSWORD '***' NOSUCHOPTION" : "IDENTIFIED BY '***' PASSWORD EXPIRE") : "'***'");
      expect(text).toMatch(postgres ? (index === 0 ? /unrecognized role option/ : /does not exist/) : index === 0 ? /near 'BY '\*\*\*' PASSWORD EXPIRE'/ : /ALTER USER failed/);
      expect((await snapshot(ctx.dialect, db.url, stream.name)).versions).toEqual([]);
    }
  });

  it('other spellings: dollar quotes, a DO block, nested comments, a mistyped keyword, a statement behind SET STATEMENT or EXECUTE IMMEDIATE, a parameter the driver writes in, a password the server cuts short', async () => {
    const db = await ctx.createDatabase('secret-forms');
    const stream = { name: 'app', dialect: ctx.name, url: db.url };
    const bodies: Body[] = postgres
      ? [
          async ({ execute }) => {
            await execute('CREATE ROLE strata_never LOGIN PASSWORD $pw$hunter2-dollar$pw$ NOSUCHOPTION');
          },
          async ({ execute }) => {
            await execute("CREATE ROLE strata_never LOGIN PASWORD 'hunter2-typo'");
          },
          async ({ execute }) => {
            await execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_never') THEN CREATE ROLE strata_never LOGIN PASSWORD 'hunter2-do' NOSUCHOPTION; END IF; END $$");
          },
          async ({ execute }) => {
            await execute("/* the app's role /* see ops */ ' */ CREATE ROLE strata_never LOGIN PASSWORD 'hunter2-nested' NOSUCHOPTION");
          },
        ]
      : [
          async ({ execute }) => {
            await execute("CREATE USER 'strata_never'@'%' IDENTIFED BY 'hunter2-typo'");
          },
          async ({ execute }) => {
            await execute('CREATE USER IDENTIFIED BY ? PASSWORD EXPIRE', ['hunter2-param']);
          },
          async ({ execute }) => {
            await execute("ALTER USER IF EXIST 'application_user'@'10.0.0.%' IDENTIFIED BY 'hunter2-Xk9mQ2vL7pR4nT8wZ3bH6cJ5-long'");
          },
          async ({ execute }) => {
            await execute("SET STATEMENT max_statement_time=10 FOR CREATE USER IDENTIFIED BY 'hunter2-setstmt' PASSWORD EXPIRE");
          },
          async ({ execute }) => {
            await execute("EXECUTE IMMEDIATE 'CREATE USER IDENTIFIED BY ''hunter2-immediate'' PASSWORD EXPIRE'");
          },
          async ({ execute }) => {
            await execute('INSERT INTO no_users (email, password) VALUE S (?, ?)', ['a@b.example', 'hunter2-iparam']);
          },
        ];
    for (const body of bodies) {
      const failure = await upgrade({ stream, graph: chain([body]), target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      expect(printed(failure)).not.toContain('hunter2');
      expect(printed(failure)).toContain('***');
    }
  });
}, ['postgresql', 'mysql']);

await describeDialects('a message of several statements', (ctx) => {
  it("MariaDB's near '…' runs on into the statements after the failing one: their literals are masked, whatever they mention", async () => {
    const db = await ctx.createDatabase('secret-batch');
    await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE TABLE admins (id integer PRIMARY KEY, pw_digest varchar(100))'));
    const failure = await upgrade({
      stream: { name: 'app', dialect: ctx.name, url: db.url },
      target: 'head',
      graph: chain([
        async ({ execute }) => {
          await execute('ALTER TABLE admins ADD COLUMN x int NOSUCH');
          await execute("UPDATE admins SET pw_digest = 'hunter2-batch' WHERE id = 1");
        },
      ]),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RevisionFailedError);
    expect(printed(failure)).toMatch(/near '[\s\S]*UPDATE admins SET pw_digest = '\*\*\*'/);
    expect(printed(failure)).not.toContain('hunter2');
  });
}, ['mysql']);

await describeDialects('a lock timeout on a statement that writes a password', (ctx) => {
  it('is retried like any other: the statement the error quotes, masked, is still known for the first', async () => {
    const db = await ctx.createDatabase('secret-retry');
    await withConnection(ctx.dialect, db.url, (c) => c.executeScript("CREATE TABLE accounts (id integer PRIMARY KEY, password varchar(100)); INSERT INTO accounts VALUES (1, 'old')"));
    const stream = { name: 'app', dialect: ctx.name, url: db.url, ddl: { lockTimeoutMs: 200, lockRetries: 1 } };
    const events: string[] = [];
    const holder = await ctx.dialect.connect(db.url);
    try {
      await holder.query('LOCK TABLES accounts READ');
      const failure = await upgrade({
        stream,
        target: 'head',
        onEvent: (event) => events.push(event.type),
        graph: chain([
          async ({ execute }) => {
            await execute("UPDATE accounts SET password = 'hunter2-retry' WHERE id = 1");
          },
        ]),
      }).catch((e: unknown) => e);
      expect((failure as { code?: unknown }).code).toBe('RUNNER_DDL_LOCK_TIMEOUT');
      expect(events.filter((type) => type === 'lock-retry')).toHaveLength(1);
      expect(printed(failure)).not.toContain('hunter2');
    } finally {
      await holder.query('UNLOCK TABLES');
      await holder.close();
    }
  });
}, ['mysql']);
