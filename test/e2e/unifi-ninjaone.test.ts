/**
 * UniFi Sites and NinjaOne Devices in real n8n (both pinned hosts): the sandbox runs in this process, credentials
 * pointing at it are imported with `n8n import:credentials` (NinjaOne: custom base URL, client credentials, no
 * interactive OAuth), and one workflow reads every sandbox site (98), every UniFi device (492), ISP metrics,
 * WiFi clients from the local console, NinjaOne organizations, devices and device health.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostVersions } from './harness';
import { useSandboxedN8n } from './sandboxCredentials';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', 'unifi-ninjaone.json'), 'utf8')) as Record<string, unknown>;

describe.each(hostVersions())('UniFi Sites + NinjaOne Devices on n8n %s', (version) => {
	const ctx = useSandboxedN8n(version, ['unifi', 'unifiNetwork', 'ninjaone']);

	test('all 98 sites and 492 devices come through, with NinjaOne data joined to organizations', async () => {
		const result = await ctx.n8n.run(workflow);
		for (const name of ['UniFi Sites', 'UniFi Devices', 'UniFi ISP Metrics', 'UniFi WiFi Clients', 'NinjaOne Organizations', 'NinjaOne Devices', 'NinjaOne Device Health']) {
			expect({ name, error: result.nodeError(name) }).toEqual({ name, error: undefined });
		}
		expect(result.status).toBe('success');

		const sites = result.json('UniFi Sites');
		expect(sites).toHaveLength(98);
		expect(new Set(sites.map((s) => s.siteId)).size).toBe(98);
		expect(sites.every((s) => s.kind === 'unifi.site')).toBe(true);
		expect(sites.map((s) => s.name).sort()).toEqual(ctx.sandbox.world.sites.map((s) => s.customerName).sort());
		expect(result.items('UniFi Sites').every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);

		const devices = result.json('UniFi Devices');
		expect(devices).toHaveLength(492);
		expect(new Set(devices.map((d) => d.deviceId)).size).toBe(492);
		expect(devices.every((d) => d.kind === 'unifi.device' && typeof d.siteId === 'string' && typeof d.hostId === 'string')).toBe(true);

		const metrics = result.json('UniFi ISP Metrics');
		expect(metrics).toHaveLength(5);
		expect(metrics.every((m) => m.kind === 'unifi.ispMetrics' && Array.isArray(m.periods))).toBe(true);

		const clients = result.json('UniFi WiFi Clients');
		expect(clients).toHaveLength(25);
		expect(clients.every((c) => c.kind === 'unifi.client' && (c.signalDbm as number) < 0)).toBe(true);

		const orgs = result.json('NinjaOne Organizations');
		expect(orgs).toHaveLength(ctx.sandbox.world.ninjaOrganizations.length);
		const ninjaDevices = result.json('NinjaOne Devices');
		const total = ctx.sandbox.world.ninjaOrganizations.reduce((n, o) => n + o.devices.length, 0);
		expect(ninjaDevices).toHaveLength(total);
		const health = result.json('NinjaOne Device Health');
		expect(health.length).toBeGreaterThan(0);
		expect(health.every((h) => typeof h.organizationId === 'number' && ['UNHEALTHY', 'NEEDS_ATTENTION'].includes(String(h.healthStatus)))).toBe(true);

		// One token for the whole run (cached per credential in the n8n process).
		expect(ctx.sandbox.ninjaone!.tokensIssued).toBe(1);
		// Return All read the UniFi lists in as few pages as possible.
		expect(ctx.sandbox.unifi!.count('GET /v1/sites')).toBeLessThanOrEqual(2);
	}, 5 * 60_000);
});
