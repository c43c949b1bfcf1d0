import { isStrataError } from './errors';
import type { Verb } from './target-names';
import { PACKAGE_NAME } from './versions';

/**
 * The engine's hints name `strata` commands and kebab-case flags (`strata merge -m "…"`, `add
 * --no-renames`). Under Nx the user runs targets and generators, whose options are camelCase
 * (`nx g` rejects `--no-renames`; only `--noRenames` works). This is the one translation from the
 * first vocabulary to the second, applied to every engine error an executor or generator reports.
 */
export interface NxSpellingContext {
  /** The project the target or generator ran for. */
  readonly project: string;
  /** The project folder, relative to the workspace root (for the `strata` commands Nx has no target for). */
  readonly projectRoot: string;
  /** The project's target that runs an executor (`migrate-down` → its target name, when it has one). */
  targetOf(verb: Verb): string | undefined;
}

/** The executor each `strata` command is, under Nx. */
export const VERB_OF: Readonly<Record<string, Verb>> = {
  upgrade: 'migrate',
  downgrade: 'migrate-down',
  stamp: 'migrate-stamp',
  current: 'migrate-status',
  heads: 'migrate-status',
  history: 'migrate-history',
  check: 'migrate-check',
  test: 'migrate-test',
  repair: 'migrate-repair',
};

/**
 * The generator each `strata` command that writes files is, under Nx (writing source files is a
 * generator's job there: `nx g @strata/nx:merge`, though a `migrate-merge` target exists as an alias).
 */
const GENERATOR_OF: Readonly<Record<string, string>> = { revision: '@strata/nx:migration', init: '@strata/nx:stream', merge: '@strata/nx:merge' };

/** The option that takes a command's positional arguments (`strata downgrade -1` → `--to=-1`). */
const POSITIONAL_OPTION: Readonly<Record<string, string>> = { upgrade: 'to', downgrade: 'to', stamp: 'to', merge: 'revisions' };

/** CLI flags whose Nx option is not their camelCase form; `undefined`: the Nx form has no such flag (it is the default). */
const RENAMED_FLAGS: Readonly<Record<string, string | undefined>> = {
  'lock-timeout': 'lockTimeoutMs',
  'ddl-lock-timeout': 'ddlLockTimeoutMs',
  'statement-timeout': 'statementTimeoutMs',
  server: 'serverUrl',
  autogenerate: undefined,
  // `targets` is Nx's own word (a project's tasks; `nx run-many --targets`): the fan-out's options say tenants.
  targets: 'tenantsFile',
  'targets-from-sql': 'tenantsSql',
};

/** The CLI's flags that take no value. */
const SWITCHES = new Set(['sql', 'json', 'purge', 'cascade', 'strict', 'allow-changed', 'autogenerate', 'no-renames', 'empty', 'applied', 'verbose', 'db', 'resolve-dependencies', 'strict-safety']);

const KNOWN_VERBS = [...Object.keys(VERB_OF), ...Object.keys(GENERATOR_OF), 'branches', 'show', 'inspect'];

/**
 * `text` (a hint or message) in Nx's spelling: each `` `strata <verb> …` `` becomes the target or
 * generator that does it (`` `nx g @strata/nx:merge billing -m "merge heads"` ``), as does a text that is
 * only such a command; an unquoted `strata <verb>` in a sentence becomes the same without its arguments; and every other `--kebab-flag` its camelCase option.
 *
 * @example
 * ```ts
 * nxSpelling('add --no-renames', { project: 'billing', projectRoot: 'apps/billing', targetOf: (verb) => verb });
 * // 'add --noRenames'
 * ```
 */
export function nxSpelling(text: string, context: NxSpellingContext): string {
  const verbs = KNOWN_VERBS.join('|');
  // A hint that is a command and nothing else (`strata merge a b -m "merge heads"`) is read whole.
  const whole = new RegExp(`^strata (${verbs})\\b([^\`\\n]*)$`).exec(text.trim());
  if (whole) return nxCommand(whole[1] as string, whole[2] as string, context);
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
        const inner = part.slice(1, -1);
        const command = new RegExp(`^strata (${verbs})\\b(.*)$`).exec(inner);
        return command ? `\`${nxCommand(command[1] as string, command[2] as string, context)}\`` : `\`${camelFlags(inner)}\``;
      }
      return camelFlags(part.replace(new RegExp(`\\bstrata (${verbs})\\b`, 'g'), (_match, verb: string) => nxCommand(verb, '', context)));
    })
    .join('');
}

function nxCommand(verb: string, rest: string, context: NxSpellingContext): string {
  const tokens = rest.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const positionals: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '-m' && i + 1 < tokens.length) {
      flags.push(`-m ${tokens[++i] as string}`);
    } else if (token.startsWith('-') && !/^-\d+$/.test(token)) {
      const flag = camelFlag(token);
      // A flag's value follows it (`--rename-table a=b`), unless the flag is a switch.
      const next = tokens[i + 1];
      const value = !token.includes('=') && !SWITCHES.has(token.slice(2)) && next !== undefined && !next.startsWith('-') ? ` ${tokens[++i] as string}` : '';
      if (flag !== undefined) flags.push(flag + value);
    } else {
      positionals.push(token);
    }
  }
  const option = POSITIONAL_OPTION[verb];
  const args = [...(option && positionals.length > 0 ? [`--${option}=${positionals.join(',')}`] : []), ...flags].join(' ');
  const executor = VERB_OF[verb];
  const generator = GENERATOR_OF[verb];
  const target = executor === undefined ? undefined : context.targetOf(executor);
  const command =
    target !== undefined
      ? `nx run ${context.project}:${target}`
      : generator !== undefined
        ? `nx g ${generator} ${context.project}`
        : `npx strata ${verb} --cwd ${context.projectRoot}${positionals.length > 0 ? ` ${positionals.join(' ')}` : ''}`;
  return args === '' ? command : `${command} ${args}`;
}

/**
 * The Nx option a `strata` flag is (`lock-timeout` → `lockTimeoutMs`, `targets` → `tenantsFile`,
 * `no-renames` → `noRenames`); undefined for a flag Nx has no form of. A command's positional
 * arguments are the option `positionalOptionOf` names.
 *
 * @example
 * ```ts
 * nxOptionName('allow-changed'); // 'allowChanged'
 * ```
 */
export function nxOptionName(flag: string): string | undefined {
  return camelFlag(`--${flag}`)?.slice(2);
}

/** The Nx option that takes a `strata` command's positional arguments (`upgrade` → `to`), if it has any. */
export function positionalOptionOf(verb: string): string | undefined {
  return POSITIONAL_OPTION[verb];
}

function camelFlags(text: string): string {
  return text.replace(/(^|[\s(,;'"])(--[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?=$|[\s=.,;:)'"])/g, (_match, before: string, flag: string) => `${before}${camelFlag(flag) ?? flag}`);
}

/** `--no-renames` → `--noRenames`, `--lock-timeout=5` → `--lockTimeoutMs=5`; undefined for a flag Nx has no form of. */
function camelFlag(token: string): string | undefined {
  const match = /^--([a-z][a-z0-9-]*)(=.*)?$/.exec(token);
  if (match === null) return token;
  const name = match[1] as string;
  if (Object.hasOwn(RENAMED_FLAGS, name)) {
    const renamed = RENAMED_FLAGS[name];
    return renamed === undefined ? undefined : `--${renamed}${match[2] ?? ''}`;
  }
  return `--${name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}${match[2] ?? ''}`;
}

/**
 * An engine error with its message and hint in Nx's spelling (see {@link nxSpelling}); its code, details
 * and partial result kept. Anything that is not a `StrataError` is returned as it is.
 */
export function inNxSpelling(error: unknown, context: NxSpellingContext): unknown {
  if (!isStrataError(error)) return error;
  const message = nxSpelling(error.message, context);
  const hint = error.hint === undefined ? undefined : nxSpelling(error.hint, context);
  const json = { ...(error.toJSON() as object), message, ...(hint === undefined ? {} : { hint }) };
  const result = (error as { result?: unknown }).result;
  return Object.assign(new Error(message, { cause: error }), {
    name: (error as unknown as Error).name,
    code: error.code,
    hint,
    ...(result === undefined ? {} : { result }),
    toJSON: () => json,
  });
}

/** The spelling context of a project in an executor's context: its targets are read from the project configuration. */
export function spellingContextOf(
  project: string,
  configuration: { readonly root: string; readonly targets?: Readonly<Record<string, { readonly executor?: string }>> } | undefined,
): NxSpellingContext {
  return {
    project,
    projectRoot: configuration?.root ?? '.',
    targetOf: (verb) => Object.entries(configuration?.targets ?? {}).find(([, target]) => target.executor === `${PACKAGE_NAME}:${verb}`)?.[0],
  };
}
