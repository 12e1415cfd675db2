import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import type { HubSpotObjectType, PropertySpec } from '../../../../lib/hubspot';
import { parseWith } from '../../../../lib/validation';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getHubSpotClient } from '../../transport';

const show = { resource: ['property'], operation: ['ensure'] };

/** The fields the MSP pipelines keep on each customer company. */
export const MSP_HEALTH_PROPERTIES: PropertySpec[] = [
	{ name: 'msp_health_score', label: 'MSP Health Score', type: 'number', fieldType: 'number', description: 'Site health 0-100 from the Health Score node' },
	{ name: 'msp_health_status', label: 'MSP Health Status', type: 'string', fieldType: 'text', description: 'Healthy, Warning, Critical or Unknown' },
	{ name: 'msp_offline_devices', label: 'MSP Offline Devices', type: 'number', fieldType: 'number', description: 'UniFi devices offline at the last sync' },
	{ name: 'msp_last_sync', label: 'MSP Last Sync', type: 'datetime', fieldType: 'date', description: 'When the figures last changed' },
];

const FIELD_TYPE: Record<string, string> = { string: 'text', number: 'number', bool: 'booleancheckbox', date: 'date', datetime: 'date' };

export const description: INodeProperties[] = [
	{
		displayName: 'Properties From',
		name: 'preset',
		type: 'options',
		default: 'mspHealth',
		displayOptions: { show },
		options: [
			{ name: 'MSP Health Fields', value: 'mspHealth', description: 'Score, status, offline devices and last sync (msp_health_score, msp_health_status, msp_offline_devices, msp_last_sync)' },
			{ name: 'Defined Below', value: 'custom' },
		],
	},
	{
		displayName: 'Properties',
		name: 'propertySpecs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Property',
		default: {},
		displayOptions: { show: { ...show, preset: ['custom'] } },
		options: [
			{
				displayName: 'Property',
				name: 'values',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'msp_contract_tier', description: 'Internal name: lower case letters, digits and _' },
					{ displayName: 'Label', name: 'label', type: 'string', default: '' },
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						default: 'string',
						options: [
							{ name: 'Checkbox', value: 'bool' },
							{ name: 'Date', value: 'date' },
							{ name: 'Date and Time', value: 'datetime' },
							{ name: 'Number', value: 'number' },
							{ name: 'Text', value: 'string' },
						],
					},
					{ displayName: 'Unique Values', name: 'hasUniqueValue', type: 'boolean', default: false, description: 'Whether values must be unique (needed to upsert by this property)' },
				],
			},
		],
	},
	{
		displayName: 'Group Name',
		name: 'groupName',
		type: 'string',
		default: 'msp_ops',
		description: 'Property group the new properties go into (created when missing)',
		displayOptions: { show },
	},
	{
		displayName: 'Group Label',
		name: 'groupLabel',
		type: 'string',
		default: 'MSP Ops',
		displayOptions: { show },
	},
];

const specsSchema = z
	.array(
		z.object({
			name: z.string().trim().regex(/^[a-z][a-z0-9_]*$/, 'an internal name: lower case letters, digits and _'),
			label: z.string().trim().min(1, 'a label'),
			type: z.enum(['string', 'number', 'bool', 'date', 'datetime']),
			hasUniqueValue: z.boolean().optional(),
		}),
	)
	.min(1, 'at least one property');

const groupSchema = z.object({ name: z.string().trim().regex(/^[a-z][a-z0-9_]*$/, 'an internal name: lower case letters, digits and _'), label: z.string().trim().min(1, 'a label') });

/** Create the missing properties (and their group); existing ones are left as they are. Running it again creates nothing. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getHubSpotClient(this), async (client, i) => {
		const type = this.getNodeParameter('objectType', i, 'companies') as HubSpotObjectType;
		const context = { service: 'hubspot' as const, operation: 'ensureProperties', itemIndex: i };
		const group = parseWith(groupSchema, { name: this.getNodeParameter('groupName', i, 'msp_ops'), label: this.getNodeParameter('groupLabel', i, 'MSP Ops') }, { what: "parameters 'Group Name' and 'Group Label'", ...context });
		const specs: PropertySpec[] =
			this.getNodeParameter('preset', i, 'mspHealth') === 'mspHealth'
				? MSP_HEALTH_PROPERTIES
				: parseWith(specsSchema, this.getNodeParameter('propertySpecs.values', i, []), { what: "parameter 'Properties'", ...context }).map((s) => ({ ...s, fieldType: FIELD_TYPE[s.type] }));
		const result = await client.ensureProperties(type, specs, { group });
		return { objectType: type, ...result } as never;
	});
}
