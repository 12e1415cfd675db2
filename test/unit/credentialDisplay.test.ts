/**
 * When each node asks for which credential, as n8n decides it (`NodeHelpers.displayParameter` on the node's
 * parameters with their defaults), and that no credential is tied to a parameter with `show`: n8n 2.8's editor
 * takes such a parameter for the node's authentication selector, hides it and the parameters it depends on from the
 * node's panel (UniFi Sites lost its Resource), and offers only that credential's type in the node's other credential
 * select. The browser suite (test/browser) checks the panels themselves.
 */
import { NodeHelpers, type INode, type INodeType } from 'n8n-workflow';

import { HealthScore } from '../../nodes/HealthScore/HealthScore.node';
import { HubSpotCrm } from '../../nodes/HubSpotCrm/HubSpotCrm.node';
import { MakerCheckerGate } from '../../nodes/MakerCheckerGate/MakerCheckerGate.node';
import { NinjaOneDevices } from '../../nodes/NinjaOneDevices/NinjaOneDevices.node';
import { NotionSync } from '../../nodes/NotionSync/NotionSync.node';
import { UnifiSites } from '../../nodes/UnifiSites/UnifiSites.node';

const NODES: INodeType[] = [new UnifiSites(), new NinjaOneDevices(), new HealthScore(), new NotionSync(), new MakerCheckerGate(), new HubSpotCrm()];

/** The credentials n8n asks for on a node of `nodeType` (version `version`) set to `parameters`. */
function credentialsShown(nodeType: INodeType, version: number, parameters: Record<string, unknown>): string[] {
	const { description } = nodeType;
	const node = { id: 'n', name: 'n', type: description.name, typeVersion: version, position: [0, 0], parameters } as INode;
	const values = NodeHelpers.getNodeParameters(description.properties, parameters as never, true, false, node, description) ?? {};
	return (description.credentials ?? []).filter((c) => NodeHelpers.displayParameter(values, c, node, description)).map((c) => c.name);
}

test.each(NODES.map((n) => [n.description.name, n] as const))('%s ties no credential to a parameter with `show`', (_name, node) => {
	expect((node.description.credentials ?? []).filter((c) => c.displayOptions?.show).map((c) => c.name)).toEqual([]);
});

test.each(NODES.filter((n) => n.description.credentials?.some((c) => c.name === 'supabaseApi')).map((n) => [n.description.name, n] as const))(
	'%s asks for the Supabase credential exactly when Log to Supabase is on',
	(_name, node) => {
		const version = Math.max(...([] as number[]).concat(node.description.version));
		expect(credentialsShown(node, version, {})).not.toContain('supabaseApi');
		expect(credentialsShown(node, version, { opsLog: false })).not.toContain('supabaseApi');
		expect(credentialsShown(node, version, { opsLog: true })).toContain('supabaseApi');
	},
);

describe('UniFi Sites asks for the console key exactly when it reads from a console, else for the Site Manager key', () => {
	const unifi = new UnifiSites();
	const cases: Array<[number, Record<string, unknown>, string]> = [];
	for (const version of [1, 1.1]) {
		for (const resource of ['site', 'host', 'ispMetric']) cases.push([version, { resource }, 'mspUnifiSiteManagerApi']);
		cases.push([version, { resource: 'device' }, 'mspUnifiSiteManagerApi']);
		for (const resource of ['client', 'device', 'network']) {
			cases.push([version, { resource, source: 'connector' }, 'mspUnifiSiteManagerApi']);
			cases.push([version, { resource, source: 'console' }, 'mspUnifiNetworkApi']);
		}
		cases.push([version, { resource: 'device', source: 'siteManager' }, 'mspUnifiSiteManagerApi']);
	}
	// The defaults: version 1 reads Client and Network from the console, 1.1 through the connector.
	cases.push([1, { resource: 'client' }, 'mspUnifiNetworkApi'], [1.1, { resource: 'client' }, 'mspUnifiSiteManagerApi']);
	test.each(cases)('version %s, %j: %s', (version, parameters, credential) => {
		expect(credentialsShown(unifi, version, parameters)).toEqual([credential]);
	});
});
