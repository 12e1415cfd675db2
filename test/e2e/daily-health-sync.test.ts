/**
 * The bundled Daily Health Sync workflow (workflows/daily-health-sync.json, exactly as shipped) in real n8n on
 * both hosts, against the sandbox: UniFi Sites + NinjaOne Devices -> Merge -> Health Score -> Daily Snapshot ->
 * Notion Sync into the Daily Health database (one row per site and day, keyed by Snapshot ID), plus the Critical
 * Sites output. Checks the snapshot values against the Health Score output, that a re-run on the same day writes
 * nothing, and that a snapshot from yesterday stays as it was while today's rows are added next to it.
 */
import { DateTime } from 'luxon';

import { hostVersions, poll } from './harness';
import { bundledWorkflow, expectEveryNodeRanOnce } from './pipelines';
import { useSandboxedN8n } from './sandboxCredentials';
import { NOTION_DEFAULT_RATE_LIMIT } from '../sandbox/notion';

const workflow = bundledWorkflow('daily-health-sync.json');
const errorLogger = bundledWorkflow('ops-error-logger.json');
const zone = (workflow.settings as { timezone: string }).timezone;

/** The Components text of a Health Score item, as the Daily Snapshot node writes it. */
const componentsText = (components: Record<string, { score: number | null }>) =>
	Object.entries(components)
		.map(([name, c]) => `${name} ${c.score === null ? '—' : c.score}`)
		.join(' · ');

describe.each(hostVersions())('Daily Health Sync on n8n %s', (version) => {
	// WiFi comes from every console through the Site Manager connector: no local console credential is involved.
	const ctx = useSandboxedN8n(version, ['unifi', 'ninjaone', 'notion', 'supabase']);
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => ctx.sandbox.supabase!.query<R>(sql, params);

	/** Writes the Notion emulator has served: pages (create/update/trash) and all writes (pages, databases, data sources). */
	const writes = () => {
		const s = ctx.sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, all: s.writes };
	};

	/** Turn rows into yesterday's snapshot, through the emulator's own page update (as a person editing them would). */
	async function moveToDay(pageIds: string[], siteIdOf: (pageId: string) => string, day: string): Promise<void> {
		const notion = ctx.sandbox.notion!;
		notion.setRateLimit('default', null);
		try {
			for (const id of pageIds) {
				const res = await notion.dispatch(
					{
						method: 'PATCH',
						path: `/v1/pages/${id}`,
						headers: { 'notion-version': '2025-09-03', 'content-type': 'application/json' },
						body: { properties: { 'Snapshot ID': { rich_text: [{ text: { content: `${siteIdOf(id)}:${day}` } }] }, Date: { date: { start: day } } } },
					},
					{ trusted: 'e2e-test' },
				);
				expect(res?.status).toBe(200);
			}
		} finally {
			notion.setRateLimit('default', { ...NOTION_DEFAULT_RATE_LIMIT });
		}
	}

	test('one snapshot row per site and day, Critical flagged, a same-day re-run writes nothing, yesterday stays', async () => {
		const world = ctx.sandbox.world;
		const today = DateTime.now().setZone(zone).toFormat('yyyy-MM-dd');
		const yesterday = DateTime.now().setZone(zone).minus({ days: 1 }).toFormat('yyyy-MM-dd');
		// The pipeline names the bundled error logger as its Error Workflow.
		await ctx.n8n.importWorkflow(errorLogger);
		const first = await ctx.n8n.run(workflow);
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');

		expectEveryNodeRanOnce(first, workflow);

		const scores = first.json('Health Score', 0);
		expect(scores).toHaveLength(world.sites.length);
		expect(new Set(scores.map((s) => s.status))).toEqual(new Set(['Healthy', 'Warning', 'Critical']));
		// Unmatched sites and organizations stay visible here too.
		expect(first.json('Unmatched Sites and Organizations')).toHaveLength(first.json('Health Score', 1).length);

		// The Daily Health database was created and holds one row per site for today, keyed <siteId>:<today>.
		const ensured = first.json('Ensure Database')[0];
		expect(ensured).toMatchObject({ action: 'created', title: 'Daily Health' });
		expect(first.json('Upsert Daily Health').map((u) => u.action)).toEqual(Array(world.sites.length).fill('created'));
		const rows = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(rows).toHaveLength(world.sites.length);
		const rowById = new Map(rows.map((r) => [r.properties['Snapshot ID'], r]));
		const mismatched: unknown[] = [];
		for (const s of scores) {
			const row = rowById.get(`${s.siteId}:${today}`);
			const expected = {
				Site: s.site,
				'Snapshot ID': `${s.siteId}:${today}`,
				'Site ID': s.siteId,
				Date: today,
				Score: s.score,
				Status: s.status,
				Critical: s.status === 'Critical',
				Components: componentsText(s.components as Record<string, { score: number | null }>),
				'Devices Offline': s.devicesOffline,
				'Weak WiFi Clients': s.weakWifiClients,
				'WAN Latency (ms)': s.wanLatencyMs,
				'Failed Patches': s.failedPatches,
				'Pending Patches': s.pendingPatches,
				'Active Threats': s.activeThreats,
				'Open Alerts': s.openAlerts,
				Summary: s.summary,
			};
			if (JSON.stringify(row?.properties) !== JSON.stringify(expected)) mismatched.push({ expected, got: row?.properties });
		}
		expect(mismatched).toEqual([]);
		// The snapshot carries real figures, not just nulls.
		expect(scores.some((s) => typeof s.wanLatencyMs === 'number')).toBe(true);
		expect(scores.some((s) => typeof s.openAlerts === 'number' && (s.openAlerts as number) > 0)).toBe(true);
		expect(rows[0].properties.Components).toMatch(/^devices (\d+(\.\d)?|—)( · [a-z]+ (\d+(\.\d)?|—))+$/);

		// Critical Sites lists exactly the sites flagged Critical.
		const critical = scores.filter((s) => s.status === 'Critical').map((s) => s.siteId as string);
		expect(critical.length).toBeGreaterThan(0);
		expect(first.json('Critical Sites').map((c) => c['Site ID']).sort()).toEqual([...critical].sort());
		expect(rows.filter((r) => r.properties.Critical === true).map((r) => r.properties['Site ID']).sort()).toEqual([...critical].sort());

		// Second run the same day: same data, nothing to write.
		let before = writes();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Ensure Database')[0]).toMatchObject({ action: 'unchanged', databaseId: ensured.databaseId });
		expect(second.json('Upsert Daily Health').map((u) => u.action)).toEqual(Array(world.sites.length).fill('unchanged'));
		expect(writes()).toEqual(before);
		expect(ctx.sandbox.notion!.rows(String(ensured.databaseId))).toHaveLength(world.sites.length);

		// Make today's rows yesterday's snapshot: the next run adds today's rows and leaves yesterday's as they are.
		const siteOf = new Map(rows.map((r) => [r.pageId, String(r.properties['Site ID'])]));
		await moveToDay(
			rows.map((r) => r.pageId),
			(id) => siteOf.get(id)!,
			yesterday,
		);
		const yesterdays = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(yesterdays.every((r) => r.properties.Date === yesterday && String(r.properties['Snapshot ID']).endsWith(`:${yesterday}`))).toBe(true);
		before = writes();
		const third = await ctx.n8n.run(workflow);
		expect(third.status).toBe('success');
		expect(third.json('Upsert Daily Health').map((u) => u.action)).toEqual(Array(world.sites.length).fill('created'));
		expect(writes().pages - before.pages).toBe(world.sites.length);
		const after = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(after).toHaveLength(2 * world.sites.length);
		// Yesterday's rows: untouched (values and last edit).
		expect(after.filter((r) => r.properties.Date === yesterday)).toEqual(yesterdays);
		// Today's: one per site again.
		expect(after.filter((r) => r.properties.Date === today).map((r) => r.properties['Snapshot ID']).sort()).toEqual(scores.map((s) => `${s.siteId}:${today}`).sort());

		// Ops log: every service node logged to Supabase without trouble.
		for (const result of [first, second, third]) {
			for (const name of ['UniFi Sites', 'UniFi Access Points', 'NinjaOne Organizations', 'NinjaOne Device Health', 'NinjaOne Alerts', 'Ensure Database', 'Upsert Daily Health']) {
				expect([name, result.json(name).filter((i) => 'opsLogError' in i).map((i) => i.opsLogError)]).toEqual([name, []]);
			}
		}
		// One summary row per run, with the counts the Notion Sync reported.
		const summaries = await db('select * from workflow_execution_logs order by finished_at');
		const n = world.sites.length;
		expect(summaries.map((r) => [r.pipeline, r.workflow_id, r.status, r.items_read, r.items_created, r.items_updated, r.items_unchanged, r.items_failed])).toEqual([
			['Daily Health Sync', workflow.id, 'success', n, n, 0, 0, 0],
			['Daily Health Sync', workflow.id, 'success', n, 0, 0, n, 0],
			['Daily Health Sync', workflow.id, 'success', n, n, 0, 0, 0],
		]);
		expect(summaries.every((r) => Number(r.duration_ms) > 0 && r.execution_id)).toBe(true);
		expect(await db('select * from recent_errors')).toEqual([]);
	}, 10 * 60_000);

	test('a failed scheduled run is logged by the node and by the Error Workflow, and shows in recent_errors', async () => {
		// n8n runs Error Workflows for production executions (not for manual or CLI runs), so this one runs on its
		// Schedule Trigger in `n8n start`: the shipped pipeline, with the trigger every 20 seconds instead of daily.
		const scheduled = JSON.parse(JSON.stringify(workflow)) as typeof workflow & { nodes: Array<{ name: string; parameters: Record<string, unknown> }> };
		scheduled.id = 'mspDailyHealthE2E';
		scheduled.nodes.find((n) => n.name === 'Daily at 06:00')!.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 20 }] } };
		await ctx.n8n.importWorkflow(scheduled);
		// Both published: n8n only calls an Error Workflow that is itself published (active).
		for (const id of [scheduled.id, errorLogger.id]) await ctx.n8n.publishWorkflow(id);

		// Notion refuses the token once: Ensure Database fails (401 is not retried) and the execution fails.
		ctx.sandbox.notion!.scriptFaults([{ status: 401, body: { object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.' } }]);
		await ctx.n8n.startServer();
		let logged: Array<Record<string, any>>;
		try {
			logged = await poll(
				'the Error Workflow to log the failed run',
				async () => {
					const rows = await db(`select * from workflow_execution_logs where status = 'failed'`);
					return rows.length ? rows : undefined;
				},
				3 * 60_000,
			);
		} finally {
			await ctx.n8n.stopServer();
		}
		expect(logged).toEqual([expect.objectContaining({ pipeline: 'Daily Health Sync', workflow_id: scheduled.id, started_at: null, error_message: expect.stringMatching(/Notion/) })]);
		const executionId = logged[0].execution_id as string;

		// The node's own ops log: the refused call and its error, in the same execution.
		expect(await db(`select status, ok from api_metrics where service = 'notion' and status = 401`)).toEqual([{ status: 401, ok: false }]);
		expect(await db(`select node_name, execution_id, context from integration_logs where service = 'notion' and level = 'error'`)).toEqual([
			{ node_name: 'Ensure Database', execution_id: executionId, context: expect.objectContaining({ kind: 'authentication', httpStatus: 401, code: 'unauthorized' }) },
		]);

		// Read back through the view an operator opens first.
		const errors = await db('select source, service, operation, message from recent_errors where execution_id = $1 order by source, service', [executionId]);
		expect(errors).toEqual([
			{ source: 'integration', service: 'n8n', operation: 'Ensure Database', message: expect.stringMatching(/Notion/) },
			{ source: 'integration', service: 'notion', operation: expect.any(String), message: expect.stringMatching(/Notion/) },
			{ source: 'workflow', service: 'n8n', operation: 'Daily Health Sync', message: expect.stringMatching(/Notion/) },
		]);
		const performance = await db('select failed_30d from workflow_performance');
		expect(performance).toEqual([{ failed_30d: '1' }]);
	}, 10 * 60_000);
});
