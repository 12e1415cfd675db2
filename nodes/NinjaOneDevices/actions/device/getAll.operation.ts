import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDevice } from '../../../../lib/ninjaone';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNinjaClient } from '../../transport';
import { combineFilter, deviceFilterParameter, organizationLocator, readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';

const show = { resource: ['device'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	organizationLocator(show, false, 'Only devices of this organization. Leave empty for all organizations.'),
	deviceFilterParameter(show),
	{
		displayName: 'Detailed',
		name: 'detailed',
		type: 'boolean',
		default: false,
		description: 'Whether to read /v2/devices-detailed (OS, system, IP and MAC addresses) instead of the short device list',
		displayOptions: { show },
	},
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/** GET /v2/devices or /v2/devices-detailed with a device filter, keyset-paged. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getNinjaClient(this), async (client, i) => {
		const df = combineFilter(this.getNodeParameter('df', i, '') as string, readLocator(this, 'organization', i));
		const detailed = this.getNodeParameter('detailed', i, false) as boolean;
		const limit = readLimit(this, i, 'ninjaone', 'listDevices');
		const simplify = readSimplify(this, i);
		const devices = await client.listDevices({ df, detailed, limit, itemIndex: i });
		return devices.map((d) => (simplify ? simplifyDevice(d) : d) as unknown as IDataObject);
	});
}
