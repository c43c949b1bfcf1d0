import type { ExecutorContext } from '@nx/devkit';

/**
 * Where this executor's task sits in the run: `nx run orders:migrate --sql` runs `users:migrate` first
 * (`dependsOn` with `params: 'forward'`), with the same command-line parameters. What the chain shares
 * comes from here: the parameters given on the command line, and whether another task waits on this one.
 */
export interface TaskChain {
  /** The parameters given on the command line (forwarded to the tasks this one depends on), without Nx's own. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The ids of the tasks of this run that depend on this one (`orders:migrate` for `users:migrate`); empty for the task asked for. */
  readonly dependents: readonly string[];
}

/** This task's place in the run's task graph; no params and no dependents outside a task graph. */
export function taskChain(context: Pick<ExecutorContext, 'taskGraph' | 'projectName' | 'targetName' | 'configurationName'>): TaskChain {
  const graph = context.taskGraph;
  if (graph === undefined) return { params: {}, dependents: [] };
  const task = Object.values(graph.tasks).find(
    (t) => t.target.project === context.projectName && t.target.target === context.targetName && (t.target.configuration ?? undefined) === (context.configurationName ?? undefined),
  );
  if (task === undefined) return { params: {}, dependents: [] };
  const params = Object.fromEntries(Object.entries(task.overrides).filter(([key]) => !key.startsWith('__')));
  const dependents = Object.entries(graph.dependencies)
    .filter(([, dependencies]) => dependencies.includes(task.id))
    .map(([id]) => id)
    .sort();
  return { params, dependents };
}

/**
 * The file a task writes its document to (`outputFile`, relative to the workspace root). The task asked
 * for writes `outputFile` itself; a task that runs because another depends on it got the same parameter,
 * so it writes beside it, its project's name before the extension (`out.sql` → `out.users.sql`), and the
 * chain's files never overwrite each other.
 */
export function outputFileOf(outputFile: string, chain: TaskChain, projectName: string | undefined): string {
  if (chain.dependents.length === 0 || projectName === undefined) return outputFile;
  const slash = outputFile.lastIndexOf('/');
  const dot = outputFile.lastIndexOf('.');
  return dot > slash + 1 ? `${outputFile.slice(0, dot)}.${projectName}${outputFile.slice(dot)}` : `${outputFile}.${projectName}`;
}
