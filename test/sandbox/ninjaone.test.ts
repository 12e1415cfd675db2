import { SANDBOX_CREDENTIALS } from './credentials';
import { NinjaOneEmulator, type NinjaOneOptions } from './ninjaone';
import { generateWorld } from './world';

const world = generateWorld();
const FORM = 'application/x-www-form-urlencoded';

describe('NinjaOneEmulator', () => {
	let emu: NinjaOneEmulator;
	const start = async (options: NinjaOneOptions = {}) => {
		emu = new NinjaOneEmulator(world, options);
		await emu.start();
	};
	const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
		fetch(`${emu.url}/ws/oauth/token`, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams(form).toString() });
	const getToken = async (scope = 'monitoring management'): Promise<string> => {
		const res = await tokenRequest({ grant_type: 'client_credentials', client_id: SANDBOX_CREDENTIALS.ninjaClientId, client_secret: SANDBOX_CREDENTIALS.ninjaClientSecret, scope });
		expect(res.status).toBe(200);
		return ((await res.json()) as { access_token: string }).access_token;
	};
	const call = async (path: string, token: string | null) => {
		const res = await fetch(`${emu.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
	};
	afterEach(async () => {
		await emu?.stop();
	});

	it('issues client-credentials tokens and rejects bad clients with invalid_client', async () => {
		await start();
		const ok = await tokenRequest({ grant_type: 'client_credentials', client_id: SANDBOX_CREDENTIALS.ninjaClientId, client_secret: SANDBOX_CREDENTIALS.ninjaClientSecret, scope: 'monitoring' });
		expect(ok.status).toBe(200);
		expect(await ok.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'monitoring' });
		const basic = Buffer.from(`${SANDBOX_CREDENTIALS.ninjaClientId}:${SANDBOX_CREDENTIALS.ninjaClientSecret}`).toString('base64');
		expect((await tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` })).status).toBe(200);
		const bad = await tokenRequest({ grant_type: 'client_credentials', client_id: SANDBOX_CREDENTIALS.ninjaClientId, client_secret: 'wrong' });
		expect(bad.status).toBe(401);
		expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
		expect((await tokenRequest({ grant_type: 'password' })).status).toBe(400);
		const json = await fetch(`${emu.url}/ws/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(json.status).toBe(400);
		expect(await json.json()).toMatchObject({ error: 'invalid_request' });
	});

	it('rejects missing, unknown and expired tokens with a FAILURE body', async () => {
		let clock = 5_000_000;
		await start({ now: () => clock, tokenLifetimeSec: 2 });
		const token = await getToken();
		expect((await call('/v2/organizations', token)).status).toBe(200);
		for (const t of [null, 'made-up']) {
			const res = await call('/v2/organizations', t);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ resultCode: 'FAILURE', errorMessage: expect.any(String) });
		}
		clock += 2_001;
		const expired = await call('/v2/organizations', token);
		expect(expired.status).toBe(401);
		expect(expired.body.resultCode).toBe('FAILURE');
		const fresh = await getToken();
		expect((await call('/v2/organizations', fresh)).status).toBe(200);
		await fetch(`${emu.url}/__sandbox/expire-tokens`, { method: 'POST' });
		expect((await call('/v2/organizations', fresh)).status).toBe(401);
	});

	it('pages organizations with pageSize/after (bare arrays, stop on a short page)', async () => {
		await start();
		const token = await getToken();
		const ids: number[] = [];
		let after: number | undefined;
		let pages = 0;
		for (;;) {
			const res = await call(`/v2/organizations?pageSize=30${after !== undefined ? `&after=${after}` : ''}`, token);
			expect(Array.isArray(res.body)).toBe(true);
			ids.push(...res.body.map((o: any) => o.id));
			pages++;
			if (res.body.length < 30) break;
			after = res.body[res.body.length - 1].id;
		}
		expect(pages).toBe(4);
		expect(ids).toEqual(world.ninjaOrganizations.map((o) => o.id));
		const withField = world.ninjaOrganizations.find((o) => o.fields.unifiSiteId)!;
		const one = await call(`/v2/organization/${withField.id}`, token);
		expect(one.body).toMatchObject({ id: withField.id, name: withField.name, fields: { unifiSiteId: withField.fields.unifiSiteId }, locations: expect.any(Array) });
		expect((await call('/v2/organization/999999', token)).status).toBe(404);
		expect((await call('/v2/organizations?pageSize=x', token)).status).toBe(400);
	});

	it('filters devices with df and pages them with after', async () => {
		await start();
		const token = await getToken();
		const all = world.ninjaOrganizations.flatMap((o) => o.devices);
		const org = world.ninjaOrganizations[4];
		const byOrg = await call(`/v2/devices?df=${encodeURIComponent(`org = ${org.id}`)}`, token);
		expect(byOrg.body.map((d: any) => d.id)).toEqual(org.devices.map((d) => d.id).sort((a, b) => a - b));
		const two = [world.ninjaOrganizations[1].id, world.ninjaOrganizations[2].id];
		const inOrgs = await call(`/v2/devices?df=${encodeURIComponent(`org in (${two.join(',')})`)}`, token);
		expect(inOrgs.body).toHaveLength(all.filter((d) => two.includes(d.organizationId)).length);
		const servers = await call(`/v2/devices-detailed?df=${encodeURIComponent('class in (WINDOWS_SERVER,MAC)')}`, token);
		expect(servers.body.length).toBe(all.filter((d) => d.nodeClass === 'WINDOWS_SERVER' || d.nodeClass === 'MAC').length);
		expect(servers.body[0]).toMatchObject({ os: { name: expect.any(String) }, system: { serialNumber: expect.any(String) } });
		const offline = await call(`/v2/devices?df=${encodeURIComponent('offline = true')}`, token);
		expect(offline.body.length).toBe(all.filter((d) => d.offline).length);
		expect(offline.body.length).toBeGreaterThan(0);
		const combined = await call(`/v2/devices?df=${encodeURIComponent('class = WINDOWS_WORKSTATION AND offline = true')}`, token);
		expect(combined.body.every((d: any) => d.nodeClass === 'WINDOWS_WORKSTATION' && d.offline)).toBe(true);
		const bad = await call(`/v2/devices?df=${encodeURIComponent('colour = red')}`, token);
		expect(bad.status).toBe(400);
		expect(bad.body.resultCode).toBe('FAILURE');

		const seen: number[] = [];
		let after = 0;
		for (;;) {
			const page = await call(`/v2/devices?pageSize=100&after=${after}`, token);
			seen.push(...page.body.map((d: any) => d.id));
			if (page.body.length < 100) break;
			after = page.body[page.body.length - 1].id;
		}
		expect(seen).toHaveLength(world.ninjaDeviceCount);
		expect(new Set(seen).size).toBe(seen.length);
		const device = await call(`/v2/device/${seen[0]}`, token);
		expect(device.body).toMatchObject({ id: seen[0], organizationId: expect.any(Number), nodeClass: expect.any(String), offline: expect.any(Boolean), lastContact: expect.any(Number) });
		expect((await call('/v2/device/1', token)).status).toBe(404);
	});

	it('serves alerts (unpaginated, df and sourceType filters) consistent with device health', async () => {
		await start();
		const token = await getToken();
		const alerts = await call('/v2/alerts', token);
		const total = world.ninjaOrganizations.reduce((a, o) => a + o.alerts.length, 0);
		expect(alerts.body).toHaveLength(total);
		expect(alerts.body[0]).toMatchObject({ uid: expect.any(String), deviceId: expect.any(Number), sourceType: expect.any(String), message: expect.any(String), createTime: expect.any(Number) });
		const offline = await call('/v2/alerts?sourceType=AGENT_OFFLINE', token);
		expect(offline.body.length).toBeGreaterThan(0);
		expect(offline.body.every((a: any) => a.sourceType === 'AGENT_OFFLINE')).toBe(true);
		const org = world.ninjaOrganizations.find((o) => o.alerts.length > 0)!;
		const orgAlerts = await call(`/v2/alerts?df=${encodeURIComponent(`org = ${org.id}`)}`, token);
		expect(orgAlerts.body).toHaveLength(org.alerts.length);
	});

	it('pages the device-health query with a cursor', async () => {
		let clock = 9_000_000;
		await start({ now: () => clock, cursorTtlSec: 60 });
		const token = await getToken();
		const first = await call('/v2/queries/device-health?pageSize=250', token);
		expect(first.body.cursor).toEqual({ name: expect.any(String), offset: 0, count: 250, expires: expect.any(Number) });
		const results = [...first.body.results];
		let page = first.body;
		while (page.results.length === 250) {
			page = (await call(`/v2/queries/device-health?cursor=${page.cursor.name}`, token)).body;
			results.push(...page.results);
		}
		expect(results).toHaveLength(world.ninjaDeviceCount);
		expect(new Set(results.map((r) => r.deviceId)).size).toBe(world.ninjaDeviceCount);
		const statuses = new Set(results.map((r) => r.healthStatus));
		for (const s of ['HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY']) expect(statuses.has(s)).toBe(true);
		expect(results[0]).toEqual(
			expect.objectContaining({ deviceId: expect.any(Number), offline: expect.any(Boolean), alertCount: expect.any(Number), activeThreatsCount: expect.any(Number), failedOSPatchesCount: expect.any(Number), pendingOSPatchesCount: expect.any(Number) }),
		);
		expect(results.some((r) => r.activeThreatsCount > 0)).toBe(true);
		const unhealthy = await call('/v2/queries/device-health?health=UNHEALTHY', token);
		expect(unhealthy.body.results.every((r: any) => r.healthStatus === 'UNHEALTHY')).toBe(true);
		const org = world.ninjaOrganizations[0];
		const byOrg = await call(`/v2/queries/device-health?df=${encodeURIComponent(`org = ${org.id}`)}`, token);
		expect(byOrg.body.results.map((r: any) => r.deviceId).sort()).toEqual(org.devices.map((d) => d.id).sort());
		clock += 61_000;
		const expired = await call(`/v2/queries/device-health?cursor=${first.body.cursor.name}`, token);
		expect(expired.status).toBe(400);
		expect(expired.body.resultCode).toBe('FAILURE');
	});

	it('takes one health status per device-health query, rejecting a list or an unknown status', async () => {
		await start();
		const token = await getToken();
		const counts = new Map<string, number>();
		for (const status of ['HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY', 'UNKNOWN']) {
			const res = await call(`/v2/queries/device-health?health=${status}&pageSize=10000`, token);
			expect(res.status).toBe(200);
			expect(res.body.results.every((r: any) => r.healthStatus === status)).toBe(true);
			counts.set(status, res.body.results.length);
		}
		expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(world.ninjaDeviceCount);
		for (const health of ['UNHEALTHY,NEEDS_ATTENTION', 'UNHEALTHY%2CNEEDS_ATTENTION', 'BROKEN']) {
			const res = await call(`/v2/queries/device-health?health=${health}`, token);
			expect(res.status).toBe(400);
			expect(res.body).toEqual({ resultCode: 'FAILURE', errorMessage: expect.stringContaining('health') });
		}
	});

	it('rate limits per client with 429 + Retry-After and injects 5xx', async () => {
		const clock = 1_000_000;
		await start({ now: () => clock, rateLimits: { default: { kind: 'window', limit: 2, windowMs: 60_000 } } });
		const token = await getToken();
		expect((await call('/v2/organizations?pageSize=1', token)).status).toBe(200);
		expect((await call('/v2/organizations?pageSize=1', token)).status).toBe(200);
		const limited = await call('/v2/organizations?pageSize=1', token);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('60');
		expect(limited.body).toEqual({ resultCode: 'FAILURE', errorMessage: expect.any(String) });
		// A new token of the same client shares the limit.
		expect((await call('/v2/organizations?pageSize=1', await getToken())).status).toBe(429);
		emu.setRateLimit('default', null);
		emu.scriptFaults([{ status: 502 }]);
		const failed = await call('/v2/devices', token);
		expect(failed.status).toBe(502);
		expect(failed.body).toMatchObject({ resultCode: 'FAILURE', incidentId: expect.any(String) });
	});

	it('forces malformed payloads', async () => {
		await start();
		const token = await getToken();
		emu.malformNext('GET /v2/devices');
		expect((await call('/v2/devices?pageSize=2', token)).body[0].id).toBeNull();
		expect((await call('/v2/devices?pageSize=2', token)).body[0].id).toEqual(expect.any(Number));
		await fetch(`${emu.url}/__sandbox/malform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'GET /v2/queries/device-health' }) });
		expect((await call('/v2/queries/device-health?pageSize=5', token)).body.results[0].healthStatus).toBe(42);
		const state = (await (await fetch(`${emu.url}/__sandbox/state`)).json()) as Record<string, number>;
		expect(state).toMatchObject({ organizations: 98, devices: world.ninjaDeviceCount, tokensIssued: 1, pendingMalformed: 0 });
		await fetch(`${emu.url}/__sandbox/reset`, { method: 'POST' });
		expect((await call('/v2/devices', token)).status).toBe(401);
	});
});
