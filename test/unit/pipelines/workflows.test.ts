import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeType } from 'n8n-workflow';
import { PIPELINE_DATABASES } from '../../../lib/pipelines/notionDatabases';
import { MSP_HEALTH_PROPERTIES } from '../../../nodes/HubSpotCrm/actions/property/ensure.operation';
import { COMPANY_NAME_AND_DOMAIN, hubSpotMapperFields } from '../../../nodes/HubSpotCrm/methods/resourceMapping';
import { notionMapperFields } from '../../../nodes/NotionSync/methods/resourceMapping';
import { WORKFLOW_CREDENTIAL_IDS } from '../../e2e/sandboxCredentials';
import { bundledWorkflow, isErrorWorkflow, isPipeline, isSubWorkflow } from '../../e2e/pipelines';

/**
 * The shipped workflows as an importing n8n sees them, checked without n8n: every node type is n8n's or this
 * package's, names and ids are unique, connections point at nodes that exist, credentials are the ids the sandbox
 * (and `npm start`) imports, and every pipeline has the triggers, time zone and Error Workflow the README promises.
 * The e2e suite runs them; this catches a broken file in a second.
 */
const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };
const files = fs.readdirSync(path.join(root, 'workflows')).filter((f) => f.endsWith('.json')).sort();
const workflows = files.map((f) => [f, bundledWorkflow(f)] as const);
const packageTypes = new Set(pkg.n8n.nodes.map((p) => path.basename(p, '.node.js')).map((n) => `${pkg.name}.${n.charAt(0).toLowerCase()}${n.slice(1)}`));

describe('bundled workflows', () => {
	test('there are five pipelines, their two review sub-workflows and the error logger', () => {
		const pipelines = workflows.filter(([, wf]) => isPipeline(wf)).map(([, wf]) => wf.name);
		expect(pipelines.sort()).toEqual(['Azure Pipeline Sync', 'Config Change Sync', 'Customer Status Sync', 'Daily Health Sync', 'Runbook Manager']);
		expect(workflows.filter(([, wf]) => isSubWorkflow(wf)).map(([, wf]) => wf.name).sort()).toEqual(['Azure Promotion Review', 'Config Change Review']);
	});

	test('ids, node ids and webhook ids are unique across all of them', () => {
		const ids = workflows.map(([, wf]) => wf.id);
		expect(new Set(ids).size).toBe(ids.length);
		const webhookIds = workflows.flatMap(([, wf]) => wf.nodes.map((n) => n.webhookId).filter(Boolean));
		expect(new Set(webhookIds).size).toBe(webhookIds.length);
	});

	test.each(workflows)('%s: known node types, unique names and ids, connections between existing nodes, sandbox credentials', (_file, wf) => {
		for (const node of wf.nodes) {
			expect([node.name, node.type.startsWith('n8n-nodes-base.') || packageTypes.has(node.type)]).toEqual([node.name, true]);
		}
		expect(new Set(wf.nodes.map((n) => n.name)).size).toBe(wf.nodes.length);
		expect(new Set(wf.nodes.map((n) => n.id)).size).toBe(wf.nodes.length);
		const names = new Set(wf.nodes.map((n) => n.name));
		const connections = wf.connections as Record<string, Record<string, Array<Array<{ node: string }> | null>>>;
		for (const [from, outputs] of Object.entries(connections)) {
			expect([from, names.has(from)]).toEqual([from, true]);
			for (const target of Object.values(outputs).flat(2).filter(Boolean) as Array<{ node: string }>) expect([from, target.node, names.has(target.node)]).toEqual([from, target.node, true]);
		}
		const known = new Set<string>(Object.values(WORKFLOW_CREDENTIAL_IDS));
		for (const node of wf.nodes) {
			for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, { id: string; name: string }>)) {
				expect([node.name, type, known.has(ref.id), typeof ref.name]).toEqual([node.name, type, true, 'string']);
			}
		}
	});

	test.each(workflows.filter(([, wf]) => !isErrorWorkflow(wf)))('%s: time zone, Error Workflow, and (pipelines) Run Now plus a schedule', (_file, wf) => {
		expect(wf.settings).toMatchObject({ executionOrder: 'v1', timezone: 'America/New_York', errorWorkflow: 'mspOpsErrorLog01' });
		if (isSubWorkflow(wf)) return;
		expect(wf.nodes.filter((n) => n.type === 'n8n-nodes-base.manualTrigger').map((n) => n.name)).toEqual(['Run Now']);
		expect(wf.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger')).toHaveLength(1);
		// Sub-workflows are started by id: the id they are started with is a shipped workflow's.
		for (const node of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.executeWorkflow')) {
			const target = (node.parameters.workflowId as { value: string }).value;
			expect(workflows.filter(([, w]) => isSubWorkflow(w)).map(([, w]) => w.id)).toContain(target);
		}
	});

	test.each(workflows)('%s: no two nodes overlap on the canvas', (_file, wf) => {
		// A node with its label takes about 180 x 140 canvas units; closer nodes cover each other in the editor.
		const nodes = wf.nodes as unknown as Array<{ name: string; position: [number, number] }>;
		const overlapping = nodes.flatMap((a, i) =>
			nodes.slice(i + 1).filter((b) => Math.abs(a.position[0] - b.position[0]) < 180 && Math.abs(a.position[1] - b.position[1]) < 140).map((b) => `${a.name} / ${b.name}`),
		);
		expect(overlapping).toEqual([]);
	});

	/** The package's node class behind a type name (`n8n-nodes-msp-ops.notionSync` -> nodes/NotionSync). */
	const nodeClass = (type: string): INodeType => {
		const name = type.slice(pkg.name.length + 1);
		const className = name.charAt(0).toUpperCase() + name.slice(1);
		const module = require(path.join(root, 'nodes', className, `${className}.node`)) as Record<string, new () => INodeType>;
		return new module[className]();
	};

	test.each(workflows)('%s: every node of this package is on its newest version', (_file, wf) => {
		for (const node of wf.nodes.filter((n) => packageTypes.has(n.type))) {
			const { version, defaultVersion } = nodeClass(node.type).description;
			const newest = defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
			expect([node.name, node.typeVersion]).toEqual([node.name, newest]);
		}
	});

	test.each(workflows)("%s: each Notion upsert matches on its database's key and carries the database's columns for the editor", (_file, wf) => {
		for (const node of wf.nodes.filter((n) => n.type === `${pkg.name}.notionSync` && n.parameters.operation === 'upsert')) {
			const columns = node.parameters.columns as { mappingMode: string; matchingColumns: string[]; schema: unknown[] };
			const database = PIPELINE_DATABASES.find((d) => d.key === columns.matchingColumns[0]);
			expect([node.name, columns.mappingMode, database?.title]).toEqual([node.name, 'autoMapInputData', expect.any(String)]);
			expect(columns.schema).toEqual(notionMapperFields(database!.schema()));
		}
	});

	test("Customer Status Sync: Upsert Company Health maps each property by hand, matches on domain, and carries the MSP Health columns for the editor", () => {
		const wf = workflows.find(([file]) => file === 'customer-status-sync.json')![1];
		const upserts = wf.nodes.filter((n) => n.type === `${pkg.name}.hubSpotCrm` && n.parameters.operation === 'upsert');
		expect(upserts.map((n) => n.name)).toEqual(['Upsert Company Health']);
		const columns = upserts[0].parameters.columns as { mappingMode: string; value: Record<string, string>; matchingColumns: string[]; schema: Array<{ id: string; readOnly: boolean; canBeUsedToMatch: boolean }> };
		expect([columns.mappingMode, columns.matchingColumns]).toEqual(['defineBelow', ['domain']]);
		expect(columns.value).toEqual({
			domain: '={{ $json.properties.domain }}',
			msp_health_score: '={{ $json.score }}',
			msp_health_status: '={{ $json.status }}',
			msp_offline_devices: '={{ $json.devicesOffline }}',
		});
		// The columns Ensure MSP Properties creates, plus HubSpot's own name and domain, as the mapper method lists them.
		expect(columns.schema).toEqual(hubSpotMapperFields([...COMPANY_NAME_AND_DOMAIN, ...MSP_HEALTH_PROPERTIES], 'companies'));
		const byId = new Map(columns.schema.map((f) => [f.id, f]));
		for (const id of Object.keys(columns.value)) expect([id, byId.get(id)?.readOnly]).toEqual([id, false]);
		expect(byId.get('domain')?.canBeUsedToMatch).toBe(true);
		// Ensure MSP Properties still creates them on the same object type.
		const ensure = wf.nodes.find((n) => n.name === 'Ensure MSP Properties')!;
		expect(ensure.parameters).toMatchObject({ resource: 'property', operation: 'ensure', objectType: 'companies', preset: 'mspHealth' });
	});
});
