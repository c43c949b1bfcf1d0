import { expect, it } from 'vitest';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { chain, type Body } from '../support/runs.js';
import { snapshot } from '../support/streams.js';

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
}, ['postgresql', 'mysql']);
