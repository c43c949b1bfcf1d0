// Round trips priced: the guarded chain (createTable, createIndex, addColumn per revision) upgraded
// over a link that delays every packet by LATENCY_MS each way, as a database in another zone or a
// managed one does, against the same DDL as one plain script over the same link. The delay comes
// from a TCP proxy in this process (the machine has no netem); on the local socket a round trip costs
// a fraction of a millisecond and the runner rows cannot tell one per statement from one per revision.
import net from 'node:net';
import { upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';
import { guardedChainSql } from './guards.mjs';
import { withStatementLog } from './statement-log.mjs';

/** The delay each way, so a round trip costs twice this on top of the server's work. */
export const LATENCY_MS = 1;

/**
 * Listens on a free local port and relays every connection to `target` (host:port), holding each
 * chunk `delayMs` in both directions (Nagle off, so chunks are not held back further). Returns the
 * port and `close`.
 */
async function delayingProxy(target, delayMs) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), delayMs));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

/** `url` with its host and port replaced by the proxy's. */
function viaProxy(url, port) {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.href;
}

/**
 * Server dialects only. `runs` times: the guarded chain's `upgrade head` over the delaying link on a
 * fresh database (its driver calls counted), and its DDL as one plain script over the same link on
 * another.
 */
export async function latencyRows(target, graph, count, h) {
  const stream = { name: 'bench_latency', dialect: target.dialect };
  const script = Array.from({ length: count }, (_, i) => guardedChainSql(i + 1))
    .flat()
    .join(';\n');
  const proxy = await delayingProxy(new URL(target.serverUrl), LATENCY_MS);
  const ours = [];
  const floor = [];
  let calls = 0;
  try {
    for (let i = 0; i < h.runs; i++) {
      const database = await h.createDatabase(target);
      ours.push(
        await withStatementLog(target.dialect, (log) =>
          h.timed(async () => {
            h.expectSteps(await upgrade({ stream: { ...stream, url: viaProxy(database.url, proxy.port) }, graph, target: 'head' }), count, 'upgrade over the delaying link');
            calls = log.count;
          }),
        ),
      );
      await h.dropDatabase(database);
      const twin = await h.createDatabase(target);
      await withDriver(target.dialect, viaProxy(twin.url, proxy.port), async (session) => {
        floor.push(await h.timed(() => session.script(script)));
      });
      await h.dropDatabase(twin);
    }
  } finally {
    await proxy.close();
  }
  return [
    {
      metric: `upgrade head, ${count} guarded revisions, over a link with ${LATENCY_MS} ms each way (floor: their DDL as one script over the same link)`,
      ours: h.median(ours),
      floor: h.median(floor),
    },
    { metric: '  driver calls (round trips) per revision, the run\'s lock and ledger reads included', ours: calls / count, floor: 0, unit: 'count' },
  ];
}
