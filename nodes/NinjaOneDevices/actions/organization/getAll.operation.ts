import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyOrganization } from '../../../../lib/ninjaone';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getNinjaClient } from '../../transport';
import { readLimit, readSimplify, returnAllAndLimit, simplifyParameter } from '../common';

const show = { resource: ['organization'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	...returnAllAndLimit(show),
	simplifyParameter(show),
	{
		displayName: 'UniFi Site ID Field',
		name: 'unifiSiteIdField',
		type: 'string',
		default: 'unifiSiteId',
		description: 'Organization custom field that holds the UniFi site ID (copied to unifiSiteId in the simplified output)',
		displayOptions: { show: { ...show, simplify: [true] } },
	},
];

/** GET /v2/organizations, keyset-paged (after = last id). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getNinjaClient(this), async (client, i) => {
		const limit = readLimit(this, i, 'ninjaone', 'listOrganizations');
		const simplify = readSimplify(this, i);
		const field = simplify ? (this.getNodeParameter('unifiSiteIdField', i, 'unifiSiteId') as string).trim() : '';
		const orgs = await client.listOrganizations({ limit, itemIndex: i });
		return orgs.map((o) => (simplify ? simplifyOrganization(o, field) : o) as unknown as IDataObject);
	});
}
