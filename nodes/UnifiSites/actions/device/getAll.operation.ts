import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDevice, type SiteRef, type UnifiSiteManagerClient } from '../../../../lib/unifi';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { hostLocator, readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';

const show = { resource: ['device'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	hostLocator(show, false, 'Only devices of this console. Leave empty for the devices of every console.'),
	...returnAllAndLimit(show, 'devices'),
	simplifyParameter(show),
];

/**
 * GET /v1/devices, flattened: one item per device, carrying its host and the host's site (looked up once per
 * execution from GET /v1/sites; one site per console in the usual MSP setup, the first one otherwise).
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
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const hostId = readLocator(this, 'host', i);
		const limit = readLimit(this, i, 'listDevices');
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
