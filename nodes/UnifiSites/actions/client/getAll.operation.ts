import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { isWifiClient, simplifyWifiClient } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNetworkConsole } from '../../transport';
import { localSiteParameters, readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';
import { connectorItems, connectorOptionsParameter, entryItems, connectorScopeParameters, readLocalConsoleItems, readThroughConnector } from '../connector';
import { localSiteResolver } from '../localSites';

const show = { resource: ['client'], operation: ['getAll'] };
const viaConsole = { ...show, source: ['console'] };
const viaConnector = { ...show, source: ['connector'] };

export const description: INodeProperties[] = [
	...localSiteParameters(viaConsole),
	...connectorScopeParameters(viaConnector),
	{
		displayName: 'Client Types',
		name: 'clientTypes',
		type: 'multiOptions',
		default: ['WIRELESS'],
		description: 'Which connected clients to return; none selected returns every type. A local console on the legacy API returns WiFi clients only.',
		displayOptions: { show },
		options: [
			{ name: 'Teleport', value: 'TELEPORT' },
			{ name: 'VPN', value: 'VPN' },
			{ name: 'Wired', value: 'WIRED' },
			{ name: 'Wireless', value: 'WIRELESS' },
		],
	},
	{
		displayName: 'Try Legacy WiFi Signal',
		name: 'legacyWifi',
		type: 'boolean',
		default: false,
		description:
			'Whether to also read each console\'s legacy client list for WiFi signal (dBm). Ubiquiti does not document it behind the connector: a console that refuses it is listed, and its clients come without signal.',
		displayOptions: { show: viaConnector },
	},
	connectorOptionsParameter(viaConnector),
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/**
 * Local console: connected WiFi clients per site (`/api/s/{site}/stat/sta`) with signal in dBm, VLAN, SSID and access
 * point; wired clients are left out; sites are read one after another until Limit clients are in hand.
 * Connector, or a local console whose credential says Integration API: connected clients (no signal), see connector.ts.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		if (this.getNodeParameter('source', 0, 'console') === 'connector') return undefined;
		const { client, api } = await getNetworkConsole(this);
		return { client, api, sitesFor: localSiteResolver(this, client) };
	};
	return runPerItemWith(this, setup, async (local, i) => {
		const limit = readLimit(this, i, 'unifi', 'listClients');
		const simplify = readSimplify(this, i);
		if (!local) {
			const result = await readThroughConnector(this, i, {
				resource: 'client',
				clientTypes: this.getNodeParameter('clientTypes', i, []) as string[],
				legacyWifi: this.getNodeParameter('legacyWifi', i, false) as boolean,
			});
			return connectorItems(result, result.entries, simplify, limit);
		}
		const { client, api, sitesFor } = local;
		if (api === 'integration') {
			const entries = await readLocalConsoleItems(this, client, i, { resource: 'client', clientTypes: this.getNodeParameter('clientTypes', i, []) as string[] });
			return entryItems(entries, simplify, limit);
		}
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
