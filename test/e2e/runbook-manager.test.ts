/**
 * The bundled Runbook Manager workflow (workflows/runbook-manager.json, exactly as shipped) in real n8n on both
 * hosts, against the sandbox's seeded Runbooks database: Ensure Runbooks -> All Runbooks -> Review Schedule ->
 * Update Runbooks, and Needs Review -> Review Reminders. Checks every seeded runbook's Next Review, Review Status
 * and Days Overdue in Notion (computed here in the workflow's time zone), the reminders, the run summary in
 * Supabase, and that a re-run on the same day writes nothing to Notion.
 */

import { DateTime } from 'luxon';

import { hostVersions } from './harness';
import { bundledWorkflow, expectEveryNodeRanOnce } from './pipelines';
import { useSandboxedN8n } from './sandboxCredentials';
import type { SeededRunbook } from '../sandbox/workspace';

const workflow = bundledWorkflow('runbook-manager.json');
const errorLogger = bundledWorkflow('ops-error-logger.json');

interface Expected {
	nextReview: string | null;
	status: SeededRunbook['status'];
	daysOverdue: number | null;
}

/**
 * What the workflow must compute for a seeded runbook when it runs on `today` (a day in the workflow's zone `zone`).
 * A never-reviewed runbook keeps the Next Review an earlier run gave it (`flaggedOn`), else gets today.
 */
function expectedFor(rb: SeededRunbook, today: DateTime, zone: string, flaggedOn?: string): Expected {
	if (rb.lastReview === null) {
		const since = flaggedOn ? DateTime.fromISO(flaggedOn, { zone }) : today;
		return { nextReview: since.toISODate(), status: 'Never Reviewed', daysOverdue: Math.max(0, Math.round(today.diff(since, 'days').days)) };
	}
	if (rb.intervalDays === null || !Number.isInteger(rb.intervalDays) || rb.intervalDays <= 0) return { nextReview: null, status: 'Invalid Interval', daysOverdue: null };
	const next = DateTime.fromISO(rb.lastReview, { zone }).plus({ days: rb.intervalDays });
	const days = Math.round(today.diff(next, 'days').days);
	const status = days > 0 ? 'Overdue' : days >= -14 ? 'Due Soon' : 'Current';
	return { nextReview: next.toISODate(), status, daysOverdue: Math.max(0, days) };
}

/** The computed columns of every row in Notion, by Runbook ID; Review Status is empty for an invalid interval. */
const asInNotion = (e: Expected) => ({ ...e, status: e.status === 'Invalid Interval' ? null : e.status });

describe.each(hostVersions())('Runbook Manager on n8n %s', (version) => {
	const ctx = useSandboxedN8n(version, ['notion', 'supabase']);
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => ctx.sandbox.supabase!.query<R>(sql, params);
	const today = (zone: string) => DateTime.now().setZone(zone).startOf('day');
	const computed = () =>
		Object.fromEntries(
			ctx.sandbox.notion!.rows(ctx.sandbox.workspace!.runbooks.dataSourceId).map((r) => [
				r.properties['Runbook ID'] as string,
				{ nextReview: r.properties['Next Review'], status: r.properties['Review Status'], daysOverdue: r.properties['Days Overdue'] },
			]),
		);

	test('schedules every runbook in Notion, lists the reminders, and a re-run writes nothing', async () => {
		const seeded = ctx.sandbox.workspace!.runbooks;
		await ctx.n8n.importWorkflow(errorLogger);
		const zone = workflow.settings.timezone ?? 'UTC';
		const day = today(zone);
		// The runbooks' query meets a 503 and a row write a 429 (Retry-After 1 s): both are retried, and everything
		// below is as if nothing had happened.
		const refused = () => ({ 503: ctx.sandbox.notion!.statusCounters.get(503) ?? 0, 429: ctx.sandbox.notion!.statusCounters.get(429) ?? 0 });
		const refusedBefore = refused();
		ctx.sandbox.notion!.scriptFaults([{ status: 503 }], /^POST \/v1\/data_sources\/[^/]+\/query/);
		ctx.sandbox.notion!.scriptFaults([{ status: 429, headers: { 'retry-after': '1' } }], /^PATCH \/v1\/pages/);
		const first = await ctx.n8n.run(workflow);
		expect(refused()).toEqual({ 503: refusedBefore[503] + 1, 429: refusedBefore[429] + 1 });
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		// The run must not have crossed midnight in the workflow's zone, or "today" below is not the workflow's.
		expect(today(zone).toISODate()).toBe(day.toISODate());

		expectEveryNodeRanOnce(first, workflow);
		// The reminders branch (above on the canvas) runs before Update Runbooks and the summary (v1 order).
		const started = (n: string) => first.runData[n][0].startTime!;
		expect(started('Review Reminders')).toBeLessThanOrEqual(started('Update Runbooks'));
		expect(started('Update Runbooks')).toBeLessThanOrEqual(started('Log Run Summary'));

		// Ensure Runbooks found the seeded database (by title) rather than creating one.
		expect(first.json('Ensure Runbooks')[0]).toMatchObject({ action: 'unchanged', databaseId: seeded.databaseId, dataSourceId: seeded.dataSourceId });
		expect(first.json('All Runbooks')).toHaveLength(seeded.rows.length);

		// Notion: the computed columns of every seeded row, as computed here in the workflow's zone; the seed's
		// status holds on any day.
		const expected = new Map(seeded.rows.map((rb) => [rb.id, expectedFor(rb, day, zone)]));
		for (const rb of seeded.rows) expect([rb.id, expected.get(rb.id)!.status]).toEqual([rb.id, rb.status]);
		const rows = ctx.sandbox.notion!.rows(seeded.dataSourceId);
		expect(rows).toHaveLength(seeded.rows.length);
		expect(computed()).toEqual(Object.fromEntries([...expected].map(([id, e]) => [id, asInNotion(e)])));
		// Nothing but the computed columns was touched: the seeded Last Review and interval are as seeded.
		for (const rb of seeded.rows) {
			const row = rows.find((r) => r.properties['Runbook ID'] === rb.id)!;
			expect([rb.id, row.properties['Last Review'], row.properties['Review Interval (Days)']]).toEqual([rb.id, rb.lastReview, rb.intervalDays]);
		}
		const upserts = first.json('Update Runbooks');
		// The unschedulable rows had nothing to clear.
		const invalid = seeded.rows.filter((rb) => rb.status === 'Invalid Interval').length;
		expect(invalid).toBe(2);
		expect(upserts.map((u) => [u.key, u.action])).toEqual(seeded.rows.map((rb) => [rb.id, rb.status === 'Invalid Interval' ? 'unchanged' : 'updated']));

		// Reminders: exactly the overdue, due-soon, never-reviewed and unschedulable runbooks, with owner and message.
		const reminders = first.json('Review Reminders');
		const toReview = seeded.rows.filter((rb) => rb.status !== 'Current');
		expect(reminders.map((r) => r.runbookId)).toEqual(toReview.map((rb) => rb.id));
		const owners = Object.fromEntries(rows.map((r) => [r.properties['Runbook ID'], { owner: r.properties.Owner, runbook: r.properties.Runbook }]));
		for (const rb of toReview) {
			const reminder = reminders.find((r) => r.runbookId === rb.id)!;
			const e = expected.get(rb.id)!;
			expect(reminder).toMatchObject({
				...owners[rb.id],
				status: rb.status,
				nextReview: e.nextReview,
				daysOverdue: e.daysOverdue,
				url: expect.stringMatching(/^https?:\/\//),
				subject: `Runbook review: ${owners[rb.id].runbook as string} (${rb.status})`,
			});
			expect(reminder.message).toContain(`"${owners[rb.id].runbook as string}" (${rb.id})`);
			expect(reminder.message).toContain(reminder.url as string);
			const says = {
				Overdue: `is ${e.daysOverdue} day${e.daysOverdue === 1 ? '' : 's'} overdue for review (due ${e.nextReview})`,
				'Due Soon': `is due for review on ${e.nextReview}`,
				'Never Reviewed': 'has never been reviewed',
				'Invalid Interval': 'cannot be scheduled for review: Review Interval (Days) is ',
				Current: '',
			}[rb.status];
			expect(reminder.message).toContain(says);
		}
		expect(reminders.find((r) => r.runbookId === 'RB-007')!.problem).toBe('Review Interval (Days) is -30, not a whole number of days above 0');
		expect(reminders.find((r) => r.runbookId === 'RB-008')!.problem).toBe('Review Interval (Days) is empty');

		// Second run on the same day: every row unchanged, no page written.
		const stats = () => ctx.sandbox.notion!.getStats();
		const before = stats();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Update Runbooks').map((u) => u.action)).toEqual(Array(seeded.rows.length).fill('unchanged'));
		const after = stats();
		expect([after.pageCreates, after.pageUpdates, after.pageTrashes, after.writes]).toEqual([before.pageCreates, before.pageUpdates, before.pageTrashes, before.writes]);
		expect(second.json('Review Reminders').map((r) => r.runbookId)).toEqual(toReview.map((rb) => rb.id));

		// Ops log: the Notion Sync nodes logged without trouble, and one summary row per run.
		for (const result of [first, second]) {
			for (const name of ['Ensure Runbooks', 'All Runbooks', 'Update Runbooks']) {
				expect([name, result.json(name).filter((i) => 'opsLogError' in i).map((i) => i.opsLogError)]).toEqual([name, []]);
			}
		}
		const n = seeded.rows.length;
		const summaries = await db('select * from workflow_execution_logs order by finished_at');
		expect(summaries.map((r) => [r.pipeline, r.workflow_id, r.status, r.items_read, r.items_created, r.items_updated, r.items_unchanged, r.items_failed])).toEqual([
			['Runbook Manager', workflow.id, 'success', n, 0, n - invalid, invalid, 0],
			['Runbook Manager', workflow.id, 'success', n, 0, 0, n, 0],
		]);
		expect(summaries.every((r) => Number(r.duration_ms) > 0 && r.execution_id)).toBe(true);
		expect(await db('select * from recent_errors')).toEqual([]);
	}, 10 * 60_000);

	test("counts days in the workflow's time zone, and keeps a never-reviewed runbook's first Next Review", async () => {
		// The same pipeline in UTC+14, where the day starts 19 hours before New York's: for most of the UTC day it
		// is already tomorrow there, so every date count moves by one. Runs on the rows the first test scheduled.
		const seeded = ctx.sandbox.workspace!.runbooks;
		const zone = 'Pacific/Kiritimati';
		const shifted = { ...JSON.parse(JSON.stringify(workflow)), id: 'mspRunbookMgrTZ01', settings: { ...workflow.settings, timezone: zone } } as typeof workflow;
		const flaggedOn = computed()['RB-005'].nextReview as string;
		expect(flaggedOn).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
		const day = today(zone);
		const result = await ctx.n8n.run(shifted);
		expect(result.status).toBe('success');
		expect(today(zone).toISODate()).toBe(day.toISODate());
		const expected = Object.fromEntries(seeded.rows.map((rb) => [rb.id, asInNotion(expectedFor(rb, day, zone, flaggedOn))]));
		expect(computed()).toEqual(expected);
		expect(result.json('Review Reminders').map((r) => [r.runbookId, r.status, r.daysOverdue])).toEqual(
			seeded.rows.filter((rb) => rb.status !== 'Current').map((rb) => [rb.id, rb.status, expected[rb.id].daysOverdue]),
		);
		expect(result.json('Update Runbooks').filter((u) => u.action === 'failed')).toEqual([]);
	}, 10 * 60_000);
});
