import { ConfigError, NotFoundError, RateLimitError, ValidationError } from '../../../lib/errors';
import { resetRateLimiters } from '../../../lib/http';
import { clearLearnedHubSpotLimits, HubSpotClient, parseHubSpotError, specForBurstLimit, type HubSpotClientOptions } from '../../../lib/hubspot';
import { startSandbox, type Sandbox } from '../../sandbox';
import { HubSpotEmulator, type HubSpotEmulatorOptions } from '../../sandbox/hubspot';

/** The HubSpot client against the CRM v3 emulator: paging, batches and their partial failures, limits and pacing. */

const fastSleep = () => Promise.resolve();
const CONTACTS_PER_COMPANY = 5;

describe('HubSpot client against the emulator', () => {
	let sandbox: Sandbox;
	const emu = () => sandbox.hubspot!;
	const client = (options: Partial<HubSpotClientOptions> = {}, url = sandbox.urls.hubspot) =>
		new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: url, sleep: fastSleep, ...options });
	const companies = () => sandbox.world.sites.length;
	const contacts = () => companies() * CONTACTS_PER_COMPANY;
	/** An emulator of its own for options fixed at construction. */
	async function withEmulator<T>(options: HubSpotEmulatorOptions, run: (hs: HubSpotEmulator) => Promise<T>): Promise<T> {
		const hs = new HubSpotEmulator(sandbox.world, options);
		await hs.start();
		try {
			return await run(hs);
		} finally {
			await hs.stop();
		}
	}

	beforeAll(async () => {
		sandbox = await startSandbox({
			services: ['hubspot'],
			// Results in reverse input order: the client must map them back by trace id or key, never by position.
			emulator: { hubspot: { contactsPerCompany: CONTACTS_PER_COMPANY, batchResultOrder: 'reversed' } as HubSpotEmulatorOptions },
		});
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => {
		emu().reset();
		resetRateLimiters();
		clearLearnedHubSpotLimits();
	});

	it('refuses a missing token, a bad base URL, an unknown tier and a batch size over 100', () => {
		expect(() => new HubSpotClient({ token: ' ' })).toThrow(ConfigError);
		expect(() => new HubSpotClient({ token: 'x', baseUrl: 'ftp://x' })).toThrow(ConfigError);
		expect(() => new HubSpotClient({ token: 'x', tier: 'gold' as never })).toThrow(/tier "gold"/);
		expect(() => new HubSpotClient({ token: 'x', batchSize: 101 })).toThrow(/between 1 and 100/);
	});

	it('lists with after paging, 100 per page, and stops at the limit without reading further pages', async () => {
		const all = await client().list('contacts', { properties: ['jobtitle'] });
		expect(all).toHaveLength(contacts());
		expect(new Set(all.map((c) => c.id)).size).toBe(contacts());
		expect(all[0].properties.jobtitle).toEqual(expect.any(String));
		expect(emu().count('GET /crm/v3/objects/contacts')).toBe(Math.ceil(contacts() / 100));

		emu().clearLog();
		const some = await client().list('contacts', { limit: 150 });
		expect(some.map((c) => c.id)).toEqual(all.slice(0, 150).map((c) => c.id));
		expect(emu().count('GET /crm/v3/objects/contacts')).toBe(2);
		emu().clearLog();
		expect(await client().list('companies', { limit: 7 })).toHaveLength(7);
		expect(emu().count('GET /crm/v3/objects/companies')).toBe(1);
		await expect(client().list('companies', { limit: 0 })).rejects.toThrow(ConfigError);
	});

	it('gets one record by id or by a unique property, and 404 is a NotFoundError naming the call', async () => {
		const site = sandbox.world.sites[3];
		const byDomain = await client().get('companies', site.hubspot.domain, { idProperty: 'domain', properties: ['city'] });
		expect(byDomain.properties).toMatchObject({ domain: site.hubspot.domain, city: site.hubspot.city });
		expect((await client().get('companies', byDomain.id)).id).toBe(byDomain.id);
		const missing = await client().get('companies', '123').catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(NotFoundError);
		expect(missing).toMatchObject({ service: 'hubspot', operation: 'get company', httpStatus: 404, message: expect.stringMatching(/^HubSpot GET \/crm\/v3\/objects\/companies\/123 returned 404/) });
	});

	it('batch creates 250 inputs in 3 calls and maps each result back to its input', async () => {
		const inputs = Array.from({ length: 250 }, (_, i) => ({ properties: { email: `bulk${i}@example.org`, firstname: `Bulk ${i}`, associatedcompanyid: i } }));
		const outcomes = await client().batchCreate('contacts', inputs);
		expect(emu().count('POST /crm/v3/objects/contacts/batch/create')).toBe(3);
		expect(outcomes).toHaveLength(250);
		outcomes.forEach((o, i) => {
			expect(o).toMatchObject({ index: i, status: 'created' });
			expect(o.object!.properties).toMatchObject({ email: `bulk${i}@example.org`, associatedcompanyid: String(i) });
		});
		expect(emu().objects.contacts.size).toBe(contacts() + 250);
	});

	it('batch reads by id and by a unique property in chunks of 100, with notFound for missing ones', async () => {
		const domains = sandbox.world.sites.map((s) => s.hubspot.domain);
		const ghosts = Array.from({ length: 5 }, (_, i) => `ghost${i}.example`);
		// The same domain again in another case is the same record: read once, answered for both inputs.
		const ids = [...domains, ...ghosts, ...domains.slice(0, 10).map((d) => d.toUpperCase())];
		const outcomes = await client().batchRead('companies', ids, { idProperty: 'domain', properties: ['city'] });
		expect(emu().count('POST /crm/v3/objects/companies/batch/read')).toBe(Math.ceil((domains.length + ghosts.length) / 100));
		expect(outcomes).toHaveLength(ids.length);
		outcomes.forEach((o, i) => {
			if (ids[i].startsWith('ghost')) expect(o).toEqual({ index: i, status: 'notFound' });
			else expect(o.object!.properties.domain).toBe(ids[i].toLowerCase());
		});
		const recordIds = outcomes.filter((o) => o.status === 'found').slice(0, 5).map((o) => o.object!.id);
		const byId = await client().batchRead('companies', [...recordIds, '42']);
		expect(byId.map((o) => o.status)).toEqual(['found', 'found', 'found', 'found', 'found', 'notFound']);
		expect(byId.slice(0, 5).map((o) => o.object!.id)).toEqual(recordIds);
	});

	it('upserts by a unique property: new values created, existing ones updated, in any case', async () => {
		const [a, b] = sandbox.world.sites;
		const outcomes = await client().batchUpsert(
			'companies',
			[
				{ id: 'new-one.example', properties: { name: 'New One', city: 'Reno' } },
				{ id: a.hubspot.domain.toUpperCase(), properties: { city: 'Boise' } },
				{ id: 'new-two.example', properties: { name: 'New Two', numberofemployees: 12 } },
				{ id: b.hubspot.domain, properties: { phone: null } },
			],
			{ idProperty: 'domain' },
		);
		expect(outcomes.map((o) => o.status)).toEqual(['created', 'updated', 'created', 'updated']);
		expect(outcomes[0].object!.properties).toMatchObject({ domain: 'new-one.example', city: 'Reno' });
		expect(outcomes[1].object!.properties).toMatchObject({ domain: a.hubspot.domain, city: 'Boise' });
		expect(outcomes[2].object!.properties.numberofemployees).toBe('12');
		// null clears the value (sent as "").
		expect(outcomes[3].object!.properties.phone).toBeNull();
		const again = await client().batchUpsert('companies', [{ id: 'new-one.example', properties: { city: 'Elko' } }], { idProperty: 'domain' });
		expect(again[0]).toMatchObject({ status: 'updated', object: { id: outcomes[0].object!.id } });
		await expect(client().batchUpsert('companies', [], { idProperty: '' })).rejects.toThrow(/needs a property with unique values/);
	});

	it('maps a 207 partial failure to the inputs its errors name, and refuses inputs naming one record twice', async () => {
		const existing = [...emu().objects.contacts.values()][0];
		const created = await client().batchCreate('contacts', [
			{ properties: { email: 'fresh1@example.org' } },
			{ properties: { email: existing.properties.email!.toUpperCase() } },
			{ properties: { email: 'fresh2@example.org', associatedcompanyid: 'not a number' } },
			{ properties: { email: 'fresh3@example.org' } },
		]);
		expect(emu().statusCounters.get(207)).toBe(1);
		expect(created.map((o) => o.status)).toEqual(['created', 'failed', 'failed', 'created']);
		expect(created[0].object!.properties.email).toBe('fresh1@example.org');
		expect(created[3].object!.properties.email).toBe('fresh3@example.org');
		expect(created[1].error).toMatchObject({ service: 'hubspot', operation: 'batch create contacts', itemIndex: 1, code: 'CONFLICT', message: expect.stringMatching(/^HubSpot batch create of contacts: input 1 failed: Contact already exists/) });
		expect(created[2].error).toMatchObject({ itemIndex: 2, code: 'VALIDATION_ERROR', field: 'properties.associatedcompanyid' });
		expect(created[2].error).toBeInstanceOf(ValidationError);

		const ids = [...emu().objects.contacts.values()].slice(0, 3).map((c) => c.id);
		const updated = await client().batchUpdate('contacts', [
			{ id: ids[0], properties: { jobtitle: 'Owner' } },
			{ id: '999', properties: { jobtitle: 'Nobody' } },
			{ id: ids[1], properties: { jobtitle: 'IT Contact' } },
			{ id: ids[0], properties: { jobtitle: 'Twice' } },
		]);
		expect(updated.map((o) => o.status)).toEqual(['updated', 'failed', 'updated', 'failed']);
		expect(updated[1].error).toMatchObject({ itemIndex: 1, code: 'OBJECT_NOT_FOUND', message: expect.stringContaining('input 1 (id "999") failed') });
		expect(updated[3].error).toMatchObject({ itemIndex: 3, code: 'DUPLICATE_INPUT', message: expect.stringContaining('same record as input 0') });
		expect(emu().objects.contacts.get(ids[0])!.properties.jobtitle).toBe('Owner');

		// A batch refused as a whole (400 for an unknown property) fails its inputs, and the next chunk still runs.
		const whole = await client({ batchSize: 2 }).batchUpdate('contacts', [
			{ id: ids[0], properties: { nope: 'x' } },
			{ id: ids[1], properties: { jobtitle: 'A' } },
			{ id: ids[2], properties: { jobtitle: 'B' } },
		]);
		expect(whole.map((o) => o.status)).toEqual(['failed', 'failed', 'updated']);
		expect(whole[1].error!.message).toMatch(/input 1 \(id "\d+"\) failed with the whole batch: .*returned 400/);
	});

	it('never sends a create again after an ambiguous failure, and says to look the records up first', async () => {
		emu().scriptFaults([{ status: 502 }], /batch\/create/);
		const outcomes = await client().batchCreate('contacts', [{ properties: { email: 'maybe@example.org' } }]);
		expect(emu().count('POST /crm/v3/objects/contacts/batch/create')).toBe(1);
		expect(outcomes[0]).toMatchObject({ status: 'failed', error: { httpStatus: 502, message: expect.stringMatching(/may or may not have been written .*look the record up by its unique property/) } });
		// Reads are sent again.
		emu().scriptFaults([{ status: 502 }], /batch\/read/);
		expect((await client().batchRead('contacts', ['maybe@example.org'], { idProperty: 'email' }))[0].status).toBe('notFound');
		expect(emu().count('POST /crm/v3/objects/contacts/batch/read')).toBe(2);
	});

	it('sends a batch update again after a 503 or a reset: the same values on the same ids end in the same state', async () => {
		const [created] = await client().batchCreate('contacts', [{ properties: { email: 'twice@example.org' } }]);
		const id = (created as { object?: { id: string } }).object!.id;
		emu().scriptFaults([{ status: 503 }, { reset: true }], /batch\/update/);
		const outcomes = await client().batchUpdate('contacts', [{ id, properties: { jobtitle: 'Engineer' } }]);
		expect(outcomes[0].status).toBe('updated');
		expect(emu().count('POST /crm/v3/objects/contacts/batch/update')).toBe(3);
		expect(emu().objects.contacts.get(id)?.properties.jobtitle).toBe('Engineer');
	});

	it('retries a ten-secondly 429 after its wait, but not a DAILY one, which fails with when it resets', async () => {
		emu().scriptFaults([{ status: 429 }], /batch\/upsert/);
		const started = Date.now();
		const outcomes = await client().batchUpsert('companies', [{ id: 'retry.example', properties: { name: 'Retry' } }], { idProperty: 'domain' });
		expect(outcomes[0].status).toBe('created');
		expect(emu().count('POST /crm/v3/objects/companies/batch/upsert')).toBe(2);
		// The wait was the 429's Retry-After (1 s), shared by the token's bucket.
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect([...emu().objects.companies.values()].filter((c) => c.properties.domain === 'retry.example')).toHaveLength(1);

		const daily = { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', correlationId: 'c0ffee00-0000-4000-8000-000000000000', policyName: 'DAILY' };
		emu().scriptFaults([{ status: 429, body: daily, headers: { 'retry-after': '5400', 'X-HubSpot-RateLimit-Daily': '250000' } }]);
		const error = await client().list('companies').catch((e: unknown) => e);
		expect(emu().count('GET /crm/v3/objects/companies')).toBe(1);
		expect(error).toBeInstanceOf(RateLimitError);
		expect(error).toMatchObject({ retryable: false, code: 'DAILY', httpStatus: 429, retryAfterMs: 5_400_000, requestId: daily.correlationId });
		expect((error as Error).message).toMatch(/^HubSpot's daily API limit for this account is spent \(250000 calls a day\): .* resets at midnight in the HubSpot account's time zone, in about 1 h 30 min/);
		// In a batch it ends the whole call instead of failing chunk after chunk: thrown when nothing was written yet ...
		emu().scriptFaults([{ status: 429, body: daily }]);
		await expect(client().batchCreate('contacts', [{ properties: { email: 'late@example.org' } }])).rejects.toThrow(/daily API limit/);
		expect(emu().count('POST /crm/v3/objects/contacts/batch/create')).toBe(1);
		// ... else the caller keeps what the first chunk wrote, and the rest fail unsent.
		await withEmulator({ dailyLimit: 1 }, async (hs) => {
			const inputs = Array.from({ length: 6 }, (_, i) => ({ properties: { email: `spent${i}@example.org` } }));
			const spent = await client({ batchSize: 2 }, hs.url).batchCreate('contacts', inputs);
			expect(spent.map((o) => o.status)).toEqual(['created', 'created', 'failed', 'failed', 'failed', 'failed']);
			expect(hs.count('POST /crm/v3/objects/contacts/batch/create')).toBe(2);
			expect(spent[2].error).toMatchObject({ itemIndex: 2, code: 'DAILY', message: expect.stringMatching(/^HubSpot batch create of contacts: input 2 was not sent: HubSpot's daily API limit/) });
			expect(spent[5].error!.itemIndex).toBe(5);
		});
	});

	it('slows down from the X-HubSpot-RateLimit-* headers of a small tier: no 429 over several windows', async () => {
		const window = { kind: 'window' as const, limit: 5, windowMs: 1_000 };
		const run = (adaptToHeaders: boolean) =>
			withEmulator({ rateLimits: { default: window, search: null } }, async (hs) => {
				resetRateLimiters();
				clearLearnedHubSpotLimits();
				const c = client({ adaptToHeaders, retry: { retries: 8 } }, hs.url);
				const started = Date.now();
				for (let i = 0; i < 16; i++) await c.get('companies', sandbox.world.sites[i].hubspot.domain, { idProperty: 'domain' });
				return { rateLimited: hs.statusCounters.get(429) ?? 0, ok: hs.statusCounters.get(200) ?? 0, ms: Date.now() - started };
			});
		const adapted = await run(true);
		expect(adapted).toMatchObject({ rateLimited: 0, ok: 16 });
		// 16 calls at 5 per rolling second take at least 3 windows.
		expect(adapted.ms).toBeGreaterThanOrEqual(2_000);
		// The same run paced only by the documented tier (100 / 10 s) runs into the small limit.
		const blind = await run(false);
		expect(blind.rateLimited).toBeGreaterThan(0);
		expect(blind.ok).toBe(16);
		expect(specForBurstLimit({ max: 100, intervalMs: 10_000 })).toEqual({ requestsPerSecond: 8, burst: 10 });
	}, 60_000);

	it('without Retry-After, a ten-secondly 429 holds the token for a share of the window and is retried', async () => {
		await withEmulator({ retryAfterOn429: false, rateLimits: { default: { kind: 'window', limit: 3, windowMs: 1_000 }, search: null } }, async (hs) => {
			const c = client({ adaptToHeaders: false, burstLimit: { max: 100, intervalMs: 1_000 }, retry: { retries: 10, minDelayMs: 1, maxDelayMs: 5 } }, hs.url);
			const outcomes = await c.batchUpsert(
				'companies',
				Array.from({ length: 6 }, (_, i) => ({ id: `nora${i}.example`, properties: { name: `Nora ${i}` } })),
				{ idProperty: 'domain' },
			);
			expect(outcomes.every((o) => o.status === 'created')).toBe(true);
			const upserts = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => c.get('companies', `nora${i}.example`, { idProperty: 'domain' })));
			expect(upserts).toHaveLength(6);
			expect(hs.statusCounters.get(429)).toBeGreaterThan(0);
			expect(hs.requestLog.filter((r) => r.status === 429).every((r) => r.fault === 'rate_limit')).toBe(true);
		});
	}, 30_000);

	it('searches page by page on its own bucket, and fails clearly instead of reading past the result cap', async () => {
		const all = await client().search('contacts', { properties: ['email'], sorts: [{ propertyName: 'email', direction: 'ASCENDING' }] });
		expect(all.total).toBe(contacts());
		expect(all.results).toHaveLength(contacts());
		const emails = all.results.map((r) => r.properties.email ?? '');
		expect(emails).toEqual([...emails].sort((a, b) => a.localeCompare(b)));
		expect(emu().count('POST /crm/v3/objects/contacts/search')).toBe(Math.ceil(contacts() / 200));
		// Paced at 3.5 per second: the emulator's 4 per second never answered 429.
		expect(emu().statusCounters.get(429)).toBeUndefined();

		const tx = await client().search('companies', { filterGroups: [{ filters: [{ propertyName: 'state', operator: 'EQ', value: 'TX' }] }], limit: 3 });
		expect(tx.results.length).toBeLessThanOrEqual(3);
		expect(tx.results.every((r) => r.properties.state === undefined || r.properties.state === 'TX')).toBe(true);

		await withEmulator({ searchResultCap: 300, contactsPerCompany: CONTACTS_PER_COMPANY }, async (hs) => {
			const capped = client({ searchResultCap: 300 }, hs.url);
			const error = await capped.search('contacts').catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ValidationError);
			expect((error as Error).message).toMatch(new RegExp(`^HubSpot search of contacts matches ${contacts()} records, more than the 300 one search query can return: nothing was returned`));
			expect(hs.count('POST /crm/v3/objects/contacts/search')).toBe(1);
			// Up to the cap is fine.
			expect((await capped.search('contacts', { limit: 300 })).results).toHaveLength(300);
			expect(hs.statusCounters.get(400)).toBeUndefined();
		});
	});

	it('ensures a property group and properties: creates what is missing, a second run creates nothing', async () => {
		const specs = [
			{ name: 'msp_site_id', label: 'MSP site ID', type: 'string', fieldType: 'text', hasUniqueValue: true },
			{ name: 'msp_health_score', label: 'Health score', type: 'number', fieldType: 'number' },
			{ name: 'domain', label: 'Company Domain Name', type: 'string', fieldType: 'text' },
			{ name: 'industry', label: 'Industry', type: 'string', fieldType: 'text' },
		];
		const group = { name: 'msp_ops', label: 'MSP Ops' };
		const first = await client().ensureProperties('companies', specs, { group });
		expect(first).toEqual({
			group: { name: 'msp_ops', created: true },
			created: ['msp_site_id', 'msp_health_score'],
			existing: ['domain', 'industry'],
			mismatched: [{ name: 'industry', expected: 'string/text', actual: 'enumeration/select' }],
		});
		expect(emu().properties.companies.get('msp_site_id')).toMatchObject({ groupName: 'msp_ops', hasUniqueValue: true });
		emu().clearLog();
		const second = await client().ensureProperties('companies', specs, { group });
		expect(second).toMatchObject({ group: { name: 'msp_ops', created: false }, created: [], existing: ['msp_site_id', 'msp_health_score', 'domain', 'industry'] });
		expect(emu().requestLog.filter((r) => r.method === 'POST')).toHaveLength(0);
		// The new unique property works as an upsert key.
		const up = await client().batchUpsert('companies', [{ id: 'SITE-1', properties: { name: 'Via site id', msp_health_score: 87 } }], { idProperty: 'msp_site_id' });
		expect(up[0]).toMatchObject({ status: 'created', object: { properties: { msp_site_id: 'SITE-1', msp_health_score: '87' } } });
	});

	it('ensures properties through 5xx answers and resets, also when the create happened but its answer was lost', async () => {
		const specs = [
			{ name: 'msp_health_score', label: 'Health score', type: 'number', fieldType: 'number' },
			{ name: 'msp_health_status', label: 'Health status', type: 'string', fieldType: 'text' },
		];
		const group = { name: 'msp_ops', label: 'MSP Ops' };
		// The group's create fails with a 500; the first property's create is carried out but answered 502, and the
		// connection of its first retry is reset before anything is done.
		emu().scriptFaults([{ status: 500 }], /^POST .*\/groups$/);
		emu().scriptFaults([{ lostResponse: true, as: 502 }, { reset: true }], /^POST \/crm\/v3\/properties\/companies$/);
		const result = await client().ensureProperties('companies', specs, { group });
		// The lost create's retry met 409: the property exists, made by this call's first attempt.
		expect(result).toEqual({ group: { name: 'msp_ops', created: true }, created: ['msp_health_status'], existing: ['msp_health_score'], mismatched: [] });
		expect([...emu().properties.companies.values()].filter((p) => p.name.startsWith('msp_')).map((p) => [p.name, p.groupName])).toEqual([
			['msp_health_score', 'msp_ops'],
			['msp_health_status', 'msp_ops'],
		]);
		expect(emu().requestLog.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 201, 502, 0, 409, 201]);
	});

	it('reads HubSpot error bodies into message, code and correlation id, and refuses non-scalar values', async () => {
		expect(parseHubSpotError(400, { status: 'error', message: 'Property values were not valid', correlationId: 'abc', category: 'VALIDATION_ERROR', errors: [{ message: 'x was not a valid number.' }] })).toEqual({
			message: 'Property values were not valid (x was not a valid number.)',
			code: 'VALIDATION_ERROR',
			requestId: 'abc',
		});
		expect(parseHubSpotError(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }).hint).toMatch(/private app access token/);
		expect(parseHubSpotError(503, '<html><h1>503</h1></html>').message).toBe('503');
		await expect(client().batchCreate('contacts', [{ properties: { tags: ['a'] } }])).rejects.toThrow(/input 0: property "tags" must be a string, number or boolean/);
		const denied = await new HubSpotClient({ token: 'wrong-token', baseUrl: sandbox.urls.hubspot, sleep: fastSleep }).batchRead('contacts', ['1']).catch((e: unknown) => e);
		expect(denied).toMatchObject({ kind: 'authentication', httpStatus: 401 });
		expect((denied as Error).message).not.toContain('wrong-token');
	});
});
