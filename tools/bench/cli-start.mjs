// The CLI's fixed cost: CPU time of `strata --version` beside an empty node process, each measured from
// inside the process by the same exit hook (so the hook's own cost is on both sides).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../packages/engine/bin/strata.js', import.meta.url));
/** Prints the process's user + system CPU time, in ms, to stderr as it exits. */
const CPU_HOOK = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('cpu-ms ' + (u.user + u.system) / 1000 + '\\n'); });",
)}`;

/** CPU milliseconds of one `node --import <hook> ...args` run. */
function cpuMs(args) {
  const child = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], { encoding: 'utf8' });
  const match = /^cpu-ms ([\d.]+)$/m.exec(child.stderr);
  if (child.status !== 0 || match === null) throw new Error(`node ${args.join(' ')} exited with ${child.status}:\n${child.stderr}${child.stdout}`);
  return Number(match[1]);
}

/**
 * Bench rows (`{ metric, ours, floor }`) for `strata --version`'s CPU time against `node -e ''`, medians
 * of `runs` alternating processes (the issue's target: within 150 ms of the floor).
 */
export function versionCpuRows({ runs, median }) {
  const ours = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    floor.push(cpuMs(['-e', '']));
    ours.push(cpuMs([CLI, '--version']));
  }
  const [o, f] = [median(ours), median(floor)];
  return [
    { metric: '`strata --version`, CPU ms (floor: `node -e \'\'`, same exit hook)', ours: o, floor: f },
    { metric: '  over the floor (target ≤ 150 ms)', ours: o - f },
  ];
}
