import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { branchesCommand, currentCommand, headsCommand, historyCommand, showCommand } from './inspect.js';
import { downgradeCommand, upgradeCommand } from './migrate.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { mergeCommand, revisionCommand } from './revision.js';
import { repairCommand } from './repair.js';
import { stampCommand } from './stamp.js';
import { testCommand } from './test.js';

/** Every verb, in the order `strata --help` lists them (Alembic's). */
export const COMMANDS: readonly Command[] = [
  initCommand,
  revisionCommand,
  upgradeCommand,
  downgradeCommand,
  stampCommand,
  repairCommand,
  mergeCommand,
  currentCommand,
  historyCommand,
  headsCommand,
  branchesCommand,
  showCommand,
  checkCommand,
  testCommand,
  pushCommand,
  pullCommand,
];
