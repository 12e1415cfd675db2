import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyAlert } from '../../../../lib/ninjaone';
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

const show = { resource: ['alert'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	organizationLocator(show, false, 'Only alerts of devices in this organization. Leave empty for all organizations.'),
	deviceFilterParameter(show),
	{
		displayName: 'Source Type',
		name: 'sourceType',
		type: 'string',
		default: '',
		placeholder: 'CONDITION_AGENT_CPU',
		description: 'Only alerts of this source type (for example AGENT_OFFLINE, CONDITION_AGENT_DISK_FREE_SPACE)',
		displayOptions: { show },
	},
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/** GET /v2/alerts (active alerts/conditions; NinjaOne does not page this list). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const setup = async () => {
		const client = await getNinjaClient(this);
		return { client, organizationsOf: deviceOrganizationCache(client) };
	};
	return runPerItemWith(this, setup, async ({ client, organizationsOf }, i) => {
		const df = combineFilter(this.getNodeParameter('df', i, '') as string, readLocator(this, 'organization', i));
		const sourceType = this.getNodeParameter('sourceType', i, '') as string;
		const limit = readLimit(this, i, 'ninjaone', 'listAlerts');
		const simplify = readSimplify(this, i);
		const alerts = await client.listAlerts({ df, sourceType, limit, itemIndex: i });
		if (!simplify) return alerts as unknown as IDataObject[];
		const needsJoin = alerts.some((a) => typeof a.device?.organizationId !== 'number' && typeof a.deviceId === 'number');
		const orgs = needsJoin ? await organizationsOf(df, i) : new Map<number, number>();
		return alerts.map((a) => simplifyAlert(a, typeof a.deviceId === 'number' ? (orgs.get(a.deviceId) ?? null) : null) as unknown as IDataObject);
	});
}
