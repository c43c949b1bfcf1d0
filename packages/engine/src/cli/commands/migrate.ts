import { downgrade, upgrade, type RunOptions } from '../../runner/runner.js';
import type { RunEvent } from '../../runner/events.js';
import type { Command, CommandInput } from '../command.js';
import { UsageError } from '../errors.js';
import { formatDuration } from '../format.js';
import type { Output } from '../output.js';
import { loadGraph, streamSettings } from '../stream-options.js';

const RUN_OPTIONS = {
  'allow-changed': { type: 'boolean', description: 'Run even if an applied revision\'s file changed since it was applied.' },
} as const;

async function migrate(input: CommandInput, direction: 'up' | 'down', target: string): Promise<void> {
  const settings = streamSettings(input);
  const graph = loadGraph(settings);
  const options: RunOptions = {
    stream: settings,
    graph,
    target,
    allowChanged: input.values['allow-changed'] === true,
    onEvent: (event) => progress(input.out, event),
  };
  const result = direction === 'up' ? await upgrade(options) : await downgrade(options);
  input.out.result(result, () => {
    const verb = direction === 'up' ? 'upgrade' : 'downgrade';
    if (result.steps.length === 0) {
      input.out.line(`Stream "${result.stream}" is already at ${target}: nothing to ${verb}. Current: ${result.headsAfter.join(', ') || '<base>'}.`);
    } else {
      const total = result.steps.reduce((sum, s) => sum + s.durationMs, 0);
      input.out.line(`Stream "${result.stream}": ${result.steps.length} revision(s) ${direction === 'up' ? 'applied' : 'reverted'} in ${formatDuration(total)}. Current: ${result.headsAfter.join(', ') || '<base>'}.`);
    }
  });
}

function progress(out: Output, event: RunEvent): void {
  if (event.type === 'plan' && event.revisions.length > 0) {
    out.line(`Stream "${event.stream}": ${event.direction === 'up' ? 'applying' : 'reverting'} ${event.revisions.length} revision(s).`);
  } else if (event.type === 'revision-done') {
    const arrow = event.direction === 'up' ? '↑' : '↓';
    out.line(`  ${arrow} [${event.index + 1}/${event.total}] ${event.revision}  ${event.message || '(no message)'}  (${formatDuration(event.durationMs)})`);
  }
}

/** `strata upgrade [TARGET]`. */
export const upgradeCommand: Command = {
  name: 'upgrade',
  summary: 'Apply revisions up to a target (default: head).',
  usage: '[TARGET] [options]',
  description:
    'Applies every revision needed to reach TARGET, parents and dependencies first, each in its own transaction where the database\n' +
    'allows it (PostgreSQL, SQLite). TARGET: head (default), heads, an id or a unique prefix of 4+ characters, <label>@head,\n' +
    '+N (N more), <rev>+N. A second runner on the same database waits for the lock, then finds nothing left to do.',
  options: RUN_OPTIONS,
  streamOptions: true,
  maxPositionals: 1,
  run: (input) => migrate(input, 'up', input.positionals[0] ?? 'head'),
};

/** `strata downgrade TARGET`. */
export const downgradeCommand: Command = {
  name: 'downgrade',
  summary: 'Revert revisions down to a target (-1, an id, base).',
  usage: 'TARGET [options]',
  description:
    'Reverts the applied revisions above TARGET, dependents first, running each downgrade. TARGET: -N (N steps down), an id\n' +
    'or prefix (reverts what was applied above it), <label>@base, base (reverts everything), <rev>-N.',
  options: RUN_OPTIONS,
  streamOptions: true,
  maxPositionals: 1,
  run: (input) => {
    const target = input.positionals[0];
    if (target === undefined) throw new UsageError('strata downgrade needs a TARGET: -1, an id, or base.', 'Example: `strata downgrade -1`.');
    return migrate(input, 'down', target);
  },
};
