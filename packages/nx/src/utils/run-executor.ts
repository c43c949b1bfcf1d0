import type { ExecutorContext } from '@nx/devkit';
import type { ResolveStreamSettingsOptions, RevisionGraph, StreamLayout, StreamSettings } from '@strata/engine';
import { loadEngine, type Engine } from './engine';
import { ExecutorOutput } from './output';
import { projectDirectory, toSettingsOptions, type StreamExecutorOptions } from './stream-options';
import { buildWorkspace, streamProjectsAround, type StrataWorkspace, type WorkspaceReach } from './workspace';

/** What an executor body gets: the engine, the output, and the stream's settings on demand. */
export interface StrataRun {
  readonly engine: Engine;
  readonly out: ExecutorOutput;
  readonly context: ExecutorContext;
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
 */
export async function runStrata(
  options: StreamExecutorOptions,
  context: ExecutorContext,
  body: (run: StrataRun) => Promise<void>,
): Promise<{ success: boolean }> {
  const out = new ExecutorOutput({ json: options.json === true });
  try {
    const engine = await loadEngine();
    const settingsOptions = toSettingsOptions(options, projectDirectory(options, context));
    const run: StrataRun = {
      engine,
      out,
      context,
      settingsOptions,
      settings: () => engine.resolveStreamSettings({ ...settingsOptions, requireUrl: true }),
      layout: () => engine.resolveStreamSettings({ ...settingsOptions, requireUrl: false }),
      graph: (layout) => new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)),
      workspace: (reach, self, graph) => {
        const projects = context.projectName && context.projectGraph ? streamProjectsAround(context.projectGraph, context.projectName, reach) : [];
        const workspace = buildWorkspace(engine, context, projects, out);
        workspace.set(self.name, { stream: self, graph });
        return workspace;
      },
    };
    await body(run);
    return { success: true };
  } catch (error) {
    out.error(error);
    return { success: false };
  }
}
