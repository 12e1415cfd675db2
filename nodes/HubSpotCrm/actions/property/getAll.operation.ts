import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { HubSpotObjectType } from '../../../../lib/hubspot';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getHubSpotClient } from '../../transport';

export const objectTypeParameter: INodeProperties = {
	displayName: 'Object Type',
	name: 'objectType',
	type: 'options',
	default: 'companies',
	displayOptions: { show: { resource: ['property'] } },
	options: [
		{ name: 'Companies', value: 'companies' },
		{ name: 'Contacts', value: 'contacts' },
	],
};

export const description: INodeProperties[] = [
	{
		displayName: 'Custom Only',
		name: 'customOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to return only properties created in this account (not HubSpot\'s defined ones)',
		displayOptions: { show: { resource: ['property'], operation: ['getAll'] } },
	},
];

/** GET /crm/v3/properties/{objectType}: name, label, type, field type, group, unique values. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getHubSpotClient(this), async (client, i) => {
		const type = this.getNodeParameter('objectType', i, 'companies') as HubSpotObjectType;
		const customOnly = this.getNodeParameter('customOnly', i, false) as boolean;
		const properties = await client.listProperties(type);
		return properties
			.filter((p) => !customOnly || (p as { hubspotDefined?: boolean }).hubspotDefined !== true)
			.map((p) => ({
				name: p.name,
				label: p.label,
				type: p.type,
				fieldType: p.fieldType,
				groupName: p.groupName ?? null,
				hasUniqueValue: p.hasUniqueValue === true,
				description: p.description ?? null,
			}));
	});
}
