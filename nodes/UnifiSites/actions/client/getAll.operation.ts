import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { isWifiClient, simplifyWifiClient } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNetworkClient } from '../../transport';
import { localSiteParameters, readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';
import { localSiteResolver } from '../localSites';

const show = { resource: ['client'], operation: ['getAll'] };

export const description: INodeProperties[] = [...localSiteParameters(show), ...returnAllAndLimit(show, 'clients'), simplifyParameter(show)];

/**
 * Connected WiFi clients per site from the local console (`/api/s/{site}/stat/sta`), with signal in dBm, VLAN,
 * SSID and access point. Wired clients have no signal and are left out. Sites are read one after another and
 * reading stops once Limit clients are in hand.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		const client = await getNetworkClient(this);
		return { client, sitesFor: localSiteResolver(this, client) };
	};
	return runPerItemWith(this, setup, async ({ client, sitesFor }, i) => {
		const limit = readLimit(this, i, 'listClients');
		const simplify = readSimplify(this, i);
		const out: IDataObject[] = [];
		for (const site of await sitesFor(i)) {
			if (limit !== undefined && out.length >= limit) break;
			const clients = await client.listClients(site.name, { itemIndex: i });
			for (const c of clients) {
				if (!isWifiClient(c)) continue;
				if (limit !== undefined && out.length >= limit) break;
				out.push(simplify ? (simplifyWifiClient(c as typeof c & { signal: number }, site) as unknown as IDataObject) : ({ ...c, site: site.name } as IDataObject));
			}
		}
		return out;
	});
}
