/**
 * The bundled Daily Health Sync workflow (workflows/daily-health-sync.json, exactly as shipped) in real n8n on
 * both hosts, against the sandbox: UniFi Sites + NinjaOne Devices -> Merge -> Health Score -> Notion Sync.
 * Checks the scores against the sandbox world (one per site, all three statuses, the generated profiles), the
 * Unmatched output, the Notion dashboard rows, and that a second run reports every row unchanged and writes
 * nothing to Notion.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostVersions } from './harness';
import { useSandboxedN8n } from './sandboxCredentials';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'workflows', 'daily-health-sync.json'), 'utf8')) as Record<string, unknown>;

describe.each(hostVersions())('Daily Health Sync on n8n %s', (version) => {
	const ctx = useSandboxedN8n(version, ['unifi', 'unifiNetwork', 'ninjaone', 'notion']);

	/** Writes the Notion emulator has served: pages (create/update/trash) and all writes (pages, databases, data sources). */
	const writes = () => {
		const s = ctx.sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, all: s.writes };
	};

	test('scores every site, syncs them into Notion, and a re-run writes nothing', async () => {
		const world = ctx.sandbox.world;
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
		// Matched sites have their NinjaOne organization and full confidence (all five fetches ran).
		const matched = world.sites.filter((s) => s.ninja);
		for (const s of matched) expect([s.customerName, byId.get(s.unifi.siteId)?.organizationId]).toEqual([s.customerName, s.ninja!.id]);
		expect(scores.filter((s) => s.confidence === 1).length).toBe(matched.length);

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
	}, 10 * 60_000);
});
