import { revision, type MigrationContext } from '../../src/revision/revision.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';

/** A revision body, as the run tests write them inline. */
export type Body = (ctx: MigrationContext) => Promise<void>;

/** The id of revision `n` of a {@link chain}. */
export const rev = (n: number): string => `rev_${n}`;

/** A linear chain rev_1 <- rev_2 <- … of `bodies`; `down(n)` is revision n's downgrade (default: nothing). */
export function chain(bodies: readonly Body[], down?: (n: number) => Body): RevisionGraph {
  return new RevisionGraph(
    bodies.map((body, i) =>
      revision({
        id: rev(i + 1),
        parents: i === 0 ? [] : [rev(i)],
        message: `step ${i + 1}`,
        upgrade: body,
        downgrade: down?.(i + 1) ?? (async () => undefined),
      }),
    ),
  );
}

/**
 * Runs `body` while every call the dialect's driver gets (pg `Client.query`, mysql2's promise
 * `Connection.query`: each one round trip) is told to `seen`, with its SQL and the client it was made
 * on; the driver is restored after.
 */
export async function watchDriverCalls(dialect: string, seen: (sql: string, client: unknown) => void, body: () => Promise<void>): Promise<void> {
  const proto = (
    dialect === 'postgresql'
      ? (await import('pg')).default.Client.prototype
      : ((await import('mysql2/promise')) as unknown as { default: { PromiseConnection: { prototype: unknown } } }).default.PromiseConnection.prototype
  ) as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [first] = args;
    seen(typeof first === 'string' ? first : String((first as { text?: string; sql?: string }).text ?? (first as { sql?: string }).sql), this);
    return original.apply(this, args);
  };
  try {
    await body();
  } finally {
    proto.query = original;
  }
}

/** Runs `body` and counts the calls the dialect's driver got meanwhile (each a round trip); their SQL goes to `sent`. */
export async function countDriverCalls(dialect: string, sent: string[], body: () => Promise<void>): Promise<number> {
  await watchDriverCalls(dialect, (sql) => sent.push(sql), body);
  return sent.length;
}
