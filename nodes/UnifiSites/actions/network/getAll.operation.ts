import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyNetwork } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNetworkClient } from '../../transport';
import { localSiteParameters, readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';
import { localSiteResolver } from '../localSites';

const show = { resource: ['network'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	...localSiteParameters(show),
	{
		displayName: 'VLANs Only',
		name: 'vlanOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to return only networks with a VLAN ID (leaves out the default LAN and WAN)',
		displayOptions: { show },
	},
	...returnAllAndLimit(show, 'networks'),
	simplifyParameter(show),
];

/** Networks (LANs, VLANs, WANs) per site from the local console (`/api/s/{site}/rest/networkconf`). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		const client = await getNetworkClient(this);
		return { client, sitesFor: localSiteResolver(this, client) };
	};
	return runPerItemWith(this, setup, async ({ client, sitesFor }, i) => {
		const limit = readLimit(this, i, 'listNetworks');
		const simplify = readSimplify(this, i);
		const vlanOnly = this.getNodeParameter('vlanOnly', i, false) as boolean;
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
