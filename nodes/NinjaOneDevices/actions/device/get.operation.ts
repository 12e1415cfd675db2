import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { simplifyDevice } from '../../../../lib/ninjaone';
import { runPerItem } from '../../../shared/n8nAdapter';
import { getNinjaClient } from '../../transport';
import { deviceLocator, readNumericId, readSimplify, simplifyParameter } from '../common';

const show = { resource: ['device'], operation: ['get'] };

export const description: INodeProperties[] = [deviceLocator(show), simplifyParameter(show)];

/** GET /v2/device/{id} (detailed record). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const client = await getNinjaClient(this);
	return runPerItem(this, async (i) => {
		const device = await client.getDevice(readNumericId(this, 'device', i, 'Device'), { itemIndex: i });
		return (readSimplify(this, i) ? simplifyDevice(device) : device) as unknown as IDataObject;
	});
}
