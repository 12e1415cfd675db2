import { HEALTH_STATUSES, SITE_HEALTH_KEY, siteHealthSchema } from '../health/dashboard';
import { RISK_LEVELS } from '../config';
import type { SchemaProperty } from '../notion/schema';

/**
 * The Notion databases of the bundled pipelines: one definition each, used by the Notion Sync node's schema presets
 * (Ensure Database), by the workflows in workflows/ (which write these columns) and by the sandbox (which seeds the
 * databases a team would already keep: change requests, pipeline items, runbooks).
 *
 * Ensure Database adds missing columns and select options and never removes or retypes one, so a team may add its
 * own columns to any of these.
 */

export interface PipelineDatabase {
	/** The Notion Sync schema preset value. */
	preset: string;
	/** Name of the preset in the node's Schema list. */
	presetName: string;
	presetDescription: string;
	/** Default database title (the bundled workflows use it; Ensure Database finds an existing one by it). */
	title: string;
	/** The column rows are matched on. */
	key: string;
	schema(): SchemaProperty[];
}

/** Statuses of a change request row; the pipeline reads `Proposed` rows and writes the others. */
export const CHANGE_STATUSES = ['Proposed', 'Awaiting Approval', 'Approved', 'Rejected', 'Expired'] as const;
/** Statuses of an Azure Pipeline item; the pipeline reads `Requested` rows and writes the others. */
export const PROMOTION_STATUSES = ['Requested', 'Promoted', 'Blocked', 'Awaiting Approval', 'Rejected', 'Expired'] as const;
export const PIPELINE_STAGES = ['lab', 'prod', 'customer'] as const;
/** Review states of a runbook, from the review interval and the last review. */
export const REVIEW_STATUSES = ['Current', 'Due Soon', 'Overdue', 'Never Reviewed'] as const;

const options = (values: readonly string[]) => [...values];

export const CUSTOMER_STATUS_DATABASE: PipelineDatabase = {
	preset: 'siteHealth',
	presetName: 'Customer Status (Site Health)',
	presetDescription: "One row per site: one column per Health Score output field (Site, Site ID, Status, Score, ...), matching the Health Score node's output",
	title: 'Customer Status',
	key: SITE_HEALTH_KEY,
	schema: () => siteHealthSchema(),
};

export const DAILY_HEALTH_DATABASE: PipelineDatabase = {
	preset: 'dailyHealth',
	presetName: 'Daily Health Snapshots',
	presetDescription: 'One row per site and day (key Snapshot ID = site id:date), so history accumulates and a re-run on the same day updates its row',
	title: 'Daily Health',
	key: 'Snapshot ID',
	schema: () => [
		{ name: 'Site', type: 'title' },
		{ name: 'Snapshot ID', type: 'rich_text' },
		{ name: 'Site ID', type: 'rich_text' },
		{ name: 'Date', type: 'date' },
		{ name: 'Score', type: 'number' },
		{ name: 'Status', type: 'select', options: options(HEALTH_STATUSES) },
		{ name: 'Critical', type: 'checkbox' },
		{ name: 'Components', type: 'rich_text' },
		{ name: 'Devices Offline', type: 'number' },
		{ name: 'Weak WiFi Clients', type: 'number' },
		{ name: 'WAN Latency (ms)', type: 'number' },
		{ name: 'Failed Patches', type: 'number' },
		{ name: 'Pending Patches', type: 'number' },
		{ name: 'Active Threats', type: 'number' },
		{ name: 'Open Alerts', type: 'number' },
		{ name: 'Summary', type: 'rich_text' },
	],
};

export const CONFIG_CHANGES_DATABASE: PipelineDatabase = {
	preset: 'configChanges',
	presetName: 'Config Changes',
	presetDescription: 'Change requests for the Maker/Checker Gate: sites, type, risk, rollback plan, VLANs, and the decision written back',
	title: 'Config Changes',
	key: 'Change ID',
	schema: () => [
		{ name: 'Change', type: 'title' },
		{ name: 'Change ID', type: 'rich_text' },
		{ name: 'Maker', type: 'email' },
		{ name: 'Sites', type: 'rich_text' },
		{ name: 'Change Type', type: 'select', options: ['vlan', 'wifi', 'firewall', 'firmware', 'other'] },
		{ name: 'Risk', type: 'select', options: options(RISK_LEVELS) },
		{ name: 'Rollback Plan', type: 'rich_text' },
		{ name: 'VLAN IDs', type: 'rich_text' },
		{ name: 'Status', type: 'select', options: options(CHANGE_STATUSES) },
		{ name: 'Reasons', type: 'rich_text' },
		{ name: 'Approval Link', type: 'url' },
		{ name: 'Request ID', type: 'rich_text' },
		{ name: 'Decided By', type: 'email' },
		{ name: 'Decided At', type: 'date' },
	],
};

export const AZURE_PIPELINE_DATABASE: PipelineDatabase = {
	preset: 'azurePipeline',
	presetName: 'Azure Pipeline',
	presetDescription: 'Templates and changes moving Lab -> Prod -> Customer: stage, requested stage, validation results, timestamps, the gate decision',
	title: 'Azure Pipeline',
	key: 'Item ID',
	schema: () => [
		{ name: 'Item', type: 'title' },
		{ name: 'Item ID', type: 'rich_text' },
		{ name: 'Kind', type: 'select', options: ['template', 'change'] },
		{ name: 'Stage', type: 'select', options: options(PIPELINE_STAGES) },
		{ name: 'Promote To', type: 'select', options: options(PIPELINE_STAGES) },
		{ name: 'Maker', type: 'email' },
		{ name: 'Checks Passed', type: 'number' },
		{ name: 'Checks Failed', type: 'number' },
		{ name: 'Entered Stage At', type: 'date' },
		{ name: 'Rollback', type: 'checkbox' },
		{ name: 'Status', type: 'select', options: options(PROMOTION_STATUSES) },
		{ name: 'Reasons', type: 'rich_text' },
		{ name: 'Approval Link', type: 'url' },
		{ name: 'Request ID', type: 'rich_text' },
		{ name: 'Decided By', type: 'email' },
		{ name: 'Decided At', type: 'date' },
	],
};

export const RUNBOOKS_DATABASE: PipelineDatabase = {
	preset: 'runbooks',
	presetName: 'Runbooks',
	presetDescription: 'Runbooks with owner, last review and review interval; the pipeline writes the next review date and the review status',
	title: 'Runbooks',
	key: 'Runbook ID',
	schema: () => [
		{ name: 'Runbook', type: 'title' },
		{ name: 'Runbook ID', type: 'rich_text' },
		{ name: 'Owner', type: 'email' },
		{ name: 'Last Review', type: 'date' },
		{ name: 'Review Interval (Days)', type: 'number' },
		{ name: 'Next Review', type: 'date' },
		{ name: 'Review Status', type: 'select', options: options(REVIEW_STATUSES) },
		{ name: 'Days Overdue', type: 'number' },
	],
};

/** Every preset, in the order the node lists them. */
export const PIPELINE_DATABASES: readonly PipelineDatabase[] = Object.freeze([
	CUSTOMER_STATUS_DATABASE,
	DAILY_HEALTH_DATABASE,
	CONFIG_CHANGES_DATABASE,
	AZURE_PIPELINE_DATABASE,
	RUNBOOKS_DATABASE,
]);

export function pipelineDatabase(preset: string): PipelineDatabase | undefined {
	return PIPELINE_DATABASES.find((d) => d.preset === preset);
}
