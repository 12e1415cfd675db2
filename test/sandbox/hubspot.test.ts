import { SANDBOX_CREDENTIALS } from './credentials';
import { HubSpotEmulator, type HubSpotWorldInput } from './hubspot';

const TOKEN = SANDBOX_CREDENTIALS.hubspotToken;
const world: HubSpotWorldInput = {
	sites: [
		{ customerName: 'Acme Dental', domain: 'acmedental.example', state: 'TX', hubspot: { companyName: 'Acme Dental LLC', domain: 'acmedental.example', city: 'Austin', state: 'TX', phone: '+1 512 555 0101' } },
		{ customerName: 'Birch Law', domain: 'birchlaw.example', state: 'CA', hubspot: { companyName: 'Birch Law Group', domain: 'birchlaw.example', city: 'Fresno', state: 'CA', phone: '+1 559 555 0102' } },
		{ customerName: 'Cedar Vets', domain: 'cedarvets.example', state: 'TX', hubspot: { companyName: 'Cedar Veterinary', domain: 'cedarvets.example', city: 'Dallas', state: 'TX', phone: '+1 214 555 0103' } },
		{ customerName: 'Acme Dental 2', domain: 'acmedental.example', state: 'OK' },
	],
};

describe('HubSpotEmulator', () => {
	let hs: HubSpotEmulator;
	const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
		const res = await fetch(`${hs.url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
	};

	beforeEach(async () => {
		hs = new HubSpotEmulator(world, { rateLimits: { search: null } });
		await hs.start();
	});
	afterEach(async () => {
		await hs.stop();
	});

	it('seeds one company per site with unique domains and two contacts each', async () => {
		const res = await call('GET', '/crm/v3/objects/companies?limit=100&properties=city,state,phone');
		expect(res.status).toBe(200);
		const companies = res.body.results as Array<{ id: string; properties: Record<string, string> }>;
		expect(companies).toHaveLength(4);
		expect(new Set(companies.map((c) => c.properties.domain)).size).toBe(4);
		expect(companies[0].properties).toMatchObject({ name: 'Acme Dental LLC', domain: 'acmedental.example', city: 'Austin', state: 'TX', phone: '+1 512 555 0101', hs_object_id: companies[0].id });
		expect(companies[0]).toMatchObject({ archived: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
		expect(Object.keys(companies[0].properties).sort()).toEqual(['city', 'createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'phone', 'state']);
		const contacts = await call('GET', '/crm/v3/objects/contacts?limit=100');
		expect(contacts.body.results).toHaveLength(8);
		expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('100');
		expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
		expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe('250000');
		expect(Number(contacts.headers.get('x-hubspot-ratelimit-remaining'))).toBe(98);
		expect(Number(contacts.headers.get('x-hubspot-ratelimit-daily-remaining'))).toBe(249998);
	});

	it('pages lists with after and rejects limit > 100', async () => {
		const first = await call('GET', '/crm/v3/objects/contacts?limit=3');
		expect(first.body.results).toHaveLength(3);
		const after = first.body.paging.next.after as string;
		const second = await call('GET', `/crm/v3/objects/contacts?limit=100&after=${after}`);
		expect(second.body.results).toHaveLength(5);
		expect(second.body.paging).toBeUndefined();
		expect(second.body.results[0].id).toBe(after);
		const bad = await call('GET', '/crm/v3/objects/contacts?limit=101');
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', errors: [expect.objectContaining({ code: 'INVALID_INTEGER' })] });
	});

	it('gets by id or by unique idProperty, patches, and 404s', async () => {
		const byDomain = await call('GET', '/crm/v3/objects/companies/birchlaw.example?idProperty=domain&properties=city');
		expect(byDomain.status).toBe(200);
		expect(byDomain.body.properties.city).toBe('Fresno');
		const id = byDomain.body.id as string;
		const patched = await call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { city: 'Sacramento', numberofemployees: 12 } });
		expect(patched.status).toBe(200);
		expect(patched.body.properties).toMatchObject({ city: 'Sacramento', numberofemployees: '12' });
		expect(Date.parse(patched.body.updatedAt)).toBeGreaterThan(Date.parse(byDomain.body.updatedAt));
		const missing = await call('GET', '/crm/v3/objects/companies/123');
		expect(missing.status).toBe(404);
		expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', correlationId: expect.any(String) });
		const notUnique = await call('GET', '/crm/v3/objects/companies/Austin?idProperty=city');
		expect(notUnique.status).toBe(400);
		const badProp = await call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { nope: 'x' } });
		expect(badProp.status).toBe(400);
		expect(badProp.body.errors).toEqual([{ message: 'Property "nope" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['nope'] } }]);
	});

	it('creates, rejects duplicate unique values, and batch reads with partial errors', async () => {
		const created = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'new@acmedental.example', firstname: 'New' } });
		expect(created.status).toBe(201);
		const dup = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'NEW@acmedental.example' } });
		expect(dup.status).toBe(409);
		expect(dup.body).toMatchObject({ category: 'CONFLICT', message: `Contact already exists. Existing ID: ${created.body.id}` });
		const read = await call('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: 'new@acmedental.example' }, { id: 'ghost@x.example' }], idProperty: 'email', properties: ['firstname'] });
		expect(read.status).toBe(207);
		expect(read.body.status).toBe('COMPLETE');
		expect(read.body.results).toHaveLength(1);
		expect(read.body.results[0].properties.firstname).toBe('New');
		expect(read.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['ghost@x.example'] } });
	});

	it('rejects a whole batch update or upsert that names one record twice, writing nothing', async () => {
		const created = await call('POST', '/crm/v3/objects/companies/batch/create', { inputs: [{ properties: { name: 'Golf', domain: 'golf.example' } }] });
		const id = created.body.results[0].id as string;
		const duplicate = (ids: string[]) => ({
			status: 'error',
			message: `Duplicate IDs found in batch input: [${ids.join(', ')}]. IDs must be unique`,
			correlationId: expect.any(String),
			category: 'VALIDATION_ERROR',
			context: { ids },
		});
		const update = await call('POST', '/crm/v3/objects/companies/batch/update', {
			inputs: [
				{ id, properties: { city: 'Reno' } },
				{ id, properties: { city: 'Elko' } },
			],
		});
		expect(update.status).toBe(400);
		expect(update.body).toEqual(duplicate([id]));
		const upsert = await call('POST', '/crm/v3/objects/companies/batch/upsert', {
			inputs: [
				{ id: 'hotel.example', idProperty: 'domain', properties: { name: 'Hotel' } },
				{ id: 'golf.example', idProperty: 'domain', properties: { city: 'Boise' } },
				{ id: 'hotel.example', idProperty: 'domain', properties: { name: 'Hotel again' } },
			],
		});
		expect(upsert.status).toBe(400);
		expect(upsert.body).toEqual(duplicate(['hotel.example']));
		// The same unique value in another case is the same record.
		const cased = await call('POST', '/crm/v3/objects/companies/batch/upsert', {
			inputs: [
				{ id: 'india.example', idProperty: 'domain', properties: { name: 'India' } },
				{ id: 'INDIA.example', idProperty: 'domain', properties: { name: 'India again' } },
			],
		});
		expect(cased.status).toBe(400);
		expect(cased.body.category).toBe('VALIDATION_ERROR');
		// Nothing of a rejected batch was written.
		const after = await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: [{ id }, { id: 'hotel.example' }, { id: 'india.example' }], properties: ['city', 'domain'] });
		expect(after.body.results.map((r: any) => [r.id, r.properties.city ?? null])).toEqual([[id, null]]);
		expect((await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: [{ id: 'hotel.example' }, { id: 'india.example' }], idProperty: 'domain', properties: ['name'] })).status).toBe(207);
	});

	it('batch create/update/upsert, with the batch size limit', async () => {
		const created = await call('POST', '/crm/v3/objects/companies/batch/create', { inputs: [{ properties: { name: 'Delta', domain: 'delta.example' } }, { properties: { name: 'Echo', domain: 'echo.example' } }] });
		expect(created.status).toBe(201);
		expect(created.body.results).toHaveLength(2);
		const updated = await call('POST', '/crm/v3/objects/companies/batch/update', { inputs: [{ id: created.body.results[0].id, properties: { city: 'Reno' } }] });
		expect(updated.status).toBe(200);
		expect(updated.body.results[0].properties.city).toBe('Reno');
		const upsert = await call('POST', '/crm/v3/objects/companies/batch/upsert', {
			inputs: [
				{ id: 'echo.example', idProperty: 'domain', properties: { city: 'Boise' } },
				{ id: 'foxtrot.example', idProperty: 'domain', properties: { name: 'Foxtrot' } },
			],
		});
		expect(upsert.status).toBe(200);
		expect(upsert.body.status).toBe('COMPLETE');
		expect(upsert.body.results.map((r: any) => [r.properties.domain, r.new])).toEqual([['echo.example', false], ['foxtrot.example', true]]);
		const badId = await call('POST', '/crm/v3/objects/companies/batch/upsert', { inputs: [{ id: 'x', idProperty: 'city', properties: {} }] });
		expect(badId.status).toBe(400);
		const tooMany = await call('POST', '/crm/v3/objects/contacts/batch/create', { inputs: Array.from({ length: 101 }, (_, i) => ({ properties: { email: `bulk${i}@x.example` } })) });
		expect(tooMany.status).toBe(400);
		expect(tooMany.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', errors: [expect.objectContaining({ code: 'TOO_MANY_INPUTS' })] });
		const small = new HubSpotEmulator(world, { maxBatchInputs: 2 });
		await small.start();
		try {
			const res = await fetch(`${small.url}/crm/v3/objects/contacts/batch/read`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body: JSON.stringify({ inputs: [{ id: '1' }, { id: '2' }, { id: '3' }] }),
			});
			expect(res.status).toBe(400);
		} finally {
			await small.stop();
		}
	});

	it('searches with filters, sorts, paging and total', async () => {
		const tx = await call('POST', '/crm/v3/objects/companies/search', {
			filterGroups: [{ filters: [{ propertyName: 'state', operator: 'EQ', value: 'tx' }] }],
			sorts: [{ propertyName: 'name', direction: 'DESCENDING' }],
			properties: ['state'],
			limit: 1,
		});
		expect(tx.status).toBe(200);
		expect(tx.body.total).toBe(2);
		expect(tx.body.results[0].properties.name).toBe('Cedar Veterinary');
		const next = await call('POST', '/crm/v3/objects/companies/search', {
			filterGroups: [{ filters: [{ propertyName: 'state', operator: 'EQ', value: 'TX' }] }],
			sorts: [{ propertyName: 'name', direction: 'DESCENDING' }],
			limit: 1,
			after: tx.body.paging.next.after,
		});
		expect(next.body.results[0].properties.name).toBe('Acme Dental LLC');
		expect(next.body.paging).toBeUndefined();
		const ors = await call('POST', '/crm/v3/objects/companies/search', {
			filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: ['birchlaw.example', 'cedarvets.example'] }] }, { filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'acme*' }, { propertyName: 'state', operator: 'NEQ', value: 'TX' }] }],
		});
		expect(ors.body.total).toBe(3);
		const hasPhone = await call('POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'HAS_PROPERTY' }] }] });
		expect(hasPhone.body.total).toBe(3);
		const gt = await call('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'createdate', operator: 'GT', value: '2024-01-15T09:02:00.000Z' }] }] });
		expect(gt.body.total).toBe(4);
		const bad = await call('POST', '/crm/v3/objects/contacts/search', { limit: 201 });
		expect(bad.status).toBe(400);
	});

	it('creates properties and answers 409 for an existing one', async () => {
		const list = await call('GET', '/crm/v3/properties/companies');
		expect(list.body.results.find((p: any) => p.name === 'domain')).toMatchObject({ hasUniqueValue: true, type: 'string' });
		const def = { name: 'msp_site_id', label: 'MSP site id', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true };
		const created = await call('POST', '/crm/v3/properties/companies', def);
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ name: 'msp_site_id', hasUniqueValue: true });
		const again = await call('POST', '/crm/v3/properties/companies', def);
		expect(again.status).toBe(409);
		expect(again.body).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
		const upsert = await call('POST', '/crm/v3/objects/companies/batch/upsert', { inputs: [{ id: 'site-1', idProperty: 'msp_site_id', properties: { name: 'Via custom id' } }] });
		expect(upsert.body.results[0]).toMatchObject({ new: true, properties: { msp_site_id: 'site-1' } });
	});

	it('rejects missing or wrong tokens with the 401 body', async () => {
		for (const token of [null, 'wrong']) {
			const res = await call('GET', '/crm/v3/objects/companies', undefined, token);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ status: 'error', message: expect.stringMatching(/^Authentication credentials not found/), correlationId: expect.any(String), category: 'INVALID_AUTHENTICATION' });
		}
	});

	it('enforces the ten-secondly window and the search limit with exact 429 bodies', async () => {
		let clock = 1_000_000;
		const limited = new HubSpotEmulator(world, { now: () => clock, rateLimits: { default: { kind: 'window', limit: 3, windowMs: 10_000 } } });
		await limited.start();
		const get = (path: string, method = 'GET', body?: unknown) =>
			fetch(`${limited.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
		try {
			for (let i = 0; i < 3; i++) expect((await get('/crm/v3/objects/companies')).status).toBe(200);
			const res = await get('/crm/v3/objects/companies');
			expect(res.status).toBe(429);
			expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
			expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
			expect(await res.json()).toEqual({ status: 'error', message: 'You have reached your ten secondly limit.', errorType: 'RATE_LIMIT', correlationId: expect.any(String), policyName: 'TEN_SECONDLY_ROLLING' });
			clock += 10_001;
			expect((await get('/crm/v3/objects/companies')).status).toBe(200);
			for (let i = 0; i < 4; i++) {
				const ok = await get('/crm/v3/objects/companies/search', 'POST', {});
				expect(ok.status).toBe(200);
				// Search answers carry none of the ten-secondly headers.
				expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
			}
			const searchLimited = await get('/crm/v3/objects/companies/search', 'POST', {});
			expect(searchLimited.status).toBe(429);
			expect(searchLimited.headers.get('x-hubspot-ratelimit-max')).toBeNull();
			expect(await searchLimited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
		} finally {
			await limited.stop();
		}
		const pro = new HubSpotEmulator(world, { tier: 'pro' });
		await pro.start();
		try {
			const res = await fetch(`${pro.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${TOKEN}` } });
			expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('190');
		} finally {
			await pro.stop();
		}
	});

	it('answers the daily limit with policy DAILY, Retry-After to midnight (UTC account), or none when so configured', async () => {
		const at = Date.parse('2026-03-01T23:00:00.000Z');
		for (const retryAfterOn429 of [true, false]) {
			const daily = new HubSpotEmulator(world, { now: () => at, dailyLimit: 2, retryAfterOn429 });
			await daily.start();
			try {
				const get = () => fetch(`${daily.url}/crm/v3/objects/companies`, { headers: { authorization: `Bearer ${TOKEN}` } });
				expect((await get()).status).toBe(200);
				const last = await get();
				expect(last.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
				const res = await get();
				expect(res.status).toBe(429);
				expect(res.headers.get('retry-after')).toBe(retryAfterOn429 ? '3600' : null);
				expect(await res.json()).toEqual({ status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', correlationId: expect.any(String), policyName: 'DAILY' });
			} finally {
				await daily.stop();
			}
		}
	});

	it('batch create: one bad input fails the whole batch, unless every input has objectWriteTraceId (207 per input)', async () => {
		const inputs = [
			{ properties: { name: 'Kilo', domain: 'kilo.example' } },
			{ properties: { name: 'Dup', domain: 'birchlaw.example' } },
			{ properties: { name: 'Lima', domain: 'lima.example', numberofemployees: 'many' } },
			{ properties: { name: 'Mike', domain: 'mike.example' } },
		];
		const whole = await call('POST', '/crm/v3/objects/companies/batch/create', { inputs });
		expect(whole.status).toBe(409);
		expect(whole.body).toMatchObject({ status: 'error', category: 'CONFLICT' });
		expect((await call('GET', '/crm/v3/objects/companies/kilo.example?idProperty=domain')).status).toBe(404);

		const traced = await call('POST', '/crm/v3/objects/companies/batch/create', { inputs: inputs.map((input, i) => ({ ...input, objectWriteTraceId: `t${i}` })) });
		expect(traced.status).toBe(207);
		expect(traced.body.numErrors).toBe(2);
		expect(traced.body.results.map((r: any) => [r.objectWriteTraceId, r.properties.domain])).toEqual([
			['t0', 'kilo.example'],
			['t3', 'mike.example'],
		]);
		expect(traced.body.errors).toEqual([
			expect.objectContaining({ status: 'error', category: 'CONFLICT', context: { objectWriteTraceId: ['t1'] } }),
			expect.objectContaining({ status: 'error', category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'] }, errors: [expect.objectContaining({ code: 'INVALID_LONG' })] }),
		]);
		// Upsert echoes the trace id too; results in reversed order when so configured.
		const reversed = new HubSpotEmulator(world, { batchResultOrder: 'reversed' });
		await reversed.start();
		try {
			const res = await fetch(`${reversed.url}/crm/v3/objects/companies/batch/upsert`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body: JSON.stringify({ inputs: ['a.example', 'b.example'].map((id, i) => ({ id, idProperty: 'domain', properties: { name: id }, objectWriteTraceId: `u${i}` })) }),
			});
			const body = (await res.json()) as { results: Array<{ objectWriteTraceId: string; properties: { domain: string } }> };
			expect(body.results.map((r) => [r.objectWriteTraceId, r.properties.domain])).toEqual([
				['u1', 'b.example'],
				['u0', 'a.example'],
			]);
		} finally {
			await reversed.stop();
		}
	});

	it('search: filter limits (5 groups, 10 per group, 25 in all) and the result cap', async () => {
		const f = { propertyName: 'state', operator: 'HAS_PROPERTY' };
		const groups = (n: number, per: number) => Array.from({ length: n }, () => ({ filters: Array.from({ length: per }, () => f) }));
		expect((await call('POST', '/crm/v3/objects/companies/search', { filterGroups: groups(5, 5) })).status).toBe(200);
		expect((await call('POST', '/crm/v3/objects/companies/search', { filterGroups: groups(1, 10) })).status).toBe(200);
		for (const bad of [groups(6, 1), groups(1, 11), groups(3, 9)]) {
			const res = await call('POST', '/crm/v3/objects/companies/search', { filterGroups: bad });
			expect(res.status).toBe(400);
			expect(res.body.errors[0].code).toBe('TOO_MANY_FILTERS');
		}
		expect((await call('POST', '/crm/v3/objects/companies/search', { limit: 200, after: '9800' })).status).toBe(200);
		const past = await call('POST', '/crm/v3/objects/companies/search', { limit: 200, after: '9801' });
		expect(past.status).toBe(400);
		expect(past.body.errors[0].code).toBe('INVALID_PAGING');
		const small = new HubSpotEmulator(world, { searchResultCap: 3, rateLimits: { search: null } });
		await small.start();
		try {
			const res = await fetch(`${small.url}/crm/v3/objects/companies/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ limit: 2, after: '2' }) });
			expect(res.status).toBe(400);
		} finally {
			await small.stop();
		}
	});

	it('property groups, type/fieldType pairs, unique-value cap and typed values', async () => {
		const def = (extra: Record<string, unknown>) => ({ name: 'msp_flag', label: 'Flag', type: 'bool', fieldType: 'booleancheckbox', groupName: 'msp_ops', ...extra });
		const noGroup = await call('POST', '/crm/v3/properties/companies', def({}));
		expect(noGroup.status).toBe(400);
		expect(noGroup.body.errors[0].code).toBe('GROUP_DOESNT_EXIST');
		expect((await call('GET', '/crm/v3/properties/companies/groups/msp_ops')).status).toBe(404);
		const group = await call('POST', '/crm/v3/properties/companies/groups', { name: 'msp_ops', label: 'MSP Ops' });
		expect(group.status).toBe(201);
		expect((await call('POST', '/crm/v3/properties/companies/groups', { name: 'msp_ops', label: 'MSP Ops' })).status).toBe(409);
		expect((await call('GET', '/crm/v3/properties/companies/groups')).body.results.map((g: any) => g.name)).toContain('msp_ops');
		const mismatch = await call('POST', '/crm/v3/properties/companies', def({ fieldType: 'text' }));
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.errors[0].code).toBe('INVALID_FIELD_TYPE');
		expect((await call('POST', '/crm/v3/properties/companies', def({ type: 'boolean' }))).body.errors[0].code).toBe('INVALID_PROPERTY_TYPE');
		expect((await call('POST', '/crm/v3/properties/companies', def({}))).status).toBe(201);
		expect((await call('POST', '/crm/v3/properties/companies', def({ name: 'msp_tier', type: 'enumeration', fieldType: 'select', options: [{ label: 'Gold', value: 'gold' }] }))).status).toBe(201);
		expect((await call('POST', '/crm/v3/properties/companies', def({ name: 'msp_since', type: 'date', fieldType: 'date' }))).status).toBe(201);
		const id = (await call('GET', '/crm/v3/objects/companies/birchlaw.example?idProperty=domain')).body.id as string;
		const ok = await call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { msp_flag: true, msp_tier: 'gold', msp_since: '2024-02-01' } });
		expect(ok.status).toBe(200);
		expect(ok.body.properties).toMatchObject({ msp_flag: 'true', msp_tier: 'gold', msp_since: '2024-02-01' });
		for (const [key, value, code] of [['msp_flag', 'yes', 'INVALID_BOOLEAN'], ['msp_tier', 'silver', 'INVALID_OPTION'], ['msp_since', '2024-02-01T10:00:00Z', 'INVALID_DATE']]) {
			const bad = await call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { [key]: value } });
			expect(bad.status).toBe(400);
			expect(bad.body.errors[0].code).toBe(code);
		}
		// "" clears a value.
		expect((await call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { msp_tier: '' } })).body.properties.msp_tier).toBeNull();
		const capped = new HubSpotEmulator(world, { maxUniqueProperties: 1 });
		await capped.start();
		try {
			const create = (name: string) =>
				fetch(`${capped.url}/crm/v3/properties/contacts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true }) });
			expect((await create('ext_a')).status).toBe(201);
			expect((await create('ext_b')).status).toBe(400);
		} finally {
			await capped.stop();
		}
	});

	it('injects faults through core', async () => {
		hs.scriptFaults([{ status: 502 }]);
		const res = await fetch(`${hs.url}/crm/v3/objects/companies`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(res.status).toBe(502);
		expect(res.headers.get('content-type')).toBe('text/html');
		expect(hs.requestLog.at(-1)).toMatchObject({ status: 502, fault: 'injected 502' });
		expect((await call('GET', '/crm/v3/objects/companies')).status).toBe(200);
	});

	describe('legacy Companies v2 (n8n built-in HubSpot node)', () => {
		it('pages the same companies as v3 with offset / has-more, properties as {value, versions}, limit <= 250', async () => {
			const first = await call('GET', '/companies/v2/companies/paged?limit=3&properties=name&properties=domain');
			expect(first.status).toBe(200);
			expect(first.body['has-more']).toBe(true);
			expect(first.body.companies).toHaveLength(3);
			const c0 = first.body.companies[0];
			expect(c0).toMatchObject({ companyId: expect.any(Number), isDeleted: false, properties: { name: { value: 'Acme Dental LLC', source: 'API' }, domain: { value: 'acmedental.example' } } });
			expect(Object.keys(c0.properties).sort()).toEqual(['domain', 'name']);
			expect(c0.properties.name.versions[0]).toMatchObject({ name: 'name', value: 'Acme Dental LLC' });
			const rest = await call('GET', `/companies/v2/companies/paged?limit=250&offset=${first.body.offset}`);
			expect(rest.body['has-more']).toBe(false);
			expect(rest.body.companies).toHaveLength(1);
			const v3 = await call('GET', '/crm/v3/objects/companies?limit=100');
			expect([...first.body.companies, ...rest.body.companies].map((c: { companyId: number }) => String(c.companyId))).toEqual(v3.body.results.map((c: { id: string }) => c.id));
			expect((await call('GET', '/companies/v2/companies/paged?limit=251')).status).toBe(400);
			expect((await call('GET', '/companies/v2/companies/paged?limit=0')).status).toBe(400);
		});

		it('PUT updates the v3 record; unknown properties and bodies that are not [{name, value}] are refused in the v2 form; unknown ids are 404', async () => {
			const id = [...hs.objects.companies.keys()][1];
			const put = await call('PUT', `/companies/v2/companies/${id}`, { properties: [{ name: 'city', value: 'Sacramento' }] });
			expect(put.status).toBe(200);
			expect(put.body.properties.city.value).toBe('Sacramento');
			const v3 = await call('GET', `/crm/v3/objects/companies/${id}?properties=city`);
			expect(v3.body.properties.city).toBe('Sacramento');
			const bad = await call('PUT', `/companies/v2/companies/${id}`, { properties: [{ name: 'no_such_prop', value: '1' }] });
			expect(bad.status).toBe(400);
			expect(bad.body).toMatchObject({ status: 'error', message: 'Property values were not valid', validationResults: [{ isValid: false, error: 'PROPERTY_DOESNT_EXIST', name: 'no_such_prop' }] });
			expect((await call('PUT', `/companies/v2/companies/${id}`, { properties: { city: 'x' } })).status).toBe(400);
			const missing = await call('PUT', '/companies/v2/companies/123', { properties: [{ name: 'city', value: 'x' }] });
			expect(missing.status).toBe(404);
			expect(missing.body).toMatchObject({ status: 'error', message: 'resource not found' });
			expect((await call('GET', `/companies/v2/companies/${id}`)).body.companyId).toBe(Number(id));
			expect(hs.writeRequests()).toBe(4);
		});

		it('POST creates a company v3 sees, refuses a second company with the same domain, and counts against the same ten-secondly limit as v3', async () => {
			const created = await call('POST', '/companies/v2/companies', { properties: [{ name: 'name', value: 'Dune Dental' }, { name: 'domain', value: 'dunedental.example' }] });
			expect(created.status).toBe(200);
			const v3 = await call('GET', `/crm/v3/objects/companies/${created.body.companyId}`);
			expect(v3.body.properties).toMatchObject({ name: 'Dune Dental', domain: 'dunedental.example' });
			const dup = await call('POST', '/companies/v2/companies', { properties: [{ name: 'domain', value: 'dunedental.example' }] });
			expect(dup.status).toBe(409);
			expect(v3.headers.get('x-hubspot-ratelimit-remaining')).toBe('98');
			for (let i = 0; i < 97; i++) await call('GET', '/companies/v2/companies/paged?limit=1');
			const limited = await call('GET', '/crm/v3/objects/companies?limit=1');
			expect(limited.status).toBe(429);
			expect(limited.body.policyName).toBe('TEN_SECONDLY_ROLLING');
			expect((await call('GET', '/companies/v2/companies/paged?limit=1')).status).toBe(429);
		});
	});
});
