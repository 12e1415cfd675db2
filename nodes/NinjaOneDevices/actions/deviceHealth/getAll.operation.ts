import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDeviceHealth, withOrganizations } from '../../../../lib/ninjaone';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNinjaClient } from '../../transport';
import {
	combineFilter,
	deviceFilterParameter,
	deviceOrganizationCache,
	organizationLocator,
	readLimit,
	readLocator,
	readSimplify,
	returnAllAndLimit,
	simplifyParameter,
} from '../common';

const show = { resource: ['deviceHealth'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	organizationLocator(show, false, 'Only devices of this organization. Leave empty for all organizations.'),
	deviceFilterParameter(show),
	{
		displayName: 'Health Status',
		name: 'health',
		type: 'multiOptions',
		default: [],
		options: [
			{ name: 'Healthy', value: 'HEALTHY' },
			{ name: 'Needs Attention', value: 'NEEDS_ATTENTION' },
			{ name: 'Unhealthy', value: 'UNHEALTHY' },
			{ name: 'Unknown', value: 'UNKNOWN' },
		],
		description: 'Only devices in these states (none selected: all)',
		displayOptions: { show },
	},
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/**
 * GET /v2/queries/device-health, following the query cursor. The query rows carry only deviceId; every output
 * row gets its organizationId, joined from the device list (read once per execution and filter) when missing.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		const client = await getNinjaClient(this);
		return { client, organizationsOf: deviceOrganizationCache(client) };
	};
	return runPerItemWith(this, setup, async ({ client, organizationsOf }, i) => {
		const df = combineFilter(this.getNodeParameter('df', i, '') as string, readLocator(this, 'organization', i));
		const health = this.getNodeParameter('health', i, []) as string[];
		const limit = readLimit(this, i, 'ninjaone', 'listDeviceHealth');
		const simplify = readSimplify(this, i);
		const rows = await client.listDeviceHealth({ df, health, limit, itemIndex: i });
		const joined = await withOrganizations(rows, () => organizationsOf(df, i));
		return joined.map(({ row, organizationId }) =>
			simplify ? (simplifyDeviceHealth(row, organizationId) as unknown as IDataObject) : ({ ...row, organizationId } as IDataObject),
		);
	});
}
