import { evaluateChange, evaluatePromotion } from '../../../lib/gate';
import { parseDatabaseSchema } from '../../../lib/notion';
import { PIPELINE_DATABASES } from '../../../lib/pipelines/notionDatabases';
import { description as ensureDescription } from '../../../nodes/NotionSync/actions/database/ensure.operation';
import { startSandbox, type Sandbox } from '../../sandbox';

/**
 * The pipelines' Notion databases (schema presets) and the rows the sandbox seeds into them: each preset is a
 * valid schema with its key column, the Notion Sync node offers every preset, and each seeded change request and
 * pipeline item gets from the Maker/Checker Gate's rules the decision the e2e tests and `npm start` expect of it.
 */
describe('pipeline databases', () => {
	test.each(PIPELINE_DATABASES.map((d) => [d.preset, d] as const))('%s is a valid schema that has its key column', (_preset, db) => {
		const schema = parseDatabaseSchema(db.schema());
		expect(schema.map((p) => p.name)).toContain(db.key);
		expect(['rich_text', 'title']).toContain(schema.find((p) => p.name === db.key)!.type);
	});

	test('titles and presets are unique, and Ensure Database lists every preset', () => {
		expect(new Set(PIPELINE_DATABASES.map((d) => d.title)).size).toBe(PIPELINE_DATABASES.length);
		const schemaSource = ensureDescription.find((p) => p.name === 'schemaSource')!;
		const values = (schemaSource.options as Array<{ value: string }>).map((o) => o.value);
		expect(values).toEqual(['custom', ...PIPELINE_DATABASES.map((d) => d.preset)]);
	});
});

describe('the seeded workspace', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['notion'] });
	});
	afterAll(async () => sandbox?.stop());

	const rows = (id: string) => sandbox.notion!.rows(id).map((r) => r.properties as Record<string, any>);
	const byId = (list: Array<Record<string, any>>, key: string) => new Map(list.map((r) => [String(r[key]), r]));
	/** A date property as the emulator flattens it: an ISO string, or {start, end}. */
	const dateStart = (v: unknown) => (v && typeof v === 'object' ? (v as { start?: string }).start : (v as string | null | undefined));
	const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

	test('each proposed change gets the decision it is seeded for', () => {
		const ws = sandbox.workspace!.configChanges;
		const seeded = byId(rows(ws.dataSourceId), 'Change ID');
		expect(seeded.size).toBe(ws.proposed.length + ws.otherRows);
		for (const change of ws.proposed) {
			const row = seeded.get(change.id)!;
			expect(row.Status).toBe('Proposed');
			const vlans = text(row['VLAN IDs'])?.split(',').map((v) => Number(v.trim()));
			const result = evaluateChange({
				maker: row.Maker,
				sites: String(row.Sites).split(',').map((s) => s.trim()),
				changeType: row['Change Type'],
				risk: row.Risk,
				description: row.Change,
				rollbackPlan: text(row['Rollback Plan']),
				...(vlans ? { vlanIds: vlans } : {}),
			});
			expect([change.id, result.decision, result.reasons.map((r) => r.code)]).toEqual([change.id, change.expect, change.codes]);
		}
	});

	test('each requested pipeline item gets the stage gate decision it is seeded for', () => {
		const ws = sandbox.workspace!.azurePipeline;
		const seeded = byId(rows(ws.dataSourceId), 'Item ID');
		expect(seeded.size).toBe(ws.requested.length + ws.otherRows);
		for (const item of ws.requested) {
			const row = seeded.get(item.id)!;
			expect([row.Status, row.Stage, row['Promote To']]).toEqual(['Requested', item.from, item.to]);
			const counts = typeof row['Checks Passed'] === 'number' || typeof row['Checks Failed'] === 'number';
			const result = evaluatePromotion(
				{
					item: row['Item ID'],
					from: row.Stage,
					to: row['Promote To'],
					maker: row.Maker,
					...(counts ? { validation: { passed: row['Checks Passed'] ?? 0, failed: row['Checks Failed'] ?? 0 } } : {}),
					enteredFromStageAt: dateStart(row['Entered Stage At']),
					rollback: row.Rollback === true,
				},
				new Date(),
			);
			expect([item.id, result.decision, result.reasons.map((r) => r.code)]).toEqual([item.id, item.expect, item.codes]);
		}
	});

	test('every runbook is seeded with its owner, interval and last review', () => {
		const ws = sandbox.workspace!.runbooks;
		const seeded = byId(rows(ws.dataSourceId), 'Runbook ID');
		for (const rb of ws.rows) {
			const row = seeded.get(rb.id)!;
			expect(row['Review Interval (Days)']).toBe(rb.intervalDays);
			expect(row.Owner).toMatch(/@msp\.example$/);
		}
		// Every review status, and rows with an unusable interval that the pipeline must list rather than fail on.
		expect(new Set(ws.rows.map((r) => r.status))).toEqual(new Set(['Current', 'Due Soon', 'Overdue', 'Never Reviewed', 'Invalid Interval']));
	});
});
