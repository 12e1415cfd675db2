import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDevice, type SiteRef, type StatisticsFor, type UnifiSiteManagerClient } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNetworkClient, getSiteManagerClient } from '../../transport';
import { hostLocator, localSiteParameters, readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';
import { connectorItems, connectorOptionsParameter, entryItems, connectorScopeParameters, readLocalConsoleItems, readThroughConnector } from '../connector';

const show = { resource: ['device'], operation: ['getAll'] };
const viaSiteManager = { ...show, source: ['siteManager'] };
const viaConnector = { ...show, source: ['connector'] };
const viaConsole = { ...show, source: ['console'] };
const withStatistics = { ...show, source: ['connector', 'console'] };

export const description: INodeProperties[] = [
	hostLocator(viaSiteManager, false, 'Only devices of this console. Leave empty for the devices of every console.'),
	...connectorScopeParameters(viaConnector),
	...localSiteParameters(viaConsole),
	{
		displayName: 'Access Points Only',
		name: 'accessPointsOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to return only access points (the devices that carry WiFi radio statistics)',
		displayOptions: { show: withStatistics },
	},
	{
		displayName: 'Statistics For',
		name: 'statisticsFor',
		type: 'options',
		default: 'accessPoints',
		description: 'Which online devices get their latest statistics (one request per device)',
		displayOptions: { show: withStatistics },
		options: [
			{ name: 'Access Points', value: 'accessPoints', description: 'WiFi radio TX retries, CPU, memory, uptime of each access point' },
			{ name: 'All Devices', value: 'all' },
			{ name: 'None', value: 'none' },
		],
	},
	connectorOptionsParameter(viaConnector),
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/**
 * Site Manager device list: GET /v1/devices, flattened: one item per device, carrying its host and the host's site (looked up once per
 * execution from GET /v1/sites; one site per console in the usual MSP setup, the first one otherwise).
 * Connector (every console) or Local Console (one, its Integration API): devices with `statistics/latest`, see connector.ts.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	let sitesByHost: Promise<Map<string, SiteRef>> | undefined;
	const siteIndex = (c: UnifiSiteManagerClient, i: number) => {
		sitesByHost ??= c.listSites({ itemIndex: i }).then((sites) => {
			const map = new Map<string, SiteRef>();
			for (const s of sites) if (!map.has(s.hostId)) map.set(s.hostId, { siteId: s.siteId, name: s.meta.desc || s.meta.name });
			return map;
		});
		return sitesByHost;
	};
	const source = this.getNodeParameter('source', 0, 'siteManager') as string;
	if (source === 'console') {
		return runPerItemWith(this, () => getNetworkClient(this), async (network, i) => {
			const limit = readLimit(this, i, 'unifi', 'listConsoleDevices');
			const entries = await readLocalConsoleItems(this, network, i, {
				resource: 'device',
				accessPointsOnly: this.getNodeParameter('accessPointsOnly', i, false) as boolean,
				statisticsFor: this.getNodeParameter('statisticsFor', i, 'accessPoints') as StatisticsFor,
			});
			return entryItems(entries, readSimplify(this, i), limit);
		});
	}
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		if (source === 'connector') {
			const result = await readThroughConnector(this, i, {
				resource: 'device',
				accessPointsOnly: this.getNodeParameter('accessPointsOnly', i, false) as boolean,
				statisticsFor: this.getNodeParameter('statisticsFor', i, 'accessPoints') as StatisticsFor,
			});
			return connectorItems(result, result.entries, readSimplify(this, i), readLimit(this, i, 'unifi', 'listConsoleDevices'));
		}
		const hostId = readLocator(this, 'host', i);
		const limit = readLimit(this, i, 'unifi', 'listDevices');
		const simplify = readSimplify(this, i);
		const groups = await client.listDeviceGroups({ hostIds: hostId ? [hostId] : undefined, limit, itemIndex: i });
		const sites = await siteIndex(client, i);
		const out: IDataObject[] = [];
		for (const group of groups) {
			const site = sites.get(group.hostId);
			for (const device of group.devices) {
				if (limit !== undefined && out.length >= limit) break;
				out.push(
					simplify
						? (simplifyDevice(device, group, site) as unknown as IDataObject)
						: ({ ...device, hostId: group.hostId, hostName: group.hostName ?? null, siteId: site?.siteId ?? null, siteName: site?.name ?? null } as IDataObject),
				);
			}
		}
		return out;
	});
}
