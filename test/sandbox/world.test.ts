import { CONNECTOR_FIRMWARE_FLOOR, generateWorld, materialiseDevices, normaliseCustomerName, type World, type WorldSite } from './world';

describe('generateWorld', () => {
	let world: World;
	beforeAll(() => {
		world = generateWorld();
	});

	it('has the default counts: 98 UniFi sites and exactly 492 UniFi devices', () => {
		expect(world.seed).toBe(42);
		expect(world.sites).toHaveLength(98);
		expect(world.deviceCount).toBe(492);
		const total = world.sites.reduce((a, s) => a + s.unifi.devices.length, 0);
		expect(total).toBe(492);
		expect(world.sites.reduce((a, s) => a + s.unifi.statistics.counts.totalDevice, 0)).toBe(492);
		expect(new Set(world.sites.map((s) => s.unifi.siteId)).size).toBe(98);
		expect(new Set(world.sites.map((s) => s.unifi.hostId)).size).toBe(98);
		for (const s of world.sites) expect(s.unifi.siteId).toMatch(/^[0-9a-f]{24}$/);
	});

	it('is deterministic for a seed and differs between seeds', () => {
		const again = generateWorld({ seed: 42 });
		expect(JSON.stringify(again)).toBe(JSON.stringify(world));
		const other = generateWorld({ seed: 7 });
		expect(other.sites.map((s) => s.customerName)).not.toEqual(world.sites.map((s) => s.customerName));
		expect(other.deviceCount).toBe(492);
	});

	it('spreads all three health profiles roughly 60/25/15', () => {
		expect(world.profiles).toEqual({ healthy: 58, warning: 25, critical: 15 });
		const counted = { healthy: 0, warning: 0, critical: 0 };
		for (const s of world.sites) counted[s.profile]++;
		expect(counted).toEqual(world.profiles);
		const small = generateWorld({ sites: 3 });
		expect(new Set(small.sites.map((s) => s.profile))).toEqual(new Set(['healthy', 'warning', 'critical']));
	});

	it('gives critical sites real trouble and healthy sites none', () => {
		for (const s of world.sites) {
			const wifi = s.unifi.clients.filter((c) => !c.isWired);
			const weak = wifi.filter((c) => (c.signal as number) < -65);
			const ninja = s.ninja?.devices ?? [];
			if (s.profile === 'healthy') {
				expect(weak).toHaveLength(0);
				expect(s.unifi.statistics.counts.offlineDevice).toBe(0);
				expect(s.unifi.statistics.internetIssues).toEqual([]);
				expect(ninja.every((d) => !d.offline && d.health.activeThreatsCount === 0 && d.health.failedOSPatchesCount === 0)).toBe(true);
			}
			if (s.profile === 'critical') {
				expect(weak.length).toBeGreaterThan(0);
				expect(s.unifi.statistics.counts.criticalNotification).toBeGreaterThan(0);
				expect(s.unifi.statistics.internetIssues.some((i) => i.highLatency)).toBe(true);
				expect(s.unifi.statistics.counts.pendingUpdateDevice).toBeGreaterThan(0);
			}
			for (const c of wifi) {
				expect(c.signal).toBeGreaterThanOrEqual(-85);
				expect(c.signal).toBeLessThanOrEqual(-40);
			}
		}
		const criticalOrgs = world.sites.filter((s) => s.profile === 'critical' && s.ninja).map((s) => s.ninja!);
		expect(criticalOrgs.some((o) => o.devices.some((d) => d.health.healthStatus === 'UNHEALTHY'))).toBe(true);
		expect(criticalOrgs.every((o) => o.alerts.length > 0)).toBe(true);
	});

	it('keeps statistics consistent with the devices and clients', () => {
		for (const s of world.sites) {
			const devices = s.unifi.devices;
			const c = s.unifi.statistics.counts;
			expect(c.offlineDevice).toBe(devices.filter((d) => d.status === 'offline').length);
			expect(c.pendingUpdateDevice).toBe(devices.filter((d) => d.firmwareStatus === 'updateAvailable').length);
			expect(c.wifiDevice).toBe(devices.filter((d) => d.role === 'ap').length);
			expect(c.wifiClient).toBe(s.unifi.clients.filter((x) => !x.isWired).length);
			expect(c.wiredClient).toBe(s.unifi.clients.filter((x) => x.isWired).length);
			expect(devices[0].isConsole).toBe(true);
			expect(s.unifi.meta).toMatchObject({ desc: s.customerName, name: 'default' });
			const apMacs = new Set(devices.filter((d) => d.role === 'ap' && d.status === 'online').map((d) => d.mac));
			for (const client of s.unifi.clients.filter((x) => !x.isWired)) expect(apMacs.has(client.apMac as string)).toBe(true);
			for (const d of s.ninja?.devices ?? []) expect(d.health.alertCount).toBe(s.ninja!.alerts.filter((a) => a.deviceId === d.id).length);
		}
		expect(materialiseDevices(world.sites[0].unifi.devicePlan, world.sites[0].unifi.clientPlan)).toEqual(world.sites[0].unifi.devices);
	});

	it('uses VLAN ids other than 1, leaving the default LAN untagged', () => {
		const vlans = new Set<number>();
		for (const s of world.sites) {
			const def = s.unifi.networks.filter((n) => n.isDefault);
			expect(def).toHaveLength(1);
			expect(def[0]).toMatchObject({ vlanEnabled: false, vlan: null });
			for (const n of s.unifi.networks.filter((x) => x.vlanEnabled)) {
				expect(n.vlan).not.toBe(1);
				vlans.add(n.vlan as number);
			}
		}
		expect([...vlans].sort((a, b) => a - b)).toEqual(expect.arrayContaining([10, 20, 30]));
	});

	it('has unique customers over 14 states with HubSpot data', () => {
		expect(new Set(world.sites.map((s) => normaliseCustomerName(s.customerName))).size).toBe(98);
		expect(new Set(world.sites.map((s) => s.domain)).size).toBe(98);
		expect(new Set(world.sites.map((s) => s.state)).size).toBe(14);
		for (const s of world.sites) {
			expect(s.domain).toMatch(/^[a-z0-9]+\.com$/);
			expect(s.hubspot).toEqual({ companyName: s.customerName, domain: s.domain, city: s.city, state: s.state, phone: expect.stringMatching(/^\(\d{3}\) 555-\d{4}$/) });
		}
	});

	it('has NinjaOne organizations matching by normalised name, a few by custom field, and one unmatched on each side', () => {
		expect(world.ninjaOrganizations).toHaveLength(98);
		expect(world.unmatched.unifiSiteIds).toHaveLength(1);
		expect(world.unmatched.ninjaOrganizationIds).toHaveLength(1);
		const unmatchedSite = world.sites.find((s) => s.unifi.siteId === world.unmatched.unifiSiteIds[0])!;
		expect(unmatchedSite.ninja).toBeNull();
		const only = world.ninjaOnlyOrganizations[0];
		expect(only.siteIndex).toBeNull();
		expect(world.sites.some((s) => normaliseCustomerName(s.customerName) === normaliseCustomerName(only.name))).toBe(false);
		const matched = world.sites.filter((s) => s.ninja);
		expect(matched).toHaveLength(97);
		let inexact = 0;
		for (const s of matched) {
			expect(normaliseCustomerName(s.ninja!.name)).toBe(normaliseCustomerName(s.customerName));
			if (s.ninja!.name !== s.customerName) inexact++;
		}
		expect(inexact).toBeGreaterThan(20);
		const withField = matched.filter((s) => s.ninja!.fields.unifiSiteId);
		expect(withField.length).toBeGreaterThan(2);
		for (const s of withField) expect(s.ninja!.fields.unifiSiteId).toBe(s.unifi.siteId);
		expect(new Set(world.ninjaOrganizations.map((o) => o.id)).size).toBe(98);
		const classes = new Set(world.ninjaOrganizations.flatMap((o) => o.devices.map((d) => d.nodeClass)));
		for (const c of ['WINDOWS_SERVER', 'WINDOWS_WORKSTATION', 'MAC']) expect(classes.has(c as never)).toBe(true);
		expect([...classes].some((c) => c.startsWith('NMS_'))).toBe(true);
	});

	it('scales: explicit totals, devicesPerSite, and ~5 devices per site otherwise', () => {
		expect(generateWorld({ sites: 10, devices: 37 }).deviceCount).toBe(37);
		const w = generateWorld({ sites: 10, devices: 37 });
		expect(w.sites.reduce((a, s) => a + s.unifi.devices.length, 0)).toBe(37);
		expect(generateWorld({ sites: 20 }).deviceCount).toBe(100);
		const per = generateWorld({ sites: 4, devicesPerSite: 50 });
		expect(per.sites.map((s) => s.unifi.devices.length)).toEqual([50, 50, 50, 50]);
		expect(new Set(per.sites.flatMap((s) => s.unifi.devices.map((d) => d.mac))).size).toBe(200);
	});

	it('generates 10,000 sites x 50 devices quickly', () => {
		const started = Date.now();
		const big = generateWorld({ sites: 10_000, devicesPerSite: 50 });
		const elapsed = Date.now() - started;
		expect(big.deviceCount).toBe(500_000);
		expect(big.sites).toHaveLength(10_000);
		expect(new Set(big.sites.map((s) => s.customerName)).size).toBe(10_000);
		expect(new Set(big.sites.map((s) => s.unifi.localSiteName)).size).toBe(10_000);
		// Generous bound for jest on a loaded 2-core machine (~1.2 s under tsx, ~3 s inside jest's VM).
		expect(elapsed).toBeLessThan(8_000);
	});

	describe('cloud connector', () => {
		const version = (v: string) => v.split('.').map(Number).reduce((a, x) => a * 1000 + x, 0);
		const byHost = (w: World, hostId: string) => w.sites.find((s) => s.unifi.hostId === hostId) as WorldSite;

		it('has exactly one console below firmware 5.0.3 and one that times out: connected, with a NinjaOne organization, distinct', () => {
			const { belowFloorHostIds, timeoutHostIds } = world.connector;
			expect(belowFloorHostIds).toHaveLength(1);
			expect(timeoutHostIds).toHaveLength(1);
			expect(belowFloorHostIds[0]).not.toBe(timeoutHostIds[0]);
			for (const hostId of [...belowFloorHostIds, ...timeoutHostIds]) {
				const site = byHost(world, hostId);
				expect(site.unifi.host.state).toBe('connected');
				expect(site.ninja).not.toBeNull();
			}
			const below = byHost(world, belowFloorHostIds[0]);
			expect(below.unifi.host.firmwareVersion).toBe('4.2.8');
			expect(below.unifi.devices[0].version).toBe('4.2.8');
			for (const s of world.sites) {
				if (s === below) continue;
				expect(version(s.unifi.host.firmwareVersion)).toBeGreaterThanOrEqual(version(CONNECTOR_FIRMWARE_FLOOR));
				expect(s.unifi.devices[0].version).toBe(s.unifi.host.firmwareVersion);
			}
			expect(world.sites.filter((s) => s.unifi.host.state === 'disconnected')).toHaveLength(5);
			// Same seed, same choice; another seed still one of each; too few candidates, none.
			expect(generateWorld().connector).toEqual(world.connector);
			const other = generateWorld({ seed: 7 }).connector;
			expect([other.belowFloorHostIds.length, other.timeoutHostIds.length]).toEqual([1, 1]);
			expect(generateWorld({ sites: 2 }).connector).toEqual({ belowFloorHostIds: [], timeoutHostIds: [] });
		});

		it('gives devices, clients and networks unique, stable Integration UUIDs', () => {
			const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
			const ids = world.sites.flatMap((s) => [
				s.unifi.integrationSiteId,
				...s.unifi.devices.map((d) => d.integrationId),
				...s.unifi.clients.map((c) => c.integrationId),
				...s.unifi.networks.map((n) => n.integrationId),
			]);
			for (const id of ids) expect(id).toMatch(uuid);
			expect(new Set(ids).size).toBe(ids.length);
			const again = generateWorld();
			expect(again.sites[3].unifi.devices.map((d) => d.integrationId)).toEqual(world.sites[3].unifi.devices.map((d) => d.integrationId));
			expect(again.sites[3].unifi.clients.map((c) => c.integrationId)).toEqual(world.sites[3].unifi.clients.map((c) => c.integrationId));
		});

		it('derives AP radio retries from the share of the AP\'s own clients below -65 dBm, deterministically', () => {
			const again = generateWorld({ seed: 42 });
			const radios = (w: World) => w.sites.flatMap((s) => s.unifi.devices.map((d) => d.radios));
			expect(radios(again)).toEqual(radios(world));
			const bySite: Record<string, number[]> = { healthy: [], warning: [], critical: [] };
			for (const s of world.sites) {
				const clients = s.unifi.clients.filter((c) => !c.isWired);
				const worst: number[] = [];
				for (const d of s.unifi.devices) {
					if (d.role !== 'ap' || d.status === 'offline') {
						expect(d.radios).toBeNull();
						continue;
					}
					const own = clients.filter((c) => c.apMac === d.mac);
					const weakShare = own.length ? own.filter((c) => c.signal! < -65).length / own.length : 0;
					const [r24, r5] = d.radios!;
					expect([r24.frequencyGHz, r5.frequencyGHz]).toEqual(['2.4', '5']);
					expect(r24.txRetriesPct).toBeGreaterThanOrEqual(3 + 22 * weakShare - 0.05);
					expect(r24.txRetriesPct).toBeLessThanOrEqual(5 + 22 * weakShare + 0.05);
					expect(r5.txRetriesPct).toBeGreaterThanOrEqual(0.6 * (3 + 22 * weakShare) - 0.05);
					expect(r5.txRetriesPct).toBeLessThanOrEqual(0.6 * (5 + 22 * weakShare) + 0.05);
					worst.push(r24.txRetriesPct);
				}
				if (worst.length) bySite[s.profile].push(Math.max(...worst));
			}
			const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
			expect(Math.max(...bySite.healthy)).toBeLessThanOrEqual(5);
			expect(mean(bySite.warning)).toBeGreaterThan(mean(bySite.healthy) + 3);
			expect(mean(bySite.critical)).toBeGreaterThan(mean(bySite.warning));
		});
	});
});
