import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { resetRateLimiters } from '../../../lib/http';
import { clearLearnedHubSpotLimits } from '../../../lib/hubspot';
import { HubSpotCrm } from '../../../nodes/HubSpotCrm/HubSpotCrm.node';
import { hubSpotMapperFields } from '../../../nodes/HubSpotCrm/methods/resourceMapping';
import { startSandbox, type Sandbox } from '../../sandbox';
import { fakeExecute, runNode, type FakeExecuteOptions } from '../unifi/fakeExecute';

/** Version 2 of HubSpot CRM: the Properties resource mapper on Create, Update and Create or Update, against the emulator. */

jest.setTimeout(60_000);

describe('HubSpot CRM version 2: the Properties mapper (fake IExecuteFunctions, sandbox)', () => {
	let sandbox: Sandbox;
	const node = new HubSpotCrm();
	const creds = () => ({ mspHubSpotApi: { accessToken: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot, tier: 'freeStarter' } });
	const hubspot = () => sandbox.hubspot!;
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['hubspot'], world: { sites: 6 } });
	});
	afterAll(() => sandbox.stop());
	beforeEach(() => {
		hubspot().reset();
		resetRateLimiters();
		clearLearnedHubSpotLimits();
	});
	const companies = () => [...hubspot().objects.companies.values()].filter((c) => !c.archived);
	const company = (domain: string) => companies().find((c) => c.properties.domain === domain)!;
	const propertyReads = (type = 'companies') => hubspot().count(`GET /crm/v3/properties/${type}`);

	/** Call the emulator's API as any HubSpot client would (property definitions the node then lists). */
	async function api(method: string, path: string, body: unknown): Promise<void> {
		const res = await fetch(`${sandbox.urls.hubspot}${path}`, {
			method,
			headers: { authorization: `Bearer ${sandbox.credentials.hubspotToken}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect([path, res.status]).toEqual([path, 201]);
	}

	const ensureMspProperties = () =>
		runNode(node, { params: { resource: 'property', operation: 'ensure', objectType: 'companies', preset: 'mspHealth', groupName: 'msp_ops', groupLabel: 'MSP Ops' }, credentials: creds(), typeVersion: 2 });

	/** An ILoadOptionsFunctions for the mapper method: the node's current parameters and the HubSpot credential. */
	function loadOptions(parameters: Record<string, unknown>): ILoadOptionsFunctions {
		return {
			getNode: () => ({ id: 'n', name: 'HubSpot CRM', type: 'n8n-nodes-msp-ops.hubSpotCrm', typeVersion: 2, position: [0, 0], parameters }),
			getCredentials: async () => creds().mspHubSpotApi,
			getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
			getCurrentNodeParameter: (name: string) => parameters[name],
			logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
		} as unknown as ILoadOptionsFunctions;
	}

	/** Run the node with one parameter set per item (or one for all) and the given input items. */
	async function run(params: FakeExecuteOptions['params'], json: IDataObject[], options: { typeVersion?: number; continueOnFail?: boolean } = {}): Promise<INodeExecutionData[]> {
		const { ctx } = fakeExecute({ params, credentials: creds(), items: json.length, typeVersion: options.typeVersion ?? 2, continueOnFail: options.continueOnFail });
		const items = json.map((j) => ({ json: j })) as INodeExecutionData[];
		(ctx as unknown as { getInputData: () => INodeExecutionData[] }).getInputData = () => items;
		return ((await node.execute.call(ctx)) as INodeExecutionData[][])[0];
	}

	const auto = (matchOn?: string) => ({ mappingMode: 'autoMapInputData', value: null, ...(matchOn ? { matchingColumns: [matchOn] } : {}), schema: [] });
	const manual = (value: Record<string, unknown>, matchOn?: string) => ({ mappingMode: 'defineBelow', value, ...(matchOn ? { matchingColumns: [matchOn] } : {}), schema: [] });
	const upsertParams = (columns: unknown, resource = 'company') => ({ resource, operation: 'upsert', columns, dryRun: false });

	it('offers versions 1 and 2, 2 by default; the mapper only on version 2, version 1 parameters only on 1', () => {
		expect(node.description.version).toEqual([1, 2]);
		expect(node.description.defaultVersion).toBe(2);
		const mappers = node.description.properties.filter((p) => p.name === 'columns');
		const mapperOf = (operation: string) => mappers.find((p) => (p.displayOptions?.show?.operation as string[]).includes(operation))!;
		expect(mapperOf('upsert').typeOptions?.resourceMapper).toMatchObject({
			resourceMapperMethod: 'getProperties',
			mode: 'upsert',
			fieldWords: { singular: 'property', plural: 'properties' },
			multiKeyMatch: false,
			supportAutoMap: true,
			matchingFieldsLabels: { title: 'Property to Match On' },
		});
		for (const op of ['create', 'update']) expect([op, mapperOf(op).typeOptions?.resourceMapper?.mode]).toEqual([op, 'add']);
		for (const m of mappers) {
			expect(m).toMatchObject({ displayName: 'Properties', type: 'resourceMapper', default: { mappingMode: 'autoMapInputData' } });
			expect(m.typeOptions?.loadOptionsDependsOn).toEqual(['resource']);
			expect(m.displayOptions?.show?.['@version']).toEqual([{ _cnd: { gte: 2 } }]);
		}
		const v1 = (name: string): INodeProperties[] => node.description.properties.filter((p) => p.name === name);
		for (const p of [...v1('uniqueProperty'), ...v1('matchValue'), ...v1('propertyValues')]) expect([p.name, p.displayOptions?.show?.['@version']]).toEqual([p.name, [1]]);
		expect(v1('propertyValues')).toHaveLength(3);
		// Update keeps its Record ID on both versions; Dry Run stays on both.
		for (const name of ['recordId', 'dryRun']) expect(v1(name)[0].displayOptions?.show?.['@version']).toBeUndefined();
		expect(node.methods.resourceMapping.getProperties).toBeInstanceOf(Function);
	});

	it("lists the object type's properties from HubSpot with their types, options, the ones to match on, and read-only ones removed", async () => {
		await ensureMspProperties();
		await api('POST', '/crm/v3/properties/companies', {
			name: 'msp_contract_tier',
			label: 'MSP Contract Tier',
			type: 'enumeration',
			fieldType: 'select',
			groupName: 'msp_ops',
			options: [
				{ label: 'Gold', value: 'gold', displayOrder: 0 },
				{ label: 'Silver', value: 'silver', displayOrder: 1 },
			],
		});
		await api('POST', '/crm/v3/properties/companies', { name: 'msp_managed', label: 'MSP Managed', type: 'bool', fieldType: 'booleancheckbox', groupName: 'msp_ops' });
		await api('POST', '/crm/v3/properties/companies', { name: 'msp_customer_id', label: 'MSP Customer ID', type: 'string', fieldType: 'text', groupName: 'msp_ops', hasUniqueValue: true });
		hubspot().clearLog();
		const { fields } = await node.methods.resourceMapping.getProperties.call(loadOptions({ resource: 'company', operation: 'upsert' }));
		expect(propertyReads()).toBe(1);
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(fields.map((f) => f.id)).toEqual([...hubspot().properties.companies.keys()]);
		expect(byId.domain).toMatchObject({ displayName: 'Company Domain Name (domain)', type: 'string', canBeUsedToMatch: true, readOnly: false, removed: false, display: true, required: false });
		expect(byId.name).toMatchObject({ displayName: 'Company name (name)', type: 'string', canBeUsedToMatch: false, readOnly: false });
		expect(byId.msp_health_score).toMatchObject({ displayName: 'MSP Health Score (msp_health_score)', type: 'number', canBeUsedToMatch: false });
		expect(byId.msp_last_sync).toMatchObject({ type: 'dateTime', readOnly: false });
		expect(byId.numberofemployees).toMatchObject({ type: 'number' });
		expect(byId.msp_managed).toMatchObject({ type: 'boolean' });
		expect(byId.msp_contract_tier).toMatchObject({ type: 'options', options: [{ name: 'Gold', value: 'gold' }, { name: 'Silver', value: 'silver' }] });
		// An enumeration HubSpot lists without options is offered as text.
		expect(byId.industry).toMatchObject({ type: 'string' });
		expect(byId.msp_customer_id).toMatchObject({ canBeUsedToMatch: true, readOnly: false });
		for (const id of ['hs_object_id', 'createdate', 'hs_lastmodifieddate']) {
			expect([id, byId[id]]).toEqual([id, expect.objectContaining({ readOnly: true, removed: true, canBeUsedToMatch: false })]);
		}
		expect(byId.hs_object_id.displayName).toBe('Record ID (hs_object_id, read-only)');
		expect(byId.createdate.type).toBe('dateTime');

		const contacts = await node.methods.resourceMapping.getProperties.call(loadOptions({ resource: 'contact', operation: 'create' }));
		const contact = Object.fromEntries(contacts.fields.map((f) => [f.id, f]));
		expect(contact.email).toMatchObject({ canBeUsedToMatch: true, readOnly: false });
		expect(contact.firstname).toMatchObject({ canBeUsedToMatch: false, type: 'string' });
		expect(contact.lastmodifieddate).toMatchObject({ readOnly: true, removed: true });
		expect(contact.domain).toBeUndefined();
	});

	it('hubSpotMapperFields: calculated properties are read-only, an enumeration checkbox is a boolean, domain matches only on companies', () => {
		const fields = hubSpotMapperFields(
			[
				{ name: 'hs_num_child_companies', label: 'Number of child companies', type: 'number', fieldType: 'calculation_equation', calculated: true },
				{ name: 'opt_in', label: 'Opt in', type: 'enumeration', fieldType: 'booleancheckbox', options: [{ label: 'Yes', value: 'true' }, { label: 'No', value: 'false' }] },
				{ name: 'domain', label: 'Domain', type: 'string', fieldType: 'text' },
				{ name: 'birthday', label: '', type: 'date', fieldType: 'date' },
			],
			'contacts',
		);
		expect(fields[0]).toMatchObject({ readOnly: true, removed: true, type: 'number', displayName: 'Number of child companies (hs_num_child_companies, read-only)' });
		expect(fields[1]).toMatchObject({ type: 'boolean', readOnly: false });
		expect(fields[1].options).toBeUndefined();
		expect(fields[2].canBeUsedToMatch).toBe(false);
		expect(fields[3]).toMatchObject({ displayName: 'birthday', type: 'dateTime' });
	});

	it('Create or Update, Map Automatically: writes item fields named like writable properties, matched on domain; a re-run writes nothing', async () => {
		await ensureMspProperties();
		const [a, b] = companies().map((c) => String(c.properties.domain));
		const json = [
			// Fields that are not properties (Unrelated) or are read-only (hs_object_id, createdate) are left alone.
			{ domain: a, msp_health_score: 70, msp_health_status: 'Healthy', Unrelated: 'x', hs_object_id: '1', createdate: 'yesterday', properties: { name: 'nested' } },
			{ domain: b.toUpperCase(), msp_health_score: 40 },
			{ domain: 'brand-new.example', name: 'Brand New', msp_health_score: 10 },
		];
		hubspot().clearLog();
		const first = await run(upsertParams(auto('domain')), json);
		expect(first.map((o) => o.json)).toEqual([
			{ action: 'updated', id: company(a).id, domain: a, changed: ['msp_health_score', 'msp_health_status'] },
			{ action: 'updated', id: company(b).id, domain: b.toUpperCase(), changed: ['msp_health_score'] },
			{ action: 'created', id: expect.any(String), domain: 'brand-new.example', changed: ['name', 'msp_health_score'] },
		]);
		expect(first.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(company(a).properties).toMatchObject({ msp_health_score: '70', msp_health_status: 'Healthy' });
		expect(company('brand-new.example').properties).toMatchObject({ name: 'Brand New', msp_health_score: '10' });
		// One property list, one batch read, one update and one create.
		expect([propertyReads(), hubspot().count('POST /crm/v3/objects/companies/batch/read'), hubspot().writeRequests()]).toEqual([1, 1, 2]);

		const second = await run(upsertParams(auto('domain')), json);
		expect(second.map((o) => o.json.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(hubspot().writeRequests()).toBe(2);
		expect(propertyReads()).toBe(2);
		expect(companies().filter((c) => c.properties.domain === 'brand-new.example')).toHaveLength(1);
	});

	it('Create or Update, Map Each Column Manually: writes only the values set in the panel (per item); a re-run writes nothing', async () => {
		await ensureMspProperties();
		const domains = companies().slice(0, 2).map((c) => String(c.properties.domain));
		const cityBefore = domains.map((d) => company(d).properties.city ?? null);
		const params = domains.map((domain, i) => upsertParams(manual({ domain, msp_health_score: 50 + i, msp_offline_devices: '' }, 'domain')));
		// The items carry fields named like properties: in manual mode they are not written.
		const json = domains.map(() => ({ city: 'Nowhere', msp_health_status: 'Critical' }));
		hubspot().clearLog();
		const first = await run(params, json);
		expect(first.map((o) => [o.json.action, o.json.changed])).toEqual([
			['updated', ['msp_health_score']],
			['updated', ['msp_health_score']],
		]);
		expect(domains.map((d) => [company(d).properties.msp_health_score, company(d).properties.msp_health_status ?? null, company(d).properties.city ?? null])).toEqual([
			['50', null, cityBefore[0]],
			['51', null, cityBefore[1]],
		]);
		// Manual mode needs no property list.
		expect(propertyReads()).toBe(0);
		const second = await run(params, json);
		expect(second.map((o) => o.json.action)).toEqual(['unchanged', 'unchanged']);
		expect(hubspot().writeRequests()).toBe(1);
		// A new domain is created with the mapped values; the dry run reports without writing.
		const dry = await run({ ...upsertParams(manual({ domain: 'manual-new.example', name: 'Manual New' }, 'domain')), dryRun: true }, [{}]);
		expect(dry[0].json).toMatchObject({ action: 'wouldCreate', domain: 'manual-new.example' });
		expect(hubspot().writeRequests()).toBe(1);
		const created = await run(upsertParams(manual({ domain: 'manual-new.example', name: 'Manual New' }, 'domain')), [{}]);
		expect(created[0].json).toMatchObject({ action: 'created', domain: 'manual-new.example' });
		expect(company('manual-new.example').properties.name).toBe('Manual New');
	});

	it('contacts upsert by email, mapped by name', async () => {
		const contact = [...hubspot().objects.contacts.values()][0];
		const email = String(contact.properties.email);
		const out = await run(upsertParams(auto('email'), 'contact'), [{ email, jobtitle: 'CTO', company_domain: 'x' }, { email: 'new.person@example.com', firstname: 'New' }]);
		expect(out.map((o) => [o.json.action, o.json.email])).toEqual([
			['updated', email],
			['created', 'new.person@example.com'],
		]);
		expect(contact.properties.jobtitle).toBe('CTO');
		expect(propertyReads('contacts')).toBe(1);
	});

	it('without a property to match on, Create or Update stops before any call and says what to pick', async () => {
		hubspot().clearLog();
		for (const columns of [auto(), manual({ domain: 'x.example', name: 'X' })]) {
			const error = await run(upsertParams(columns), [{ domain: 'x.example' }]).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toMatch(/Properties.*no column to match on.*pick one under "Property to Match On"/);
		}
		expect(hubspot().count()).toBe(0);
	});

	it('an item without a value for the match property fails alone, saying where to give one; a property to match on that is not writable is refused', async () => {
		const domain = String(companies()[0].properties.domain);
		const manualOut = await run([upsertParams(manual({ domain, city: 'Reno' }, 'domain')), upsertParams(manual({ city: 'Elko' }, 'domain'))], [{}, {}], { continueOnFail: true });
		expect(manualOut[0].json.action).toBe('updated');
		expect(manualOut[1].json).toMatchObject({ action: 'failed', error: expect.stringMatching(/HubSpot upsert item 1: no value for 'domain', the property to match on; set a value for 'domain' under Properties/) });
		expect((manualOut[1].json.details as IDataObject).field).toBe('domain');
		const autoError = await run(upsertParams(auto('domain')), [{ domain, city: 'Reno' }, { city: 'Elko' }]).catch((e: unknown) => e);
		expect((autoError as NodeOperationError).message).toMatch(/item 1: no value for 'domain'.*give the item a field named 'domain'/);
		expect((autoError as NodeOperationError).context.itemIndex).toBe(1);
		hubspot().clearLog();
		const readOnly = await run(upsertParams(auto('hs_object_id')), [{ hs_object_id: '1' }]).catch((e: unknown) => e);
		expect((readOnly as Error).message).toMatch(/matches on 'hs_object_id', which is not a writable property of HubSpot companies; pick another under "Property to Match On"/);
		expect(hubspot().writeRequests()).toBe(0);
	});

	it('a mapped item field that is an object fails naming the item and the field, before anything is written', async () => {
		const domain = String(companies()[0].properties.domain);
		hubspot().clearLog();
		const error = await run(upsertParams(auto('domain')), [{ domain }, { domain, city: { name: 'Reno' } }]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toMatch(/HubSpot item 1: property 'city' is an object; HubSpot takes text, numbers and booleans/);
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect((error as NodeOperationError).description).toMatch(/Field: city/);
		// A column that is not an internal name (a workflow written by hand) is refused the same way.
		const named = await run(upsertParams(manual({ domain, 'Health Score': 1 }, 'domain')), [{}], { continueOnFail: true }).catch((e: unknown) => e);
		expect((named as NodeOperationError).message).toMatch(/Properties' \(item 0\) sets 'Health Score', which is not a HubSpot internal property name/);
		expect(hubspot().writeRequests()).toBe(0);
	});

	it('Create and Update with the mapper: by name (writable properties only) or each property by hand', async () => {
		hubspot().clearLog();
		const byName = await run({ resource: 'company', operation: 'create', columns: auto() }, [
			{ name: 'Auto Co', domain: 'auto-co.example', Unrelated: 1, hs_object_id: '5' },
			{ name: 'Auto Two', domain: 'auto-two.example' },
		]);
		expect(byName.map((o) => [o.json.action, (o.json.properties as IDataObject).name, (o.json.properties as IDataObject).domain])).toEqual([
			['created', 'Auto Co', 'auto-co.example'],
			['created', 'Auto Two', 'auto-two.example'],
		]);
		expect([propertyReads(), hubspot().count('POST /crm/v3/objects/companies/batch/create')]).toEqual([1, 1]);
		const byHand = await run(
			[0, 1].map((i) => ({ resource: 'company', operation: 'create', columns: manual({ name: `Hand ${i}`, domain: `hand${i}.example`, numberofemployees: 10 + i }) })),
			[{ city: 'Nowhere' }, { city: 'Nowhere' }],
		);
		expect(byHand.map((o) => o.json.action)).toEqual(['created', 'created']);
		expect([company('hand1.example').properties.numberofemployees, company('hand1.example').properties.city ?? null]).toEqual(['11', null]);
		expect(propertyReads()).toBe(1);

		const ids = byName.map((o) => String(o.json.id));
		const updated = await run(
			ids.map((recordId) => ({ resource: 'company', operation: 'update', recordId, columns: manual({ city: 'Albany' }) })),
			ids.map(() => ({ state: 'NY' })),
		);
		expect(updated.map((o) => [o.json.action, o.json.id, (o.json.properties as IDataObject).city])).toEqual(ids.map((id) => ['updated', id, 'Albany']));
		expect(company('auto-co.example').properties.state ?? null).toBeNull();
		const updatedByName = await run(
			ids.map((recordId) => ({ resource: 'company', operation: 'update', recordId, columns: auto() })),
			ids.map(() => ({ state: 'NY', nope: 'x' })),
		);
		expect(updatedByName.map((o) => (o.json.properties as IDataObject).state)).toEqual(['NY', 'NY']);
		expect(hubspot().count('POST /crm/v3/objects/companies/batch/update')).toBe(2);
	});

	it('version 1 keeps Match By Property, Match Value and the Properties list', async () => {
		await ensureMspProperties();
		const domain = String(companies()[0].properties.domain);
		const params = { resource: 'company', operation: 'upsert', uniqueProperty: 'domain', matchValue: domain, dryRun: false, 'propertyValues.values': [{ name: 'msp_health_score', value: '77' }] };
		hubspot().clearLog();
		const first = await run(params, [{ msp_health_status: 'Critical' }], { typeVersion: 1 });
		expect(first[0].json).toMatchObject({ action: 'updated', domain, changed: ['msp_health_score'] });
		expect([company(domain).properties.msp_health_score, company(domain).properties.msp_health_status ?? null]).toEqual(['77', null]);
		expect((await run(params, [{}], { typeVersion: 1 }))[0].json.action).toBe('unchanged');
		expect(propertyReads()).toBe(0);
		const created = await run({ resource: 'company', operation: 'create', 'propertyValues.values': [{ name: 'name', value: 'V1 Co' }] }, [{ domain: 'ignored.example' }], { typeVersion: 1 });
		expect((created[0].json.properties as IDataObject).name).toBe('V1 Co');
		expect((created[0].json.properties as IDataObject).domain).toBeUndefined();
	});
});
