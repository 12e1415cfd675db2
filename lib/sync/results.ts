import type { PlanAction } from './plan';

/**
 * The one vocabulary of sync results: `created`, `updated`, `unchanged`, `archived`, `failed`; a dry run reports
 * `wouldCreate`, `wouldUpdate`, `wouldArchive` (and `unchanged` / `failed` as they are).
 */
export type SyncAction = 'created' | 'updated' | 'unchanged' | 'archived' | 'failed' | 'wouldCreate' | 'wouldUpdate' | 'wouldArchive';

/** What a planned action is reported as before (or without) writing: the dry-run words. */
export const DRY_RUN_ACTION: Readonly<Record<PlanAction, SyncAction>> = Object.freeze({
	create: 'wouldCreate',
	update: 'wouldUpdate',
	unchanged: 'unchanged',
	failed: 'failed',
});
