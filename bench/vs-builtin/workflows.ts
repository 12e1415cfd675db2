/**
 * The workflows the vs-builtin benchmark runs: what a user builds with n8n's built-in Notion and HubSpot nodes
 * (read everything, Merge by key, then one call per row), paced or not, with or without Retry On Fail; and the same
 * job with this package's Notion Sync and HubSpot nodes. Parameter names are those of n8n 2.8's nodes (Notion 2.2,
 * HubSpot 2.2, Merge 3.2, If 2.3, Loop Over Items 3, Wait 1.1, Code 2); what each built-in node sends is in
 * docs/builtin-nodes.md.
 */
import { randomUUID } from 'node:crypto';

import { packageNodeType } from '../../test/e2e/harness';
import { WORKFLOW_CREDENTIAL_IDS } from '../../test/e2e/sandboxCredentials';

export const BUILTIN_CREDENTIAL_IDS = { notion: 'notionBuiltin001', hubspot: 'hubspotBuiltin01' } as const;

/** How the per-row calls are paced: Loop Over Items with a Wait, or not at all; and the node's Retry On Fail. */
export interface Pacing {
	/** Items per Loop Over Items batch, then `waitSeconds` (undefined: no loop, every row at once). */
	batchSize?: number;
	waitSeconds?: number;
	/** The write nodes' Retry On Fail setting (n8n's defaults: 3 tries, 1000 ms between them). */
	retryOnFail?: boolean;
}

type Node = Record<string, unknown> & { name: string };
type Connections = Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;

class Builder {
	readonly nodes: Node[] = [];
	readonly connections: Connections = {};
	private x = 0;

	add(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
		this.x += 220;
		this.nodes.push({ id: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${this.nodes.length}`, name, type, typeVersion, position: [this.x, (this.nodes.length % 3) * 160], parameters, ...extra });
		return name;
	}

	connect(from: string, to: string, output = 0, input = 0): void {
		const main = (this.connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: input });
	}

	workflow(id: string, name: string): Record<string, unknown> {
		return { id, name, nodes: this.nodes, connections: this.connections, settings: { executionOrder: 'v1' }, active: false };
	}
}

function rowsCode(rows: Array<Record<string, unknown>>): Record<string, unknown> {
	return { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` };
}

function retrySettings(pacing: Pacing): Record<string, unknown> {
	return pacing.retryOnFail ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {};
}

/** `source -> [Loop Over Items -> write -> Wait -> loop]` or `source -> write`; returns nothing (the loop's done output is left open). */
function writeStep(b: Builder, source: string, sourceOutput: number, label: string, write: () => string, pacing: Pacing): void {
	if (pacing.batchSize === undefined) {
		b.connect(source, write(), sourceOutput);
		return;
	}
	const loop = b.add(`Loop ${label}`, 'n8n-nodes-base.splitInBatches', 3, { batchSize: pacing.batchSize, options: {} });
	b.connect(source, loop, sourceOutput);
	const node = write();
	// Loop Over Items: output 0 is "done", output 1 the current batch.
	b.connect(loop, node, 1);
	const wait = b.add(`Wait ${label}`, 'n8n-nodes-base.wait', 1.1, { resume: 'timeInterval', amount: pacing.waitSeconds ?? 1, unit: 'seconds' }, { webhookId: randomUUID() });
	b.connect(node, wait);
	b.connect(wait, loop);
}

// ---------------------------------------------------------------------------------------------- Notion

/** The Notion columns both approaches write (a site health row). */
export const NOTION_SCHEMA: Record<string, unknown> = {
	Site: { title: {} },
	'Site ID': { rich_text: {} },
	Customer: { rich_text: {} },
	Score: { number: { format: 'number' } },
	Status: { select: { options: [{ name: 'healthy' }, { name: 'warning' }, { name: 'critical' }] } },
	Devices: { number: { format: 'number' } },
	'Devices Offline': { number: { format: 'number' } },
};

/** The built-in node's property list (`key` is `<name>|<type>`, as its UI stores it), values by expression. */
function notionProperties(withTitle: boolean): Record<string, unknown> {
	const values: Array<Record<string, unknown>> = [
		{ key: 'Site ID|rich_text', type: 'rich_text', textContent: "={{ $json['Site ID'] }}" },
		{ key: 'Customer|rich_text', type: 'rich_text', textContent: '={{ $json.Customer }}' },
		{ key: 'Score|number', type: 'number', numberValue: '={{ $json.Score }}' },
		{ key: 'Status|select', type: 'select', selectValue: '={{ $json.Status }}' },
		{ key: 'Devices|number', type: 'number', numberValue: '={{ $json.Devices }}' },
		{ key: 'Devices Offline|number', type: 'number', numberValue: "={{ $json['Devices Offline'] }}" },
	];
	if (withTitle) values.unshift({ key: 'Site|title', type: 'title', title: '={{ $json.Site }}' });
	return { propertyValues: values };
}

/**
 * Built-in pattern: Get Many (Return All, simplified: the key comes back as `property_site_id`) and the rows into
 * Merge (enrich input 1 by Site ID), If the row found a page: Update it, else Create one.
 */
export function builtinNotionWorkflow(id: string, databaseId: string, rows: Array<Record<string, unknown>>, pacing: Pacing): Record<string, unknown> {
	const b = new Builder();
	const cred = { notionApi: { id: BUILTIN_CREDENTIAL_IDS.notion, name: 'Notion (built-in)' } };
	const db = { __rl: true, mode: 'id', value: databaseId };
	const manual = b.add('Manual', 'n8n-nodes-base.manualTrigger', 1, {});
	const source = b.add('Rows', 'n8n-nodes-base.code', 2, rowsCode(rows));
	// Always Output Data: an empty database returns no items, and the Merge must still get the rows.
	const getMany = b.add('Get Many', 'n8n-nodes-base.notion', 2.2, { resource: 'databasePage', operation: 'getAll', databaseId: db, returnAll: true, filterType: 'none', simple: true, options: {} }, { credentials: cred, alwaysOutputData: true });
	const merge = b.add('Merge by Site ID', 'n8n-nodes-base.merge', 3.2, {
		mode: 'combine',
		combineBy: 'combineByFields',
		advanced: true,
		mergeByFields: { values: [{ field1: 'Site ID', field2: 'property_site_id' }] },
		joinMode: 'enrichInput1',
		options: {},
	});
	const exists = b.add('Page exists?', 'n8n-nodes-base.if', 2.3, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
			conditions: [{ id: 'c0ffee00-0000-4000-8000-000000000001', leftValue: '={{ $json.id }}', rightValue: '', operator: { type: 'string', operation: 'exists', singleValue: true } }],
			combinator: 'and',
		},
		looseTypeValidation: true,
		options: {},
	});
	b.connect(manual, source);
	b.connect(manual, getMany);
	b.connect(source, merge, 0, 0);
	b.connect(getMany, merge, 0, 1);
	b.connect(merge, exists);
	const settings = retrySettings(pacing);
	writeStep(b, exists, 0, 'Update', () => b.add('Update Page', 'n8n-nodes-base.notion', 2.2, { resource: 'databasePage', operation: 'update', pageId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, simple: true, propertiesUi: notionProperties(true), options: {} }, { credentials: cred, ...settings }), pacing);
	writeStep(b, exists, 1, 'Create', () => b.add('Create Page', 'n8n-nodes-base.notion', 2.2, { resource: 'databasePage', operation: 'create', databaseId: db, title: '={{ $json.Site }}', simple: true, propertiesUi: notionProperties(false), options: {} }, { credentials: cred, ...settings }), pacing);
	return b.workflow(id, `Built-in Notion pattern (${pacing.batchSize ? `paced ${pacing.batchSize}/${pacing.waitSeconds ?? 1}s` : 'unpaced'}${pacing.retryOnFail ? ', Retry On Fail' : ''})`);
}

/** This package: the rows into Notion Sync's Upsert, keyed by Site ID (it reads the rows, diffs, writes the changes). */
export function notionSyncWorkflow(id: string, ids: { databaseId: string; dataSourceId: string }, rows: Array<Record<string, unknown>>): Record<string, unknown> {
	const b = new Builder();
	const manual = b.add('Manual', 'n8n-nodes-base.manualTrigger', 1, {});
	const source = b.add('Rows', 'n8n-nodes-base.code', 2, rowsCode(rows));
	const upsert = b.add('Upsert Rows', packageNodeType('notionSync'), 1, {
		resource: 'row',
		operation: 'upsert',
		database: { __rl: true, mode: 'id', value: ids.databaseId },
		dataSource: { __rl: true, mode: 'id', value: ids.dataSourceId },
		keyProperty: 'Site ID',
		autoMap: true,
		options: {},
	}, { credentials: { mspNotionApi: { id: WORKFLOW_CREDENTIAL_IDS.notion, name: 'Notion' } } });
	b.connect(manual, source);
	b.connect(source, upsert);
	return b.workflow(id, 'Notion Sync upsert');
}

// ---------------------------------------------------------------------------------------------- HubSpot

export const HUBSPOT_SCORE_PROPERTY = 'msp_health_score';

/**
 * Built-in pattern: Get Many companies (Return All, domain only) and the rows into Merge (enrich input 1 by
 * domain), then Update each company (its only company write is one company per call; it has no upsert).
 */
export function builtinHubSpotWorkflow(id: string, rows: Array<Record<string, unknown>>, pacing: Pacing): Record<string, unknown> {
	const b = new Builder();
	const cred = { hubspotAppToken: { id: BUILTIN_CREDENTIAL_IDS.hubspot, name: 'HubSpot app token (built-in)' } };
	const manual = b.add('Manual', 'n8n-nodes-base.manualTrigger', 1, {});
	const source = b.add('Rows', 'n8n-nodes-base.code', 2, rowsCode(rows));
	const getMany = b.add('Get Many Companies', 'n8n-nodes-base.hubspot', 2.2, {
		authentication: 'appToken',
		resource: 'company',
		operation: 'getAll',
		returnAll: true,
		options: { propertiesCollection: { propertiesValues: { properties: 'domain', propertyMode: 'valueOnly' } } },
	}, { credentials: cred, alwaysOutputData: true });
	const merge = b.add('Merge by Domain', 'n8n-nodes-base.merge', 3.2, {
		mode: 'combine',
		combineBy: 'combineByFields',
		advanced: true,
		mergeByFields: { values: [{ field1: 'domain', field2: 'properties.domain.value' }] },
		joinMode: 'enrichInput1',
		options: {},
	});
	b.connect(manual, source);
	b.connect(manual, getMany);
	b.connect(source, merge, 0, 0);
	b.connect(getMany, merge, 0, 1);
	writeStep(b, merge, 0, 'Update', () => b.add('Update Company', 'n8n-nodes-base.hubspot', 2.2, {
		authentication: 'appToken',
		resource: 'company',
		operation: 'update',
		companyId: { __rl: true, mode: 'id', value: '={{ $json.companyId }}' },
		updateFields: { customPropertiesUi: { customPropertiesValues: [{ property: HUBSPOT_SCORE_PROPERTY, value: '={{ String($json.score) }}' }] } },
	}, { credentials: cred, ...retrySettings(pacing) }), pacing);
	return b.workflow(id, `Built-in HubSpot pattern (${pacing.batchSize ? `paced ${pacing.batchSize}/${pacing.waitSeconds ?? 1}s` : 'unpaced'}${pacing.retryOnFail ? ', Retry On Fail' : ''})`);
}

/** This package: the rows into the HubSpot node's company Upsert matched on domain (batch read, diff, batch write). */
export function hubSpotUpsertWorkflow(id: string, rows: Array<Record<string, unknown>>): Record<string, unknown> {
	const b = new Builder();
	const manual = b.add('Manual', 'n8n-nodes-base.manualTrigger', 1, {});
	const source = b.add('Rows', 'n8n-nodes-base.code', 2, rowsCode(rows));
	const field = (fieldId: string, type: string, canBeUsedToMatch: boolean) => ({ id: fieldId, displayName: fieldId, required: false, defaultMatch: false, canBeUsedToMatch, display: true, type, readOnly: false, removed: false });
	const upsert = b.add('Upsert Companies', packageNodeType('hubSpotCrm'), 2, {
		resource: 'company',
		operation: 'upsert',
		columns: {
			mappingMode: 'defineBelow',
			value: { domain: '={{ $json.domain }}', [HUBSPOT_SCORE_PROPERTY]: '={{ $json.score }}' },
			matchingColumns: ['domain'],
			schema: [field('domain', 'string', true), field(HUBSPOT_SCORE_PROPERTY, 'number', false)],
		},
		opsLog: false,
	}, { credentials: { mspHubSpotApi: { id: WORKFLOW_CREDENTIAL_IDS.hubspot, name: 'HubSpot' } } });
	b.connect(manual, source);
	b.connect(source, upsert);
	return b.workflow(id, 'HubSpot node upsert');
}
