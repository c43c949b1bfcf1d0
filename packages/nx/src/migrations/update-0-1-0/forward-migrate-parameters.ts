import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { forwardMigrateParameters } from '../../utils/target-names';

/**
 * `nx migrate` step for workspaces set up by an earlier `nx add @strata/nx`: its
 * `targetDefaults.migrate.dependsOn: ['^migrate']` overrides the plugin's inferred `dependsOn` and runs
 * the streams a stream depends on without the command line's parameters, so `--sql` migrated them
 * online and `--url` migrated them on their own database. Rewritten to forward the parameters; any
 * other setting is left as the user wrote it. nx.json is written as `updateNxJson` formats it.
 */
export default function forwardMigrateParametersMigration(tree: Tree): void {
  const nxJson = readNxJson(tree);
  if (nxJson === null || !forwardMigrateParameters(nxJson)) return;
  updateNxJson(tree, nxJson);
  logger.info("@strata/nx: targetDefaults.migrate.dependsOn now forwards the command line's parameters to the streams run first (--sql, --url).");
}
