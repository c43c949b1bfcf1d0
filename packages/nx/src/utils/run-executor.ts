import type { ExecutorContext } from '@nx/devkit';
import type { Output, ResolveStreamSettingsOptions, RevisionGraph, StreamLayout, StreamSettings } from '@strata/engine';
import { loadShell, type EngineShell } from './engine';
import { inNxSpelling, spellingContextOf } from './nx-spelling';
import { fromWorkspace, projectDirectory, toSettingsOptions, type StreamExecutorOptions } from './stream-options';
import { outputFileOf, taskChain, type TaskChain } from './task-chain';
import { buildWorkspace, streamProjectsAround, type StrataWorkspace, type WorkspaceReach } from './workspace';

/**
 * What an executor body gets: the engine's shell (settings, revisions, output; the body imports its
 * verb from `@strata/engine/commands/<verb>`), the output, and the stream's settings on demand.
 */
export interface StrataRun {
  readonly engine: EngineShell;
  readonly out: Output;
  readonly context: ExecutorContext;
  /** The command-line parameters this task shares with the tasks it depends on, and the tasks waiting on it. */
  readonly chain: TaskChain;
  /** The flags for `resolveStreamSettings`. */
  readonly settingsOptions: ResolveStreamSettingsOptions;
  /** The stream with its database (throws `CONFIG_MISSING_URL` without one). */
  settings(): StreamSettings;
  /** The stream's name and folders, without needing a database URL. */
  layout(): StreamLayout;
  /** The stream's revisions. */
  graph(layout: Pick<StreamLayout, 'revisionsDir'>): RevisionGraph;
  /** The other streams the run may consult (see {@link buildWorkspace}), plus this one. */
  workspace(reach: WorkspaceReach, self: StreamSettings, graph: RevisionGraph): StrataWorkspace;
}

/**
 * Runs an executor body: resolves the options, catches errors and prints them the way `strata` does
 * (a `StrataError` as code, message and hint; anything else with its stack) and returns `{ success }`.
 * A body that printed its result and still failed (a fan-out with failed tenants) returns `false`.
 */
export async function runStrata(
  options: StreamExecutorOptions,
  context: ExecutorContext,
  body: (run: StrataRun) => Promise<void | boolean>,
): Promise<{ success: boolean }> {
  let out: Output | undefined;
  try {
    const engine = await loadShell();
    const chain = taskChain(context);
    const file = options.outputFile ? fromWorkspace(context.root, outputFileOf(options.outputFile, chain, context.projectName)) : undefined;
    out = new engine.Output({ json: options.json === true, ...(file ? { file } : {}) });
    const database = chainDatabase(engine, chain, context.root);
    const settingsOptions = toSettingsOptions({ ...options, ...database }, projectDirectory(options, context));
    const run: StrataRun = {
      engine,
      out,
      context,
      chain,
      settingsOptions,
      settings: () => engine.resolveStreamSettings({ ...settingsOptions, requireUrl: true }),
      layout: () => engine.resolveStreamSettings({ ...settingsOptions, requireUrl: false }),
      graph: (layout) => new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)),
      workspace: (reach, self, graph) => {
        const projects = context.projectName && context.projectGraph ? streamProjectsAround(context.projectGraph, context.projectName, reach) : [];
        const workspace = buildWorkspace(engine, context, projects, out as Output, database);
        workspace.set(self.name, { stream: self, graph });
        return workspace;
      },
    };
    return { success: (await body(run)) !== false };
  } catch (error) {
    if (out) out.error(context.projectName ? inNxSpelling(error, spellingContextOf(context.projectName, context.projectsConfigurations?.projects[context.projectName])) : error);
    else console.error(`Could not load @strata/engine: ${(error as Error)?.stack ?? String(error)}`);
    return { success: false };
  }
}

/**
 * `--url` and `--dialect` given on the command line name the database of the whole chain: the streams
 * a run checks (the ones it depends on, or that depend on it) are read there too, not on their own URL.
 * A URL that names a local file (SQLite) or folder (PGlite) by a relative path is taken from the
 * workspace root, where `nx` was run, so that every stream of the chain opens the same database (each
 * task runs in its own project folder): the engine's `absoluteDatabaseUrl`, which knows each dialect's
 * forms, with the dialect as a stream resolves it (`--dialect`, else the URL's).
 *
 * @internal Exported for its spec.
 */
export function chainDatabase(engine: EngineShell, chain: TaskChain, workspaceRoot: string): Pick<StreamExecutorOptions, 'url' | 'dialect'> {
  const url = typeof chain.params['url'] === 'string' && chain.params['url'] !== '' ? chain.params['url'] : undefined;
  const dialect = typeof chain.params['dialect'] === 'string' && chain.params['dialect'] !== '' ? (chain.params['dialect'] as NonNullable<StreamExecutorOptions['dialect']>) : undefined;
  const urlDialect = dialect ?? (url === undefined ? undefined : engine.dialectFromUrl(url));
  return {
    ...(url === undefined ? {} : { url: urlDialect === undefined ? url : engine.absoluteDatabaseUrl(url, urlDialect, workspaceRoot) }),
    ...(dialect === undefined ? {} : { dialect }),
  };
}
