// The fan-out rows (SQLite only): `strata upgrade --targets FILE` on TENANTS tenant files against the
// same upgrade run as a sequential shell loop of the CLI, one `strata upgrade --url` per tenant, the
// way users migrate a database per tenant without a fan-out. Both are child processes timed from the
// outside, in the same bench run. See README.md ("Fan-out table").
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { revisionFileName } from '../../packages/engine/dist/index.js';

export const FANOUT_TENANTS = 100;
export const FANOUT_REVISIONS = 20;
export const FANOUT_CONCURRENCY = 4;

const CLI = fileURLToPath(new URL('../../packages/engine/bin/strata.js', import.meta.url));
const STREAM = 'tenants';

/**
 * The fan-out table's rows: a full upgrade of every tenant, then the no-op re-run, each as one
 * fan-out process (ours) beside the shell loop (floor). Each figure is one run: a loop is 100
 * processes, and fresh tenants are needed for every full upgrade. `helpers`: `{ workDir, timedSync }`.
 */
export function fanoutRows({ workDir, timedSync }) {
  const root = join(workDir, 'fanout');
  const dir = join(root, 'migrations');
  mkdirSync(dir, { recursive: true });
  const start = Date.UTC(2024, 0, 1);
  const id = (n) => `fa${String(n).padStart(10, '0')}`;
  for (let n = 1; n <= FANOUT_REVISIONS; n++) {
    writeFileSync(
      join(dir, revisionFileName(new Date(start + n * 60_000), `tenant t_${n}`)),
      [
        "import { revision } from '@strata/engine';",
        '',
        'export default revision({',
        `  id: '${id(n)}',`,
        `  parents: [${n === 1 ? '' : `'${id(n - 1)}'`}],`,
        `  message: 'tenant t_${n}',`,
        `  async upgrade({ execute }) { await execute('CREATE TABLE t_${n} (id integer PRIMARY KEY, name varchar(100))'); },`,
        `  async downgrade({ execute }) { await execute('DROP TABLE t_${n}'); },`,
        '});',
        '',
      ].join('\n'),
    );
  }
  const targets = (name) => {
    const file = join(root, `${name}.txt`);
    mkdirSync(join(root, name));
    writeFileSync(file, Array.from({ length: FANOUT_TENANTS }, (_, i) => `file:${name}/tenant_${i}.db`).join('\n') + '\n');
    return file;
  };
  const fanoutFile = targets('fanout');
  const loopFile = targets('loop');
  const flags = ['--stream', STREAM, '--dir', dir];
  const fanout = () => run(process.execPath, [CLI, 'upgrade', '--targets', fanoutFile, '--concurrency', String(FANOUT_CONCURRENCY), '--json', ...flags], root);
  // A relative SQLite path in a targets file is the file's folder's; the loop runs there too.
  const loop = () =>
    run('sh', ['-c', `while read -r url; do "$0" "$1" upgrade --url "$url" --stream ${STREAM} --dir "$2" > /dev/null || exit 1; done < "$3"`, process.execPath, CLI, dir, loopFile], root);

  const rows = [];
  for (const [label, expected] of [
    [`upgrade ${FANOUT_REVISIONS} revisions on ${FANOUT_TENANTS} SQLite tenants`, FANOUT_TENANTS],
    ['no-op re-run (every tenant already at head)', 0],
  ]) {
    let report;
    const ours = timedSync(() => (report = JSON.parse(fanout().stdout)));
    if (report.summary.failed !== 0 || report.summary.ok !== expected) throw new Error(`fan-out: expected ${expected} tenants upgraded, got ${JSON.stringify(report.summary)}`);
    const floor = timedSync(loop);
    rows.push({ metric: `${label}: --targets --concurrency ${FANOUT_CONCURRENCY} (floor: shell loop of the CLI)`, ours, floor });
  }
  return rows;
}

function run(command, args, cwd) {
  const child = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${child.status}:\n${child.stderr}`);
  return child;
}
