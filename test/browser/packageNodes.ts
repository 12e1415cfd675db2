/**
 * The package's six nodes in one workflow for the editor tests, each set to a resource and operation that shows a
 * "From List" resource locator where the node has one, with the sandbox credentials the bundled workflows use; and
 * each node's Resource / Operation options read from its class in dist/ (what the editor must offer).
 */
import * as path from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { REPO_ROOT, readManifest } from '../e2e/harness';
import { WORKFLOW_CREDENTIAL_IDS as IDS } from '../e2e/sandboxCredentials';

export interface PackageNodeCase {
	/** The node's type name in the package (`unifiSites`), also the screenshot's name (`node-unifiSites.png`). */
	type: string;
	/** The node's name on the canvas. */
	name: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** The resource locator whose "From List" mode is opened, and the listSearch method that fills it. */
	list?: { parameter: string; method: string };
}

const rl = () => ({ __rl: true, mode: 'list', value: '' });

export const PACKAGE_NODE_CASES: PackageNodeCase[] = [
	{
		type: 'unifiSites',
		name: 'UniFi Sites',
		parameters: { resource: 'site', operation: 'get', site: rl() },
		credentials: { mspUnifiSiteManagerApi: { id: IDS.unifiSiteManager, name: 'UniFi Site Manager' } },
		list: { parameter: 'site', method: 'searchSites' },
	},
	{
		type: 'ninjaOneDevices',
		name: 'NinjaOne Devices',
		parameters: { resource: 'device', operation: 'getAll', organization: rl() },
		credentials: { mspNinjaOneApi: { id: IDS.ninjaOne, name: 'NinjaOne' } },
		list: { parameter: 'organization', method: 'searchOrganizations' },
	},
	{ type: 'healthScore', name: 'Health Score', parameters: {} },
	{
		type: 'notionSync',
		name: 'Notion Sync',
		parameters: { resource: 'row', operation: 'query', database: rl() },
		credentials: { mspNotionApi: { id: IDS.notion, name: 'Notion' } },
		list: { parameter: 'database', method: 'searchDatabases' },
	},
	{
		type: 'makerCheckerGate',
		name: 'Maker/Checker Gate',
		parameters: { operation: 'evaluate' },
		credentials: { mspMakerCheckerApi: { id: IDS.makerChecker, name: 'Maker/Checker Gate' } },
	},
	{
		type: 'hubSpotCrm',
		name: 'HubSpot CRM',
		parameters: { resource: 'company', operation: 'getAll' },
		credentials: { mspHubSpotApi: { id: IDS.hubspot, name: 'HubSpot' } },
	},
];

export const PACKAGE_NODES_WORKFLOW_ID = 'mspBrowserNodes1';

/** A workflow with a Manual Trigger and every node of PACKAGE_NODE_CASES side by side (not connected). */
export function packageNodesWorkflow(): Record<string, unknown> {
	const pkg = readManifest().name;
	return {
		id: PACKAGE_NODES_WORKFLOW_ID,
		name: 'Package Nodes (browser test)',
		nodes: [
			{ id: 'b0000000-0000-4000-8000-000000000000', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			...PACKAGE_NODE_CASES.map((c, i) => ({
				id: `b0000000-0000-4000-8000-00000000000${i + 1}`,
				name: c.name,
				type: `${pkg}.${c.type}`,
				typeVersion: latestVersion(c.type),
				position: [240 * (i + 1), 0],
				parameters: c.parameters,
				...(c.credentials ? { credentials: c.credentials } : {}),
			})),
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

export const MAPPER_WORKFLOW_ID = 'mspBrowserMapper';

/**
 * Notion Sync and HubSpot CRM upserts on their newest version with the Properties mapper set to "Map Each Column
 * Manually" and no stored columns, so opening a panel loads the columns from the sandbox: the Notion database chosen
 * by id, and HubSpot's company properties.
 */
export function mapperWorkflow(notionDatabaseId: string, notionDatabaseTitle: string): Record<string, unknown> {
	const pkg = readManifest().name;
	const manual = { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: false };
	return {
		id: MAPPER_WORKFLOW_ID,
		name: 'Properties Mappers (browser test)',
		nodes: [
			{ id: 'd0000000-0000-4000-8000-000000000000', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Notion Upsert',
				type: `${pkg}.notionSync`,
				typeVersion: latestVersion('notionSync'),
				position: [240, 0],
				parameters: { resource: 'row', operation: 'upsert', database: { __rl: true, mode: 'list', value: notionDatabaseId, cachedResultName: notionDatabaseTitle }, columns: manual, options: {} },
				credentials: { mspNotionApi: { id: IDS.notion, name: 'Notion' } },
			},
			{
				id: 'd0000000-0000-4000-8000-000000000002',
				name: 'HubSpot Upsert',
				type: `${pkg}.hubSpotCrm`,
				typeVersion: latestVersion('hubSpotCrm'),
				position: [480, 0],
				parameters: { resource: 'company', operation: 'upsert', columns: manual },
				credentials: { mspHubSpotApi: { id: IDS.hubspot, name: 'HubSpot' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** The built node class of `type` from dist/ (the files package.json's `n8n.nodes` lists). */
export function builtNode(type: string): INodeType {
	const manifest = readManifest() as { n8n?: { nodes?: string[] } };
	for (const file of manifest.n8n?.nodes ?? []) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(REPO_ROOT, file)) as Record<string, new () => INodeType>;
		for (const Class of Object.values(mod)) {
			if (typeof Class !== 'function') continue;
			const node = new Class();
			if (node.description?.name === type) return node;
		}
	}
	throw new Error(`node type ${type} is not in dist/ (run npm run build)`);
}

function latestVersion(type: string): number {
	const v = builtNode(type).description.version;
	return Array.isArray(v) ? Math.max(...v) : v;
}

function optionNames(property: INodeProperties | undefined): string[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).map((o) => o.name);
}

/**
 * The option names the editor must offer for `resource` and `operation` of a node set to `parameters`: from the
 * built description, the `operation` property shown for the node's resource. Empty when the node has no such property.
 */
export function expectedOptions(type: string, parameters: Record<string, unknown>): { resource: string[]; operation: string[] } {
	const { properties } = builtNode(type).description;
	const resource = properties.find((p) => p.name === 'resource');
	const operation = properties.find((p) => {
		if (p.name !== 'operation') return false;
		const show = p.displayOptions?.show?.resource as unknown[] | undefined;
		return !show || show.includes(parameters.resource);
	});
	return { resource: optionNames(resource), operation: optionNames(operation) };
}
