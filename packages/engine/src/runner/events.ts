import type { GuardDifference } from '../inspect/inspector.js';

/** What one revision step did, for `--json` output and the executors. */
export interface StepResult {
  readonly revision: string;
  readonly message: string;
  readonly direction: 'up' | 'down';
  /**
   * `rolled-back`: applied, then undone when a later revision of the same run failed inside the run's
   * one transaction (`transaction: 'run'`).
   */
  readonly status: 'applied' | 'failed' | 'rolled-back';
  readonly durationMs: number;
  readonly file?: string;
  /** Guards that found their object under another definition while this revision ran. */
  readonly differences: readonly GuardDifference[];
}

/** The outcome of an upgrade or downgrade run. */
export interface RunResult {
  readonly stream: string;
  readonly direction: 'up' | 'down';
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
  readonly steps: readonly StepResult[];
}

/** Progress reported while a run goes on (the CLI prints them; executors forward them). */
export type RunEvent =
  | { readonly type: 'plan'; readonly stream: string; readonly direction: 'up' | 'down'; readonly revisions: readonly string[] }
  | { readonly type: 'revision-start'; readonly stream: string; readonly direction: 'up' | 'down'; readonly revision: string; readonly message: string; readonly index: number; readonly total: number }
  | {
      readonly type: 'lock-retry';
      readonly stream: string;
      readonly revision: string;
      /** The table of the statement that waited, when known. */
      readonly table?: string;
      readonly timeoutMs: number;
      /** 1 for the first retry. */
      readonly retry: number;
      readonly retries: number;
      /** The pause before this retry, in milliseconds. */
      readonly delayMs: number;
    }
  | {
      /** Something the run does differently from what was asked, with its code (`RUNNER_RUN_TRANSACTION_UNSUPPORTED`). */
      readonly type: 'warning';
      readonly stream: string;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'guard-difference'; readonly stream: string; readonly revision: string; readonly difference: GuardDifference }
  | {
      readonly type: 'backfill-progress';
      readonly stream: string;
      readonly revision: string;
      readonly table: string;
      /** Rows updated so far, and in how many batches. */
      readonly rows: number;
      readonly batches: number;
      /** True on the last event of the backfill. */
      readonly done: boolean;
    }
  | { readonly type: 'revision-done'; readonly stream: string; readonly direction: 'up' | 'down'; readonly revision: string; readonly message: string; readonly durationMs: number; readonly index: number; readonly total: number };

/** Receives {@link RunEvent}s. */
export type RunListener = (event: RunEvent) => void;
