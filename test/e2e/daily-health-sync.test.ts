/**
 * The bundled Daily Health Sync workflow (workflows/daily-health-sync.json, exactly as shipped) in real n8n on
 * both hosts, against the sandbox: UniFi Sites + NinjaOne Devices -> Merge -> Health Score -> Notion Sync.
 * Checks the scores against the sandbox world (one per site, all three statuses, the generated profiles), the
 * Unmatched output, the Notion dashboard rows, and that a second run reports every row unchanged and writes
 * nothing to Notion.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostVersions, poll } from './harness';
import { useSandboxedN8n } from './sandboxCredentials';

const readWorkflow = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'workflows', file), 'utf8')) as Record<string, unknown> & { id: string };
const workflow = readWorkflow('daily-health-sync.json');
const errorLogger = readWorkflow('ops-error-logger.json');

describe.each(hostVersions())('Daily Health Sync on n8n %s', (version) => {
	// WiFi comes from every console through the Site Manager connector: no local console credential is involved.
	const ctx = useSandboxedN8n(version, ['unifi', 'ninjaone', 'notion', 'supabase']);
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => ctx.sandbox.supabase!.query<R>(sql, params);

	/** Writes the Notion emulator has served: pages (create/update/trash) and all writes (pages, databases, data sources). */
	const writes = () => {
		const s = ctx.sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, all: s.writes };
	};

	test('scores every site, syncs them into Notion, and a re-run writes nothing', async () => {
		const world = ctx.sandbox.world;
		// The pipeline names the bundled error logger as its Error Workflow.
		await ctx.n8n.importWorkflow(errorLogger);
		const first = await ctx.n8n.run(workflow);
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');

		// Every node ran exactly once (the fetch nodes call their API once, not per incoming item); the Schedule
		// Trigger does not run in a CLI execution.
		const nodeNames = (workflow.nodes as Array<{ name: string; type: string }>).filter((n) => n.type !== 'n8n-nodes-base.scheduleTrigger').map((n) => n.name);
		expect(first.nodesRun.sort()).toEqual([...nodeNames].sort());
		expect(nodeNames.filter((n) => first.runData[n].length !== 1)).toEqual([]);

		// Health Score: one item per UniFi site, statuses as the world generated them.
		const scores = first.json('Health Score', 0);
		expect(scores).toHaveLength(world.sites.length);
		const byId = new Map(scores.map((s) => [s.siteId, s]));
		const expected = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' } as const;
		const mismatched = world.sites.filter((s) => byId.get(s.unifi.siteId)?.status !== expected[s.profile]).map((s) => s.customerName);
		expect(mismatched).toEqual([]);
		expect(new Set(scores.map((s) => s.status))).toEqual(new Set(['Healthy', 'Warning', 'Critical']));
		const critical = scores.find((s) => s.status === 'Critical')!;
		expect(critical.summary).toEqual(expect.stringMatching(/offline|threat|WAN|WiFi/));
		expect(scores.every((s) => typeof s.score === 'number' && (s.score as number) >= 0 && (s.score as number) <= 100)).toBe(true);
		// Matched sites have their NinjaOne organization.
		const matched = world.sites.filter((s) => s.ninja);
		for (const s of matched) expect([s.customerName, byId.get(s.unifi.siteId)?.organizationId]).toEqual([s.customerName, s.ninja!.id]);

		// WiFi through the connector: every site whose console answers gets a WiFi component from its access points'
		// radio retries; the consoles that are offline, below the firmware floor or time out are named instead.
		const notRead = new Set([
			...world.sites.filter((s) => s.unifi.host.state !== 'connected').map((s) => s.unifi.hostId),
			...world.connector.belowFloorHostIds,
			...world.connector.timeoutHostIds,
		]);
		expect(notRead.size).toBe(world.sites.filter((s) => s.unifi.host.state !== 'connected').length + 2);
		const wifi = (s: (typeof world.sites)[number]) => (byId.get(s.unifi.siteId)!.components as Record<string, { score: number | null; reason: string }>).wifi;
		const unscored = world.sites.filter((s) => !notRead.has(s.unifi.hostId) && wifi(s).score === null).map((s) => [s.customerName, wifi(s).reason]);
		expect(unscored).toEqual([]);
		for (const s of world.sites.filter((x) => x.unifi.hostId && notRead.has(x.unifi.hostId))) {
			const score = byId.get(s.unifi.siteId)!;
			expect([s.customerName, wifi(s).score, score.wifiSource]).toEqual([s.customerName, null, null]);
			expect(wifi(s).reason).toMatch(/^console .*(skipped|unreachable): (offline|console firmware 4\.2\.8 is below 5\.0\.3|did not answer in time)/);
		}
		expect(scores.filter((s) => s.wifiSource === 'apTxRetries').length).toBe(world.sites.length - notRead.size);
		// Full confidence wherever every source answered (matched sites on consoles that were read).
		expect(scores.filter((s) => s.confidence === 1).length).toBe(matched.filter((s) => !notRead.has(s.unifi.hostId)).length);
		// The console items say why, and the node warned about them.
		const consoles = first.json('UniFi Access Points').filter((i) => i.kind === 'unifi.console');
		expect(consoles.map((c) => c.hostId).sort()).toEqual([...notRead].sort());

		// Unmatched: the UniFi-only site and the NinjaOne-only organization, with reasons.
		const unmatched = first.json('Health Score', 1);
		expect(unmatched.filter((u) => u.source === 'unifi').map((u) => u.id)).toEqual(world.unmatched.unifiSiteIds);
		expect(unmatched.filter((u) => u.source === 'ninjaone').map((u) => Number(u.id))).toEqual(world.unmatched.ninjaOrganizationIds);
		expect(first.json('Unmatched Sites and Organizations')).toHaveLength(unmatched.length);

		// Notion: the database was created and holds one row per site with the score fields.
		const ensured = first.json('Ensure Database')[0];
		expect(ensured).toMatchObject({ action: 'created', title: 'MSP Site Health' });
		const upserts = first.json('Upsert Site Health');
		expect(upserts.map((u) => u.action)).toEqual(Array(world.sites.length).fill('created'));
		const rows = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(rows).toHaveLength(world.sites.length);
		const row = rows.find((r) => r.properties['Site ID'] === critical.siteId)!;
		expect(row.properties).toMatchObject({ Site: critical.site, Status: 'Critical', Score: critical.score, Summary: critical.summary });

		// Second run: same data, nothing to write.
		const before = writes();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Ensure Database')[0]).toMatchObject({ action: 'unchanged', databaseId: ensured.databaseId });
		expect(second.json('Upsert Site Health').map((u) => u.action)).toEqual(Array(world.sites.length).fill('unchanged'));
		expect(writes()).toEqual(before);
		expect(ctx.sandbox.notion!.rows(String(ensured.databaseId))).toHaveLength(world.sites.length);

		// Ops log: every service node logged to Supabase without trouble.
		for (const result of [first, second]) {
			for (const name of ['UniFi Sites', 'UniFi Access Points', 'NinjaOne Organizations', 'NinjaOne Device Health', 'NinjaOne Alerts', 'Ensure Database', 'Upsert Site Health']) {
				expect([name, result.json(name).filter((i) => 'opsLogError' in i).map((i) => i.opsLogError)]).toEqual([name, []]);
			}
		}
		// One summary row per run, with the counts the Notion Sync reported.
		const summaries = await db('select * from workflow_execution_logs order by finished_at');
		expect(summaries.map((r) => [r.pipeline, r.workflow_id, r.status, r.items_read, r.items_created, r.items_updated, r.items_unchanged, r.items_failed])).toEqual([
			['Daily Health Sync', workflow.id, 'success', world.sites.length, world.sites.length, 0, 0, 0],
			['Daily Health Sync', workflow.id, 'success', world.sites.length, 0, 0, world.sites.length, 0],
		]);
		expect(summaries.every((r) => Number(r.duration_ms) > 0 && r.execution_id)).toBe(true);
		// One api_metrics row per call, whose attempts add up to the requests each emulator answered: nothing lost,
		// nothing twice. The only failed calls are the timed-out console's (once per run).
		const metrics = await db<{ service: string; calls: number; n: number; failed: number }>(
			'select service, count(*)::int as calls, sum(1 + retries)::int as n, count(*) filter (where not ok)::int as failed from api_metrics group by service order by service',
		);
		expect(metrics.map(({ service, n, failed }) => ({ service, n, failed }))).toEqual([
			{ service: 'ninjaone', n: ctx.sandbox.ninjaone!.count(), failed: 0 },
			{ service: 'notion', n: ctx.sandbox.notion!.count(), failed: 0 },
			{ service: 'unifi', n: ctx.sandbox.unifi!.count(), failed: 2 * world.connector.timeoutHostIds.length },
		]);
		// Read back through the views.
		const health = await db('select service, calls_24h, failed_calls_24h from integration_health');
		expect(health.map((h) => [h.service, Number(h.calls_24h), Number(h.failed_calls_24h)])).toEqual(metrics.map((m) => [m.service, m.calls, m.failed]));
		const performance = await db('select pipeline, runs_30d, succeeded_30d, items_created_30d, items_unchanged_30d, last_status from workflow_performance');
		expect(performance).toEqual([
			{ pipeline: 'Daily Health Sync', runs_30d: '2', succeeded_30d: '2', items_created_30d: String(world.sites.length), items_unchanged_30d: String(world.sites.length), last_status: 'success' },
		]);
		// A console that could not be read is an outcome of the read (an item and a failed call in api_metrics), not a
		// node error.
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
