import { resetRateLimiters } from '../../../lib/http';
import { clearLearnedHubSpotLimits } from '../../../lib/hubspot';
import { HubSpotCrm } from '../../../nodes/HubSpotCrm/HubSpotCrm.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { fakeExecute, runNode } from '../unifi/fakeExecute';

/** The HubSpot CRM node with an in-process execute context against the HubSpot emulator. */
describe('HubSpot CRM node (fake IExecuteFunctions, sandbox)', () => {
	let sandbox: Sandbox;
	const node = new HubSpotCrm();
	const creds = () => ({ mspHubSpotApi: { accessToken: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot, tier: 'freeStarter' } });
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['hubspot'], world: { sites: 12 } });
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => {
		sandbox.hubspot!.reset();
		resetRateLimiters();
		clearLearnedHubSpotLimits();
	});
	const companies = () => [...sandbox.hubspot!.objects.companies.values()].filter((c) => !c.archived);

	it('describes the node as n8n expects', () => {
		const d = node.description;
		expect(d.name).toBe('hubSpotCrm');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials?.map((c) => c.name)).toEqual(['mspHubSpotApi', 'supabaseApi']);
	});

	it('Get Many pages with Limit and Return All, with the properties asked for', async () => {
		const some = await runNode(node, { params: { resource: 'company', operation: 'getAll', returnAll: false, limit: 5, returnProperties: 'name, domain' }, credentials: creds() });
		expect(some).toHaveLength(5);
		expect(Object.keys(some[0].json.properties as object).sort()).toEqual(expect.arrayContaining(['domain', 'name']));
		const all = await runNode(node, { params: { resource: 'company', operation: 'getAll', returnAll: true, returnProperties: '' }, credentials: creds() });
		expect(all).toHaveLength(companies().length);
	});

	it('Get by a unique property for every item in one batch read; a missing one fails only its item with Continue On Fail', async () => {
		const domains = companies().slice(0, 3).map((c) => String(c.properties.domain));
		const { ctx } = fakeExecute({
			params: [...domains, 'nope.example'].map((d) => ({ resource: 'company', operation: 'get', recordId: d, idProperty: 'domain', returnProperties: 'domain' })),
			credentials: creds(),
			continueOnFail: true,
		});
		const out = ((await node.execute.call(ctx)) as Array<Array<{ json: Record<string, any>; pairedItem: unknown }>>)[0];
		expect(out.map((o) => o.json.properties?.domain ?? o.json.error)).toEqual([...domains, expect.stringMatching(/was not found \(item 3\)/)]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(sandbox.hubspot!.count('POST /crm/v3/objects/companies/batch/read')).toBe(1);
	});

	it('Create, Update and Delete go in batches, one item out per item in', async () => {
		const created = await runNode(node, {
			params: [0, 1, 2].map((i) => ({ resource: 'company', operation: 'create', 'propertyValues.values': [{ name: 'name', value: `New Co ${i}` }, { name: 'domain', value: `new${i}.example` }] })),
			credentials: creds(),
		});
		expect(created.map((c) => c.json.action)).toEqual(['created', 'created', 'created']);
		expect(sandbox.hubspot!.count('POST /crm/v3/objects/companies/batch/create')).toBe(1);
		const ids = created.map((c) => String(c.json.id));
		const updated = await runNode(node, {
			params: ids.map((id) => ({ resource: 'company', operation: 'update', recordId: id, 'propertyValues.values': [{ name: 'city', value: 'Albany' }] })),
			credentials: creds(),
		});
		expect(updated.map((u) => [u.json.action, (u.json.properties as Record<string, unknown>).city])).toEqual(ids.map(() => ['updated', 'Albany']));
		const deleted = await runNode(node, { params: ids.map((id) => ({ resource: 'company', operation: 'delete', recordId: id })), credentials: creds() });
		expect(deleted.map((d) => d.json)).toEqual(ids.map((id) => ({ action: 'archived', id })));
		expect(sandbox.hubspot!.count('POST /crm/v3/objects/companies/batch/archive')).toBe(1);
	});

	it('refuses a property name that is not an internal name, naming the item', async () => {
		await expect(
			runNode(node, { params: { resource: 'company', operation: 'create', 'propertyValues.values': [{ name: 'Health Score', value: '1' }] }, credentials: creds() }),
		).rejects.toThrow(/Properties.*internal property name/);
	});

	it('Search with a filter', async () => {
		const target = companies()[4];
		const out = await runNode(node, {
			params: { resource: 'company', operation: 'search', 'filters.values': [{ propertyName: 'domain', operator: 'EQ', value: target.properties.domain }], query: '', returnAll: true, returnProperties: 'domain' },
			credentials: creds(),
		});
		expect(out.map((o) => o.json.id)).toEqual([target.id]);
	});

	it('Search with filter groups (JSON): groups are ORed; more than 5 groups is refused with the parameter named', async () => {
		const [a, b] = companies();
		const groups = [a, b].map((c) => ({ filters: [{ propertyName: 'domain', operator: 'EQ', value: c.properties.domain }] }));
		const out = await runNode(node, {
			params: { resource: 'company', operation: 'search', filterGroupsJson: JSON.stringify(groups), query: '', returnAll: true, returnProperties: 'domain' },
			credentials: creds(),
		});
		expect(out.map((o) => o.json.id).sort()).toEqual([a.id, b.id].sort());
		await expect(
			runNode(node, { params: { resource: 'company', operation: 'search', filterGroupsJson: Array(6).fill(groups[0]), query: '', returnAll: true, returnProperties: '' }, credentials: creds() }),
		).rejects.toThrow(/Filter Groups \(JSON\).*at most 5 entries/);
	});

	it('Property > Ensure creates the MSP fields and their group once', async () => {
		const params = { resource: 'property', operation: 'ensure', objectType: 'companies', preset: 'mspHealth', groupName: 'msp_ops', groupLabel: 'MSP Ops' };
		const first = await runNode(node, { params, credentials: creds() });
		expect(first[0].json).toMatchObject({ created: ['msp_health_score', 'msp_health_status', 'msp_offline_devices', 'msp_last_sync'], existing: [], group: { name: 'msp_ops', created: true } });
		const second = await runNode(node, { params, credentials: creds() });
		expect(second[0].json).toMatchObject({ created: [], existing: ['msp_health_score', 'msp_health_status', 'msp_offline_devices', 'msp_last_sync'] });
		const listed = await runNode(node, { params: { resource: 'property', operation: 'getAll', objectType: 'companies', customOnly: false }, credentials: creds() });
		expect(listed.map((p) => p.json.name)).toEqual(expect.arrayContaining(['domain', 'msp_health_score']));
	});

	it('Create or Update writes only what changed: all, then nothing, then one; a new domain is created', async () => {
		await runNode(node, { params: { resource: 'property', operation: 'ensure', objectType: 'companies', preset: 'mspHealth', groupName: 'msp_ops', groupLabel: 'MSP Ops' }, credentials: creds() });
		const domains = companies().map((c) => String(c.properties.domain));
		const params = (score: (i: number) => number, extra: string[] = []) =>
			[...domains, ...extra].map((domain, i) => ({
				resource: 'company',
				operation: 'upsert',
				uniqueProperty: 'domain',
				matchValue: domain,
				dryRun: false,
				'propertyValues.values': [{ name: 'msp_health_score', value: score(i) }],
			}));
		const writes = () => ['update', 'create', 'upsert'].reduce((n, op) => n + sandbox.hubspot!.count(`POST /crm/v3/objects/companies/batch/${op}`), 0);
		const first = await runNode(node, { params: params((i) => 50 + i), credentials: creds() });
		expect(first.map((o) => o.json.action)).toEqual(domains.map(() => 'updated'));
		expect(writes()).toBe(1);
		const second = await runNode(node, { params: params((i) => 50 + i), credentials: creds() });
		expect(second.map((o) => o.json.action)).toEqual(domains.map(() => 'unchanged'));
		expect(writes()).toBe(1);
		const third = await runNode(node, { params: params((i) => (i === 2 ? 99 : 50 + i), ['brand-new.example']), credentials: creds() });
		expect(third.map((o) => o.json.action)).toEqual([...domains.map((_, i) => (i === 2 ? 'updated' : 'unchanged')), 'created']);
		expect(third[2].json.changed).toEqual(['msp_health_score']);
		expect(writes()).toBe(3);
	});
});
