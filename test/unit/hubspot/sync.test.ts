import { ValidationError } from '../../../lib/errors';
import { resetRateLimiters } from '../../../lib/http';
import { clearLearnedHubSpotLimits, HubSpotClient, hubspotValuesEqual, syncHubSpotRecords, type HubSpotSyncRow } from '../../../lib/hubspot';
import { startSandbox, type Sandbox } from '../../sandbox';
import { HttpError } from '../../sandbox/core';
import type { HubSpotEmulatorOptions } from '../../sandbox/hubspot';

/** syncHubSpotRecords against the CRM v3 emulator: reads once, writes only what changed, never duplicates a create. */

const fastSleep = () => Promise.resolve();
const SCORE = 'msp_health_score';
const READ = 'POST /crm/v3/objects/companies/batch/read';
const UPDATE = 'POST /crm/v3/objects/companies/batch/update';
const CREATE = 'POST /crm/v3/objects/companies/batch/create';

describe('syncHubSpotRecords against the emulator', () => {
	let sandbox: Sandbox;
	const emu = () => sandbox.hubspot!;
	const client = () => new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot, sleep: fastSleep });
	const companies = () => [...emu().objects.companies.values()];
	const withDomain = (domain: string) => companies().filter((c) => c.properties.domain?.toLowerCase() === domain.toLowerCase());
	const domains = () => companies().map((c) => c.properties.domain as string);
	/** Hand-worked scores: 40 + (i mod 60) for the i-th seeded company. */
	const rows = (): HubSpotSyncRow[] => domains().map((domain, i) => ({ key: domain, properties: { [SCORE]: 40 + (i % 60), city: null } }));
	const counts = () => ({ reads: emu().count(READ), updates: emu().count(UPDATE), creates: emu().count(CREATE) });

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['hubspot'], emulator: { hubspot: { batchResultOrder: 'reversed' } as HubSpotEmulatorOptions } });
	});
	afterAll(() => sandbox.stop());
	beforeEach(async () => {
		emu().reset();
		resetRateLimiters();
		clearLearnedHubSpotLimits();
		const ensured = await client().ensureProperties('companies', [{ name: SCORE, label: 'Health score', type: 'number', fieldType: 'number' }], { group: { name: 'msp_ops', label: 'MSP Ops' } });
		expect(ensured.created).toEqual([SCORE]);
		// City is seeded for some companies; clear it so `city: null` is a no-op for all of them.
		for (const c of companies()) c.properties.city = null;
		emu().clearLog();
	});

	it('first run updates all 98 in 1 read + 1 write call, a re-run writes nothing, 5 changed are 5 updates in 1 call', async () => {
		expect(companies()).toHaveLength(98);
		const input = rows();
		const first = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
		expect(first).toHaveLength(98);
		expect(first.every((r, i) => r.index === i && r.action === 'updated' && r.key === input[i].key && r.id === withDomain(input[i].key)[0].id)).toBe(true);
		expect(first[0]).toMatchObject({ changed: [SCORE], changes: { [SCORE]: { from: null, to: '40' } } });
		expect(counts()).toEqual({ reads: 1, updates: 1, creates: 0 });
		expect(withDomain(input[61].key)[0].properties[SCORE]).toBe('41');

		emu().clearLog();
		const second = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: rows() });
		expect(second.every((r) => r.action === 'unchanged' && r.changed.length === 0)).toBe(true);
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 0 });

		emu().clearLog();
		const changed = rows();
		const picked = [3, 20, 41, 62, 97];
		for (const i of picked) changed[i].properties[SCORE] = 5;
		const third = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: changed });
		expect(third.filter((r) => r.action === 'updated').map((r) => r.index)).toEqual(picked);
		expect(third.filter((r) => r.action === 'unchanged')).toHaveLength(93);
		expect(third[62]).toMatchObject({ changed: [SCORE], changes: { [SCORE]: { from: '42', to: '5' } } });
		expect(counts()).toEqual({ reads: 1, updates: 1, creates: 0 });
	});

	it('compares values as HubSpot returns them: numbers and booleans as text, null and "" both empty', async () => {
		expect(hubspotValuesEqual('17.0', 17)).toBe(true);
		expect(hubspotValuesEqual('true', true)).toBe(true);
		expect(hubspotValuesEqual(null, '')).toBe(true);
		expect(hubspotValuesEqual('1.10', '1.1')).toBe(false);
		expect(hubspotValuesEqual('07030', 7030)).toBe(true);
		expect(hubspotValuesEqual('x', 0)).toBe(false);
		const [a, b] = domains();
		withDomain(a)[0].properties[SCORE] = '17.0';
		const result = await syncHubSpotRecords(client(), 'companies', {
			uniqueProperty: 'domain',
			rows: [
				{ key: a.toUpperCase(), properties: { [SCORE]: 17, city: '' } },
				{ key: b, properties: { [SCORE]: null, domain: ` ${b.toUpperCase()}` } },
			],
		});
		expect(result.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
		expect(result[0].key).toBe(a.toUpperCase());
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 0 });
	});

	it('creates 3 new domains in 1 call with the key as the domain, and a re-run leaves them alone', async () => {
		const input = [...rows().slice(0, 10), ...['new-one.example', 'New-Two.example', 'new-three.example'].map((key, i) => ({ key, properties: { [SCORE]: 90 + i, name: `New ${i}`, city: null } }))];
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
		expect(result.slice(10).map((r) => r.action)).toEqual(['created', 'created', 'created']);
		expect(result[11]).toMatchObject({ key: 'New-Two.example', changed: [SCORE, 'name'], id: withDomain('new-two.example')[0].id });
		expect(withDomain('new-two.example')[0].properties).toMatchObject({ domain: 'New-Two.example', [SCORE]: '91', name: 'New 1' });
		expect(counts()).toEqual({ reads: 1, updates: 1, creates: 1 });
		emu().clearLog();
		const again = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
		expect(again.every((r) => r.action === 'unchanged')).toBe(true);
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 0 });
		expect(companies()).toHaveLength(101);
	});

	it('fails only the item whose key is already used in the input (in any case), and items with bad values', async () => {
		const [a, b, c] = domains();
		const result = await syncHubSpotRecords(client(), 'companies', {
			uniqueProperty: 'domain',
			rows: [
				{ key: a, properties: { [SCORE]: 1 } },
				{ key: a.toUpperCase(), properties: { [SCORE]: 2 } },
				{ key: b, properties: { [SCORE]: { nested: true } as never } },
				{ key: ' ', properties: { [SCORE]: 3 } },
				{ key: c, properties: { [SCORE]: 4, domain: 'other.example' } },
				{ key: 'fresh.example', properties: { [SCORE]: 5 } },
			],
		});
		expect(result.map((r) => r.action)).toEqual(['updated', 'failed', 'failed', 'failed', 'failed', 'created']);
		expect(result[1].error?.message).toBe(`Item 1 has the same key '${a.toLowerCase()}' as item 0; each key may appear once per run`);
		expect(result[2].error).toBeInstanceOf(ValidationError);
		expect(result[2].error?.message).toMatch(/property 'msp_health_score' must be a string, a finite number, a boolean or null/);
		expect(result[3].error?.message).toMatch(/has no value for the unique property 'domain'/);
		expect(result[4].error?.message).toMatch(/sets 'domain' to 'other.example', which is not its key/);
		expect(withDomain(a)[0].properties[SCORE]).toBe('1');
		expect(counts()).toEqual({ reads: 1, updates: 1, creates: 1 });
	});

	it('a row that sets its key to a secret fails without showing the secret', async () => {
		// Found by the reliability suite (bad-input): the message and received echoed the row's value as it was.
		const [a] = domains();
		const secret = sandbox.credentials.hubspotToken;
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', dryRun: true, rows: [{ key: a, properties: { domain: secret } }] });
		expect(result[0].action).toBe('failed');
		expect(result[0].error?.message).toMatch(/sets 'domain' to '\[REDACTED\]', which is not its key/);
		expect(JSON.stringify(result[0].error?.toJSON())).not.toContain(secret);
	});

	it('a property named __proto__ or constructor is a property like any other', async () => {
		// Found by the reliability suite (bad-input): `values.__proto__ = 5` was silently dropped from the write.
		const properties = JSON.parse('{"__proto__": "5", "constructor": "6", "name": "Odd Co"}') as HubSpotSyncRow['properties'];
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', dryRun: true, rows: [{ key: 'odd-names.example', properties }] });
		expect(result[0]).toMatchObject({ action: 'wouldCreate', changed: ['__proto__', 'constructor', 'name'] });
		expect(Object.keys(result[0].changes ?? {})).toEqual(['__proto__', 'constructor', 'name']);
	});

	it('a dry run reports wouldCreate / wouldUpdate and writes nothing', async () => {
		const [a, b] = domains();
		const result = await syncHubSpotRecords(client(), 'companies', {
			uniqueProperty: 'domain',
			dryRun: true,
			rows: [
				{ key: a, properties: { [SCORE]: 7 } },
				{ key: b, properties: { city: null } },
				{ key: 'dry.example', properties: { [SCORE]: 8 } },
			],
		});
		expect(result.map((r) => r.action)).toEqual(['wouldUpdate', 'unchanged', 'wouldCreate']);
		expect(result[0].changes).toEqual({ [SCORE]: { from: null, to: '7' } });
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 0 });
	});

	it('a create that failed ambiguously and was not applied is looked up once, reported failed, and created once by the re-run', async () => {
		emu().scriptFaults([{ status: 502 }], /batch\/create/);
		const input = [{ key: 'maybe.example', properties: { [SCORE]: 50 } }];
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
		expect(result[0]).toMatchObject({ action: 'failed', error: { httpStatus: 502, retryable: true } });
		expect(result[0].error?.message).toMatch(/may or may not have been written.*Looked up by domain: it is not in HubSpot, so nothing was written; run again to create it/);
		expect(counts()).toEqual({ reads: 2, updates: 0, creates: 1 });
		expect(withDomain('maybe.example')).toHaveLength(0);
		const again = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
		expect(again[0].action).toBe('created');
		expect(withDomain('maybe.example')).toHaveLength(1);
	});

	it('a create whose connection was reset is looked up too; an input HubSpot refused is not', async () => {
		emu().scriptFaults([{ reset: true }], /batch\/create/);
		const reset = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [{ key: 'reset.example', properties: { [SCORE]: 1 } }] });
		expect(reset[0].error?.message).toMatch(/may or may not have been written.*Looked up by domain: it is not in HubSpot/);
		expect(counts()).toEqual({ reads: 2, updates: 0, creates: 1 });
		emu().clearLog();
		// An unknown property is refused for that input alone (207): final, so no look-up.
		const refused = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [{ key: 'refused.example', properties: { no_such_property: 'x' } }] });
		expect(refused[0]).toMatchObject({ action: 'failed', error: { code: 'VALIDATION_ERROR' } });
		expect(refused[0].error?.message).not.toMatch(/Looked up/);
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 1 });
	});

	it('a create that was applied but whose answer was lost is found by its key and not created again', async () => {
		const hs = emu() as unknown as { batchCreate(type: string, req: unknown): unknown };
		const original = hs.batchCreate.bind(emu());
		// Written, then the answer is a 502: the case a plain retry would duplicate.
		hs.batchCreate = (type, req) => {
			original(type, req);
			throw new HttpError({ status: 502, body: { status: 'error', message: 'Bad gateway', category: 'BAD_GATEWAY' } });
		};
		try {
			const [a] = domains();
			const input: HubSpotSyncRow[] = [
				{ key: a, properties: { [SCORE]: 11 } },
				{ key: 'lost-answer.example', properties: { [SCORE]: 60, name: 'Lost answer' } },
				{ key: 'lost-answer-2.example', properties: { [SCORE]: 61 } },
			];
			const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input });
			expect(result.map((r) => [r.action, r.recovered])).toEqual([
				['updated', undefined],
				['created', true],
				['created', true],
			]);
			expect(result[1].error).toBeUndefined();
			expect(result[1].id).toBe(withDomain('lost-answer.example')[0].id);
			expect(withDomain('lost-answer.example')).toHaveLength(1);
			expect(withDomain('lost-answer-2.example')).toHaveLength(1);
			// 1 read, 1 update, 1 create, 1 look-up of both keys; the values were already right, so no second write.
			expect(counts()).toEqual({ reads: 2, updates: 1, creates: 1 });
		} finally {
			delete (hs as { batchCreate?: unknown }).batchCreate;
		}
		emu().clearLog();
		const again = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [{ key: 'lost-answer.example', properties: { [SCORE]: 60, name: 'Lost answer' } }] });
		expect(again[0].action).toBe('unchanged');
		expect(counts()).toEqual({ reads: 1, updates: 0, creates: 0 });
	});

	it('a create that meets a record someone else made with its key adopts it and writes only the difference', async () => {
		const hs = emu() as unknown as { batchCreate(type: string, req: unknown): unknown; insert(type: string, props: Record<string, string>): unknown };
		const original = hs.batchCreate.bind(emu());
		// Someone else creates the record between our read and our create: HubSpot answers a conflict for that input.
		hs.batchCreate = (type, req) => {
			hs.insert('companies', { domain: 'race.example', name: 'Theirs', [SCORE]: '1' });
			return original(type, req);
		};
		try {
			const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [{ key: 'race.example', properties: { [SCORE]: 70, name: 'Theirs' } }] });
			expect(result[0]).toMatchObject({ action: 'updated', recovered: true, changed: [SCORE], changes: { [SCORE]: { from: '1', to: '70' } } });
			expect(withDomain('race.example')).toHaveLength(1);
			expect(withDomain('race.example')[0].properties[SCORE]).toBe('70');
		} finally {
			delete (hs as { batchCreate?: unknown }).batchCreate;
		}
	});

	it('never writes a key whose existing record could not be read', async () => {
		// More 502s than the client retries a read: the read of the one chunk fails.
		emu().scriptFaults(Array.from({ length: 20 }, () => ({ status: 502 })), /batch\/read/);
		const [a] = domains();
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [{ key: a, properties: { [SCORE]: 1 } }, { key: 'unknown.example', properties: { [SCORE]: 2 } }] });
		expect(result.map((r) => r.action)).toEqual(['failed', 'failed']);
		expect(result[1].error?.message).toMatch(/the existing record for 'unknown.example' could not be read, so nothing was written for it/);
		expect(emu().count(UPDATE) + emu().count(CREATE)).toBe(0);
	});

	it('throws while nothing is written; after a write, a credential failure fails the rest unsent', async () => {
		const [a, b] = domains();
		const input = [
			{ key: a, properties: { [SCORE]: 1 } },
			{ key: 'new.example', properties: { [SCORE]: 2 } },
		];
		emu().scriptFaults([{ status: 401 }], /batch\/update/);
		await expect(syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: input })).rejects.toMatchObject({ httpStatus: 401 });
		expect(emu().count(CREATE)).toBe(0);
		emu().scriptFaults([{ status: 401 }], /batch\/create/);
		const result = await syncHubSpotRecords(client(), 'companies', { uniqueProperty: 'domain', rows: [...input, { key: b, properties: { [SCORE]: 3 } }] });
		expect(result.map((r) => r.action)).toEqual(['updated', 'failed', 'updated']);
		expect(result[1].error?.message).toMatch(/\('new.example'\) was not written: an earlier write failed with/);
		expect(withDomain('new.example')).toHaveLength(0);
	});

	it('refuses a missing unique property before any call', async () => {
		await expect(syncHubSpotRecords(client(), 'companies', { uniqueProperty: ' ', rows: [] })).rejects.toThrow(/needs a property with unique values/);
		await expect(syncHubSpotRecords(client(), 'contacts', { uniqueProperty: 'hs_object_id', rows: [] })).rejects.toThrow(/for example email/);
		expect(emu().count()).toBe(0);
	});
});
