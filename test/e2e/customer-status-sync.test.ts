/**
 * The bundled Customer Status Sync workflow (workflows/customer-status-sync.json, exactly as shipped) in real n8n on
 * both hosts, against the sandbox: UniFi Sites + UniFi Access Points (connector) + NinjaOne Devices -> Merge ->
 * Health Score -> Notion Sync (the Customer Status board, one row per site) and HubSpot CRM (the MSP health
 * properties of each site's company). Checks the scores against the sandbox world (one per site, all three
 * statuses, the generated profiles), the WiFi read through the connector, the Unmatched outputs, the Notion rows,
 * the HubSpot companies, and that a second run writes nothing to Notion or HubSpot.
 */

import { hostVersions } from './harness';
import { bundledWorkflow, expectEveryNodeRanOnce } from './pipelines';
import { useSandboxedN8n } from './sandboxCredentials';

const workflow = bundledWorkflow('customer-status-sync.json');
const errorLogger = bundledWorkflow('ops-error-logger.json');

const MSP_PROPERTIES = ['msp_health_score', 'msp_health_status', 'msp_offline_devices', 'msp_last_sync'];

describe.each(hostVersions())('Customer Status Sync on n8n %s', (version) => {
	// WiFi comes from every console through the Site Manager connector: no local console credential is involved.
	const ctx = useSandboxedN8n(version, ['unifi', 'ninjaone', 'notion', 'hubspot', 'supabase']);
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => ctx.sandbox.supabase!.query<R>(sql, params);

	/** Writes the Notion emulator has served: pages (create/update/trash) and all writes (pages, databases, data sources). */
	const notionWrites = () => {
		const s = ctx.sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, all: s.writes };
	};
	const hubspotWrites = () => ctx.sandbox.hubspot!.writeRequests();

	test('scores every site into the Customer Status board and HubSpot, and a re-run writes nothing', async () => {
		const world = ctx.sandbox.world;
		const hubspot = ctx.sandbox.hubspot!;
		// One company renamed in HubSpot: its site and it have no match, and both must show, not vanish.
		const renamedSite = world.sites.find((s) => s.ninja && s.profile === 'healthy')!;
		const renamed = [...hubspot.objects.companies.values()].find((c) => c.properties.name === renamedSite.customerName)!;
		renamed.properties.name = `${renamedSite.customerName} Holdings`;
		const renamedBefore = { ...renamed.properties };

		// The pipeline names the bundled error logger as its Error Workflow.
		await ctx.n8n.importWorkflow(errorLogger);
		const first = await ctx.n8n.run(workflow);
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');

		expectEveryNodeRanOnce(first, workflow);

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
		const consoles = first.json('UniFi Access Points').filter((i) => i.kind === 'unifi.console');
		expect(consoles.map((c) => c.hostId).sort()).toEqual([...notRead].sort());

		// Unmatched: the UniFi-only site and the NinjaOne-only organization, with reasons.
		const unmatched = first.json('Health Score', 1);
		expect(unmatched.filter((u) => u.source === 'unifi').map((u) => u.id)).toEqual(world.unmatched.unifiSiteIds);
		expect(unmatched.filter((u) => u.source === 'ninjaone').map((u) => Number(u.id))).toEqual(world.unmatched.ninjaOrganizationIds);
		expect(first.json('Unmatched Sites and Organizations')).toHaveLength(unmatched.length);

		// Notion: the Customer Status database was created and holds one row per site with the score fields.
		const ensured = first.json('Ensure Database')[0];
		expect(ensured).toMatchObject({ action: 'created', title: 'Customer Status' });
		expect(first.json('Upsert Customer Status').map((u) => u.action)).toEqual(Array(world.sites.length).fill('created'));
		const rows = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(rows).toHaveLength(world.sites.length);
		const rowBySite = new Map(rows.map((r) => [r.properties['Site ID'], r.properties]));
		const wrongRows = scores.filter((s) => {
			const p = rowBySite.get(s.siteId);
			return !p || p.Site !== s.site || p.Status !== s.status || p.Score !== s.score || p.Summary !== s.summary || p['Devices Offline'] !== s.devicesOffline;
		});
		expect(wrongRows.map((s) => s.site)).toEqual([]);

		// HubSpot: the properties were created once, and every matched company carries its site's figures.
		expect(first.json('Ensure MSP Properties')[0]).toMatchObject({ objectType: 'companies', created: MSP_PROPERTIES, existing: [] });
		expect(first.json('Upsert Company Health').map((u) => u.action)).toEqual(Array(world.sites.length - 1).fill('updated'));
		const companies = [...hubspot.objects.companies.values()];
		const byDomain = new Map(companies.map((c) => [c.properties.domain, c]));
		const wrongCompanies: unknown[] = [];
		for (const site of world.sites.filter((s) => s !== renamedSite)) {
			const score = byId.get(site.unifi.siteId)!;
			const p = byDomain.get(site.hubspot.domain)!.properties;
			const got = [Number(p.msp_health_score), p.msp_health_status, Number(p.msp_offline_devices)];
			const want = [score.score, score.status, score.devicesOffline];
			if (JSON.stringify(got) !== JSON.stringify(want)) wrongCompanies.push([site.customerName, got, want]);
			// No timestamp is written: it would change every run and rewrite every company.
			if (p.msp_last_sync) wrongCompanies.push([site.customerName, 'msp_last_sync', p.msp_last_sync]);
		}
		expect(wrongCompanies).toEqual([]);
		// The renamed company was not written, and it and its site are in the Not Matched output.
		expect(hubspot.objects.companies.get(renamed.id)!.properties).toEqual(renamedBefore);
		const notMatched = first.json('Sites and Companies Not Matched');
		expect(notMatched).toHaveLength(2);
		expect(notMatched.filter((i) => i.kind === 'healthScore.site').map((i) => i.siteId)).toEqual([renamedSite.unifi.siteId]);
		expect(notMatched.filter((i) => i.kind !== 'healthScore.site').map((i) => i.properties)).toEqual([
			expect.objectContaining({ name: renamed.properties.name, domain: renamed.properties.domain }),
		]);
		// Batched: 1 read + 1 update for all the companies (plus the property setup).
		expect(hubspot.count('POST /crm/v3/objects/companies/batch/update')).toBe(1);
		expect(hubspot.count('POST /crm/v3/objects/companies/batch/read')).toBe(1);

		// Second run: same data, nothing to write in Notion or HubSpot.
		const notionBefore = notionWrites();
		const hubspotBefore = hubspotWrites();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Ensure Database')[0]).toMatchObject({ action: 'unchanged', databaseId: ensured.databaseId });
		expect(second.json('Upsert Customer Status').map((u) => u.action)).toEqual(Array(world.sites.length).fill('unchanged'));
		expect(second.json('Ensure MSP Properties')[0]).toMatchObject({ created: [], existing: MSP_PROPERTIES });
		expect(second.json('Upsert Company Health').map((u) => u.action)).toEqual(Array(world.sites.length - 1).fill('unchanged'));
		expect(notionWrites()).toEqual(notionBefore);
		expect(hubspotWrites()).toBe(hubspotBefore);
		expect(ctx.sandbox.notion!.rows(String(ensured.databaseId))).toHaveLength(world.sites.length);

		// Ops log: every service node logged to Supabase without trouble.
		const serviceNodes = ['UniFi Sites', 'UniFi Access Points', 'NinjaOne Organizations', 'NinjaOne Device Health', 'NinjaOne Alerts', 'HubSpot Companies', 'Ensure Database', 'Ensure MSP Properties', 'Upsert Customer Status', 'Upsert Company Health'];
		for (const result of [first, second]) {
			for (const name of serviceNodes) expect([name, result.json(name).filter((i) => 'opsLogError' in i).map((i) => i.opsLogError)]).toEqual([name, []]);
		}
		// One summary row per run, with the counts the Notion Sync reported.
		const summaries = await db('select * from workflow_execution_logs order by finished_at');
		const n = world.sites.length;
		expect(summaries.map((r) => [r.pipeline, r.workflow_id, r.status, r.items_read, r.items_created, r.items_updated, r.items_unchanged, r.items_failed])).toEqual([
			['Customer Status Sync', workflow.id, 'success', n, n, 0, 0, 0],
			['Customer Status Sync', workflow.id, 'success', n, 0, 0, n, 0],
		]);
		expect(summaries.every((r) => Number(r.duration_ms) > 0 && r.execution_id)).toBe(true);
		// One api_metrics row per call, whose attempts add up to the requests each emulator answered: nothing lost,
		// nothing twice. The only failed calls are the timed-out console's (once per run).
		const metrics = await db<{ service: string; calls: number; n: number; failed: number }>(
			'select service, count(*)::int as calls, sum(1 + retries)::int as n, count(*) filter (where not ok)::int as failed from api_metrics group by service order by service',
		);
		expect(metrics.map(({ service, n, failed }) => ({ service, n, failed }))).toEqual([
			{ service: 'hubspot', n: hubspot.count(), failed: 0 },
			{ service: 'ninjaone', n: ctx.sandbox.ninjaone!.count(), failed: 0 },
			{ service: 'notion', n: ctx.sandbox.notion!.count(), failed: 0 },
			{ service: 'unifi', n: ctx.sandbox.unifi!.count(), failed: 2 * world.connector.timeoutHostIds.length },
		]);
		const health = await db('select service, calls_24h, failed_calls_24h from integration_health');
		expect(health.map((h) => [h.service, Number(h.calls_24h), Number(h.failed_calls_24h)])).toEqual(metrics.map((m) => [m.service, m.calls, m.failed]));
		const performance = await db('select pipeline, runs_30d, succeeded_30d, items_created_30d, items_unchanged_30d, last_status from workflow_performance');
		expect(performance).toEqual([
			{ pipeline: 'Customer Status Sync', runs_30d: '2', succeeded_30d: '2', items_created_30d: String(n), items_unchanged_30d: String(n), last_status: 'success' },
		]);
		expect(await db('select * from recent_errors')).toEqual([]);
	}, 10 * 60_000);

	test('under 429s and 503s from Notion and HubSpot, a run repairs drifted rows and companies exactly, with no duplicate', async () => {
		const world = ctx.sandbox.world;
		const notion = ctx.sandbox.notion!;
		const hubspot = ctx.sandbox.hubspot!;
		const database = notion.findDataSources('Customer Status')[0].dataSourceId;
		const snapshot = () => new Map(notion.rows(database).map((r) => [String(r.properties['Site ID']), r.properties]));
		const healthOf = () => new Map([...hubspot.objects.companies.values()].map((c) => [c.id, [c.properties.msp_health_score, c.properties.msp_health_status, c.properties.msp_offline_devices]]));
		const rowsBefore = snapshot();
		const companiesBefore = healthOf();

		// Someone edits 5 rows in Notion and 3 companies in HubSpot by hand.
		const drifted = [...rowsBefore.keys()].slice(0, 5);
		for (const siteId of drifted) {
			const page = notion.rows(database).find((r) => r.properties['Site ID'] === siteId)!;
			const res = await fetch(`${ctx.sandbox.urls.notion}/v1/pages/${page.pageId}`, {
				method: 'PATCH',
				headers: { authorization: `Bearer ${ctx.sandbox.credentials.notionToken}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' },
				body: JSON.stringify({ properties: { Score: { number: 1 }, Status: { select: { name: 'Unknown' } } } }),
			});
			expect(res.status).toBe(200);
		}
		const driftedCompanies = [...hubspot.objects.companies.values()].filter((c) => c.properties.msp_health_score).slice(0, 3);
		for (const c of driftedCompanies) c.properties.msp_health_score = '1';

		// Then a run meets a 429 or a 503 on about one Notion request in five, and HubSpot (a handful of batch calls)
		// rate-limits its batch read and fails its batch update once.
		notion.setFaults({ seed: 11, rate429: 0.1, rate503: 0.1 });
		hubspot.scriptFaults(
			[{ status: 429, headers: { 'retry-after': '1' }, body: { status: 'error', message: 'You have reached your ten secondly limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } }],
			/batch\/read$/,
		);
		hubspot.scriptFaults([{ status: 503 }], /batch\/update$/);
		const refusals = (e: { statusCounters: Map<number, number> }) => (e.statusCounters.get(429) ?? 0) + (e.statusCounters.get(503) ?? 0);
		const refusedBefore = { notion: refusals(notion), hubspot: refusals(hubspot) };
		let third;
		try {
			third = await ctx.n8n.run(workflow);
		} finally {
			notion.setFaults({});
		}
		expect(third.error).toBeUndefined();
		expect(third.status).toBe('success');
		const actions = (node: string) => third.json(node).reduce<Record<string, number>>((n, u) => ({ ...n, [String(u.action)]: (n[String(u.action)] ?? 0) + 1 }), {});
		expect(actions('Upsert Customer Status')).toEqual({ updated: 5, unchanged: world.sites.length - 5 });
		expect(actions('Upsert Company Health')).toEqual({ updated: 3, unchanged: world.sites.length - 1 - 3 });
		// Both services refused some requests (the run retried them), and the end state is exactly the one before the
		// drift: every row and company as the scores say, one row per site.
		expect(refusals(notion)).toBeGreaterThan(refusedBefore.notion);
		expect(refusals(hubspot)).toBeGreaterThan(refusedBefore.hubspot);
		expect(snapshot()).toEqual(rowsBefore);
		expect(notion.rows(database)).toHaveLength(world.sites.length);
		expect(healthOf()).toEqual(companiesBefore);
	}, 10 * 60_000);
});
