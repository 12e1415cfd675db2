import { DateTime } from 'luxon';
import {
	AZURE_PIPELINE_DATABASE,
	CONFIG_CHANGES_DATABASE,
	RUNBOOKS_DATABASE,
	type PipelineDatabase,
} from '../../lib/pipelines/notionDatabases';
import { propertyConfig } from '../../lib/notion/ensureDatabase';
import type { NotionEmulator } from './notion';
import type { World } from './world';

/**
 * The Notion databases an MSP team already keeps before it installs the pipelines: change requests, Azure pipeline
 * items and runbooks, under the sandbox's parent page. The pipelines find them by title (Ensure Database) and work
 * on their rows. Each seeded row is there for one path of its pipeline; the e2e tests and `npm start` read the
 * expectations off `SeededWorkspace`.
 *
 * Dates are relative to `now`, so a seeded runbook is overdue, or a pipeline item has soaked, on any day.
 */

export const MAKER = 'alice@msp.example';
export const CHECKERS = ['bob@msp.example', 'carol@msp.example'] as const;

export interface SeededChange {
	id: string;
	/** What the Maker/Checker Gate decides for it. */
	expect: 'approved' | 'needsApproval' | 'rejected';
	/** Reason codes the gate gives. */
	codes: string[];
}

export interface SeededPromotion {
	id: string;
	expect: 'approved' | 'needsApproval' | 'rejected';
	codes: string[];
	from: string;
	to: string;
}

export interface SeededRunbook {
	id: string;
	/** Review status on the seeding day (the pipeline computes it; days count in the workflow's time zone). */
	status: 'Current' | 'Due Soon' | 'Overdue' | 'Never Reviewed' | 'Invalid Interval';
	lastReview: string | null;
	/** Malformed on purpose for some rows (missing or negative): the pipeline leaves them unscheduled and lists them. */
	intervalDays: number | null;
}

export interface SeededWorkspace {
	configChanges: { databaseId: string; dataSourceId: string; proposed: SeededChange[]; otherRows: number };
	azurePipeline: { databaseId: string; dataSourceId: string; requested: SeededPromotion[]; otherRows: number };
	runbooks: { databaseId: string; dataSourceId: string; rows: SeededRunbook[] };
}

/** The database as Ensure Database would create it (the same property configuration), seeded without API calls. */
function createSeeded(notion: NotionEmulator, db: PipelineDatabase) {
	const properties = Object.fromEntries(db.schema().map((p) => [p.name, propertyConfig(p)]));
	return notion.seedDatabase({ title: db.title, properties });
}

export function seedWorkspace(notion: NotionEmulator, world: World, now: Date = new Date()): SeededWorkspace {
	const today = DateTime.fromJSDate(now, { zone: 'UTC' }).startOf('day');
	const date = (days: number) => today.plus({ days }).toISODate();
	const at = (hours: number) => DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ hours }).toISO({ suppressMilliseconds: true });
	const siteIds = world.sites.map((s) => s.unifi.siteId);
	const sites = (n: number, offset = 0) => siteIds.slice(offset, offset + n).join(', ');

	// ---- Config Changes: every gate outcome, plus rows the pipeline must leave alone.
	const changes = createSeeded(notion, CONFIG_CHANGES_DATABASE);
	const proposed: Array<SeededChange & { row: Record<string, unknown> }> = [
		{
			id: 'CHG-1001',
			expect: 'approved',
			codes: ['autoApproved'],
			row: { Change: 'Camera VLAN 30 at one site', 'Change Type': 'vlan', Risk: 'LOW', Sites: sites(1), 'VLAN IDs': '30' },
		},
		{
			id: 'CHG-1002',
			expect: 'rejected',
			codes: ['reservedVlan'],
			row: { Change: 'Move printers to VLAN 1', 'Change Type': 'vlan', Risk: 'MEDIUM', Sites: sites(2, 3), 'VLAN IDs': '1, 40' },
		},
		{
			id: 'CHG-1003',
			expect: 'needsApproval',
			codes: ['bulkChange'],
			row: { Change: 'Guest WiFi band steering at twelve sites', 'Change Type': 'wifi', Risk: 'MEDIUM', Sites: sites(12, 10) },
		},
		{
			id: 'CHG-1004',
			expect: 'rejected',
			codes: ['rollbackPlanMissing'],
			row: { Change: 'Open RDP from the vendor network', 'Change Type': 'firewall', Risk: 'HIGH', Sites: sites(1, 30) },
		},
		{
			id: 'CHG-1005',
			expect: 'needsApproval',
			codes: ['riskNeedsApproval'],
			row: {
				Change: 'Gateway firmware 4.1.13 at three sites',
				'Change Type': 'firmware',
				Risk: 'HIGH',
				Sites: sites(3, 40),
				'Rollback Plan': 'Downgrade to 4.0.21 from the console backup; 10 minutes per site',
			},
		},
		{
			// A second bulk change, so a test can show that an answer the gate refuses (the maker approving their own
			// change) does not approve it, while the other two waiting changes are decided by their checkers.
			id: 'CHG-1006',
			expect: 'needsApproval',
			codes: ['bulkChange'],
			row: { Change: 'Printer VLAN 40 at eleven sites', 'Change Type': 'vlan', Risk: 'LOW', Sites: sites(11, 60), 'VLAN IDs': '40' },
		},
	];
	notion.seedRows(changes.dataSourceId, [
		...proposed.map((c) => ({ 'Change ID': c.id, Maker: MAKER, Status: 'Proposed', ...c.row })),
		// Decided before: not read again.
		{ Change: 'IoT VLAN 50 at two sites', 'Change ID': 'CHG-0999', Maker: MAKER, Status: 'Approved', 'Change Type': 'vlan', Risk: 'LOW', Sites: sites(2, 50), 'VLAN IDs': '50', 'Decided By': CHECKERS[0], 'Decided At': at(-72) },
	]);

	// ---- Azure Pipeline: each stage gate, up and down.
	const pipeline = createSeeded(notion, AZURE_PIPELINE_DATABASE);
	const requested: Array<SeededPromotion & { row: Record<string, unknown> }> = [
		{ id: 'AZ-201', expect: 'approved', codes: ['validationPassed'], from: 'lab', to: 'prod', row: { Item: 'Baseline firewall policy v3', Kind: 'template', 'Checks Passed': 14, 'Checks Failed': 0, 'Entered Stage At': at(-30) } },
		{ id: 'AZ-202', expect: 'rejected', codes: ['validationFailed'], from: 'lab', to: 'prod', row: { Item: 'Branch VPN template v2', Kind: 'template', 'Checks Passed': 9, 'Checks Failed': 2, 'Entered Stage At': at(-20) } },
		{ id: 'AZ-203', expect: 'needsApproval', codes: ['customerApproval'], from: 'prod', to: 'customer', row: { Item: 'Conditional access baseline', Kind: 'template', 'Checks Passed': 22, 'Checks Failed': 0, 'Entered Stage At': at(-72) } },
		{ id: 'AZ-204', expect: 'rejected', codes: ['soakIncomplete'], from: 'prod', to: 'customer', row: { Item: 'Defender ASR rules update', Kind: 'change', 'Checks Passed': 8, 'Checks Failed': 0, 'Entered Stage At': at(-3) } },
		{ id: 'AZ-205', expect: 'rejected', codes: ['stageSkipped'], from: 'lab', to: 'customer', row: { Item: 'Intune compliance policy v5', Kind: 'template', 'Checks Passed': 11, 'Checks Failed': 0, 'Entered Stage At': at(-50) } },
		{ id: 'AZ-206', expect: 'approved', codes: ['rollback'], from: 'customer', to: 'prod', row: { Item: 'Legacy SMB signing change', Kind: 'change', Rollback: true, 'Entered Stage At': at(-200) } },
	];
	notion.seedRows(pipeline.dataSourceId, [
		...requested.map((p) => ({ 'Item ID': p.id, Maker: MAKER, Stage: p.from, 'Promote To': p.to, Status: 'Requested', ...p.row })),
		{ Item: 'Backup retention policy v1', 'Item ID': 'AZ-190', Kind: 'template', Stage: 'customer', Maker: MAKER, Status: 'Promoted', 'Checks Passed': 6, 'Checks Failed': 0, 'Entered Stage At': at(-400), 'Decided By': CHECKERS[1], 'Decided At': at(-400) },
	]);

	// ---- Runbooks: every review status, and two rows whose interval cannot schedule a review.
	const runbooksDb = createSeeded(notion, RUNBOOKS_DATABASE);
	const runbooks: Array<SeededRunbook & { title: string; owner: string }> = [
		{ id: 'RB-001', title: 'Site onboarding', owner: 'dana@msp.example', lastReview: date(-10), intervalDays: 90, status: 'Current' },
		{ id: 'RB-002', title: 'Firewall change window', owner: 'erik@msp.example', lastReview: date(-80), intervalDays: 90, status: 'Due Soon' },
		{ id: 'RB-003', title: 'Ransomware response', owner: 'dana@msp.example', lastReview: date(-45), intervalDays: 30, status: 'Overdue' },
		{ id: 'RB-004', title: 'ISP outage escalation', owner: 'fay@msp.example', lastReview: date(-200), intervalDays: 180, status: 'Overdue' },
		{ id: 'RB-005', title: 'New hire laptop', owner: 'erik@msp.example', lastReview: null, intervalDays: 180, status: 'Never Reviewed' },
		{ id: 'RB-006', title: 'Backup restore test', owner: 'fay@msp.example', lastReview: date(0), intervalDays: 30, status: 'Current' },
		{ id: 'RB-007', title: 'Printer fleet firmware', owner: 'dana@msp.example', lastReview: date(-20), intervalDays: -30, status: 'Invalid Interval' },
		{ id: 'RB-008', title: 'VPN certificate renewal', owner: 'fay@msp.example', lastReview: date(-5), intervalDays: null, status: 'Invalid Interval' },
	];
	notion.seedRows(
		runbooksDb.dataSourceId,
		runbooks.map((r) => ({ Runbook: r.title, 'Runbook ID': r.id, Owner: r.owner, 'Last Review': r.lastReview, 'Review Interval (Days)': r.intervalDays })),
	);

	return {
		configChanges: { ...changes, proposed: proposed.map(({ row: _row, ...c }) => c), otherRows: 1 },
		azurePipeline: { ...pipeline, requested: requested.map(({ row: _row, ...p }) => p), otherRows: 1 },
		runbooks: { ...runbooksDb, rows: runbooks.map(({ title: _t, owner: _o, ...r }) => r) },
	};
}
