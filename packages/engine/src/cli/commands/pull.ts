import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PullFileExistsError } from '../../autogenerate/errors.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { streamSettings } from '../stream-options.js';

/** The file `strata pull` writes when --out is not given, next to the configured schema. */
const DEFAULT_FILE = 'schema.pulled.ts';

/** `strata pull`: a database's schema written as a Drizzle schema module. */
export const pullCommand: Command = {
  name: 'pull',
  summary: 'Write a database\'s schema as a Drizzle schema file.',
  usage: '[--out FILE | --stdout] [options]',
  description:
    'Reads the database (every table but Strata\'s own; on PostgreSQL also its enum types) and writes a Drizzle schema module:\n' +
    'tables with their columns, types, nullability, defaults (sql`…` unless a plain literal), generated columns, identities,\n' +
    'primary keys, unique constraints, indexes, foreign keys with their actions and checks, each under its own name, so\n' +
    'that reading the file back gives the same schema. A type no Drizzle builder spells goes through customType. What a\n' +
    'Drizzle schema cannot hold (views, sequences, policies, other PostgreSQL schemas...) stops the pull with\n' +
    'AUTOGENERATE_PULL_UNSUPPORTED naming the object; nothing is left out silently.\n' +
    `Default file: ${DEFAULT_FILE} beside the drizzle.config schema (or in the project folder); an existing file is kept unless --force.`,
  options: {
    out: { type: 'string', valueName: 'FILE', description: `The file to write (default: ${DEFAULT_FILE} beside the configured schema).` },
    stdout: { type: 'boolean', description: 'Print the module on stdout instead of writing a file.' },
    force: { type: 'boolean', description: 'Replace the file if it exists.' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    if (input.values.stdout === true && input.values.out !== undefined) throw new UsageError('strata pull takes --out FILE or --stdout, not both.');
    const settings = streamSettings(input);
    const file =
      input.values.stdout === true
        ? undefined
        : input.values.out !== undefined
          ? resolve(input.cwd, input.values.out as string)
          : join(settings.drizzle?.schemaFiles[0] !== undefined ? dirname(settings.drizzle.schemaFiles[0]) : settings.projectDir, DEFAULT_FILE);
    if (file !== undefined && existsSync(file) && input.values.force !== true) throw new PullFileExistsError(file);
    const { pullSchema } = await import('../../autogenerate/pull.js');
    const result = await pullSchema({ dialect: settings.dialect, url: settings.url });
    const summary = { url: result.url, tables: [...result.model.tables.keys()], enums: [...result.model.enums.keys()] };
    if (file === undefined) {
      input.out.result({ ...summary, source: result.source }, () => input.out.raw(result.source));
      return;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, result.source);
    input.out.result({ ...summary, file }, () =>
      input.out.line(`Wrote ${relative(input.cwd, file) || file}: ${summary.tables.length} table(s)${summary.enums.length > 0 ? `, ${summary.enums.length} enum(s)` : ''} from ${result.url}.`),
    );
  },
};
