// Issue 9: an option is defined once, in the engine's `strata` command, and every executor takes
// the same ones under their Nx names. This fails when a flag is added to a command without its
// option in the executor's schema.json (or the reverse), unless the difference is listed below with
// its reason. The engine is read from its build, as the executors load it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../engine/dist/cli/commands/index.js';
import { COMMON_OPTIONS } from '../../../engine/dist/cli/main.js';
import { STREAM_OPTIONS } from '../../../engine/dist/cli/stream-options.js';
import { nxOptionName, positionalOptionOf, VERB_OF } from '../utils/nx-spelling';

/** Options an executor has that its command has not, and why. */
const NX_ONLY: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'migrate-down': { cascade: 'reverting the dependent streams first needs the workspace\'s streams, which only the project graph knows' },
};

/** Flags a command has that its executor has not, and why (`*`: every executor). */
const CLI_ONLY: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '*': { help: 'Nx prints a target\'s options itself (nx run app:migrate --help)' },
  'migrate-status': { verbose: 'migrate-status always prints each revision with its message' },
};

const schemaOf = (executor: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(__dirname, executor, 'schema.json'), 'utf8')) as { properties: Record<string, unknown> }).properties;

/** Each executor and the commands it runs: the hints' map, and `migrate-merge`, the alias target of `nx g @strata/nx:merge`. */
const VERBS_OF = new Map<string, string[]>([['migrate-merge', ['merge']]]);
for (const [verb, executor] of Object.entries(VERB_OF)) VERBS_OF.set(executor, [...(VERBS_OF.get(executor) ?? []), verb]);

describe('executor options match the strata commands they run', () => {
  const executors = [...VERBS_OF.keys()];

  it('reads every executor and command it compares', () => {
    expect(executors.sort()).toEqual(['migrate', 'migrate-check', 'migrate-down', 'migrate-history', 'migrate-merge', 'migrate-repair', 'migrate-stamp', 'migrate-status', 'migrate-test']);
    expect(Object.keys(schemaOf('migrate'))).toContain('allowChanged');
    expect(nxOptionName('lock-timeout')).toBe('lockTimeoutMs');
  });

  it.each(executors)('%s', (executor) => {
    const verbs = VERBS_OF.get(executor) ?? [];
    const fromCli = new Set<string>();
    for (const verb of verbs) {
      const command = COMMANDS.find((c) => c.name === verb);
      expect(command, `strata ${verb}`).toBeDefined();
      const flags = { ...COMMON_OPTIONS, ...(command?.streamOptions ? STREAM_OPTIONS : {}), ...command?.options };
      for (const flag of Object.keys(flags)) {
        const option = nxOptionName(flag);
        if (option !== undefined) fromCli.add(option);
      }
      const positional = positionalOptionOf(verb);
      if (positional !== undefined) fromCli.add(positional);
    }
    const inSchema = new Set(Object.keys(schemaOf(executor)));
    const missingInNx = [...fromCli].filter((option) => !inSchema.has(option) && CLI_ONLY[executor]?.[option] === undefined && CLI_ONLY['*']?.[option] === undefined);
    const missingInCli = [...inSchema].filter((option) => !fromCli.has(option) && NX_ONLY[executor]?.[option] === undefined);
    expect({ missingInNx, missingInCli }).toEqual({ missingInNx: [], missingInCli: [] });
  });
});
