import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { UnifiConsoleNetworkRecord } from '../../../../lib/domain';
import { simplifyNetwork } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNetworkConsole } from '../../transport';
import { localSiteParameters, readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';
import { connectorItems, connectorOptionsParameter, entryItems, connectorScopeParameters, readLocalConsoleItems, readThroughConnector } from '../connector';
import { localSiteResolver } from '../localSites';

const show = { resource: ['network'], operation: ['getAll'] };
/** Integration API networks carry VLAN 1 for the untagged default LAN. */
const tagged = (vlan: number | null) => vlan !== null && vlan !== 1;
const viaConsole = { ...show, source: ['console'] };
const viaConnector = { ...show, source: ['connector'] };

export const description: INodeProperties[] = [
	...localSiteParameters(viaConsole),
	...connectorScopeParameters(viaConnector),
	{
		displayName: 'VLANs Only',
		name: 'vlanOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to return only tagged networks (leaves out the untagged default LAN, VLAN 1, and WAN)',
		displayOptions: { show },
	},
	connectorOptionsParameter(viaConnector),
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/**
 * Networks (LANs, VLANs) per site: from the local console (`/api/s/{site}/rest/networkconf`, WANs included), or
 * through the connector from every console (Integration API `networks`, `vlanId` 1 for the untagged default LAN).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		if (this.getNodeParameter('source', 0, 'console') === 'connector') return undefined;
		const { client, api } = await getNetworkConsole(this);
		return { client, api, sitesFor: localSiteResolver(this, client) };
	};
	return runPerItemWith(this, setup, async (local, i) => {
		const limit = readLimit(this, i, 'unifi', 'listNetworks');
		const simplify = readSimplify(this, i);
		const vlanOnly = this.getNodeParameter('vlanOnly', i, false) as boolean;
		if (!local) {
			const result = await readThroughConnector(this, i, { resource: 'network' });
			const entries = vlanOnly ? result.entries.filter((e) => tagged((e.record as UnifiConsoleNetworkRecord).vlan)) : result.entries;
			return connectorItems(result, entries, simplify, limit);
		}
		const { client, api, sitesFor } = local;
		if (api === 'integration') {
			const entries = (await readLocalConsoleItems(this, client, i, { resource: 'network' })).filter((e) => !vlanOnly || tagged((e.record as UnifiConsoleNetworkRecord).vlan));
			return entryItems(entries, simplify, limit);
		}
		const out: IDataObject[] = [];
		for (const site of await sitesFor(i)) {
			if (limit !== undefined && out.length >= limit) break;
			const networks = await client.listNetworks(site.name, { itemIndex: i });
			for (const n of networks) {
				if (vlanOnly && typeof n.vlan !== 'number') continue;
				if (limit !== undefined && out.length >= limit) break;
				out.push(simplify ? (simplifyNetwork(n, site) as unknown as IDataObject) : ({ ...n, site: site.name } as IDataObject));
			}
		}
		return out;
	});
}
