/**
 * HubSpot CRM in real n8n (both pinned hosts) against the sandbox: ensure the MSP health properties, score every
 * site (UniFi Sites + NinjaOne Devices -> Health Score), match the scores to the seeded HubSpot companies by name
 * (n8n's Merge node) and upsert them by domain. The first run updates every matched company; a re-run writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostVersions } from './harness';
import { useSandboxedN8n } from './sandboxCredentials';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', 'hubspot-health.json'), 'utf8')) as Record<string, unknown>;
const WRITE_ROUTES = [
	...['create', 'update', 'upsert', 'archive'].map((op) => `POST /crm/v3/objects/companies/batch/${op}`),
	'POST /crm/v3/objects/companies',
	'PATCH /crm/v3/objects/companies/:id',
	'DELETE /crm/v3/objects/companies/:id',
	'POST /crm/v3/properties/companies',
	'POST /crm/v3/properties/companies/groups',
];

describe.each(hostVersions())('HubSpot CRM on n8n %s', (version) => {
	const ctx = useSandboxedN8n(version, ['unifi', 'ninjaone', 'hubspot']);
	const hubspotWrites = () => WRITE_ROUTES.reduce((n, route) => n + ctx.sandbox.hubspot!.count(route), 0);

	test('health scores reach the sandbox companies in batches, and a re-run writes nothing', async () => {
		const world = ctx.sandbox.world;
		const first = await ctx.n8n.run(workflow);
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');

		const ensured = first.json('Ensure MSP Properties')[0];
		expect(ensured).toMatchObject({ objectType: 'companies', created: ['msp_health_score', 'msp_health_status', 'msp_offline_devices', 'msp_last_sync'], existing: [] });

		const scores = first.json('Health Score', 0);
		expect(scores).toHaveLength(world.sites.length);
		const upserts = first.json('Upsert Company Health');
		expect(upserts).toHaveLength(world.sites.length);
		expect(upserts.map((u) => u.action)).toEqual(Array(world.sites.length).fill('updated'));

		// The values are in HubSpot, on the company of each site's domain.
		const companies = [...ctx.sandbox.hubspot!.objects.companies.values()];
		const byDomain = new Map(companies.map((c) => [c.properties.domain, c]));
		for (const site of world.sites) {
			const score = scores.find((s) => s.siteId === site.unifi.siteId)!;
			const company = byDomain.get(site.hubspot.domain)!;
			expect([site.customerName, company.properties.msp_health_status, Number(company.properties.msp_health_score)]).toEqual([site.customerName, score.status, score.score]);
		}
		// Batch calls, not one per company: 1 read + 1 update for 98 companies (plus the property setup).
		expect(ctx.sandbox.hubspot!.count('POST /crm/v3/objects/companies/batch/update')).toBe(1);
		expect(ctx.sandbox.hubspot!.count('POST /crm/v3/objects/companies/batch/read')).toBe(1);

		const before = hubspotWrites();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Ensure MSP Properties')[0]).toMatchObject({ created: [], existing: ['msp_health_score', 'msp_health_status', 'msp_offline_devices', 'msp_last_sync'] });
		expect(second.json('Upsert Company Health').map((u) => u.action)).toEqual(Array(world.sites.length).fill('unchanged'));
		expect(hubspotWrites()).toBe(before);
	}, 10 * 60_000);
});
