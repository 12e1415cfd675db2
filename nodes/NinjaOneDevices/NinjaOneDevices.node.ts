import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import * as alertGetAll from './actions/alert/getAll.operation';
import * as deviceGet from './actions/device/get.operation';
import * as deviceGetAll from './actions/device/getAll.operation';
import * as deviceHealthGetAll from './actions/deviceHealth/getAll.operation';
import * as organizationGetAll from './actions/organization/getAll.operation';
import { executeWithOpsLog, opsLogProperty } from '../shared/opsLog';
import { router } from './actions/router';
import { ninjaOneApiTest } from './methods/credentialTest';
import { searchDevices, searchOrganizations } from './methods/listSearch';

/**
 * NinjaOne Devices: organizations, devices, device health and alerts from the NinjaOne public API v2, with a
 * headless client-credentials token owned by lib/ninjaone (see transport.ts).
 */
export class NinjaOneDevices implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'NinjaOne Devices',
		name: 'ninjaOneDevices',
		icon: { light: 'file:ninjaOneDevices.svg', dark: 'file:ninjaOneDevices.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read NinjaOne organizations, devices, device health and alerts',
		defaults: { name: 'NinjaOne Devices' },
		usableAsTool: true,
		 
		inputs: [NodeConnectionTypes.Main],
		 
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mspNinjaOneApi', required: true, testedBy: 'ninjaOneApiTest' }, { name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'device',
				options: [
					{ name: 'Alert', value: 'alert' },
					{ name: 'Device', value: 'device' },
					{ name: 'Device Health', value: 'deviceHealth' },
					{ name: 'Organization', value: 'organization' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['alert'] } },
				default: 'getAll',
				options: [{ name: 'Get Many', value: 'getAll', action: 'Get many alerts', description: 'Get active alerts (triggered conditions)' }],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['device'] } },
				default: 'getAll',
				options: [
					{ name: 'Get', value: 'get', action: 'Get a device', description: 'Get one device with details' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many devices', description: 'Get devices, optionally filtered' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['deviceHealth'] } },
				default: 'getAll',
				options: [
					{
						name: 'Get Many',
						value: 'getAll',
						action: 'Get many device health reports',
						description: 'Get the health status of devices (threats, patches, alerts, pending reboot)',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['organization'] } },
				default: 'getAll',
				options: [{ name: 'Get Many', value: 'getAll', action: 'Get many organizations', description: 'Get organizations (customers)' }],
			},
			...alertGetAll.description,
			...deviceGet.description,
			...deviceGetAll.description,
			...deviceHealthGetAll.description,
			...organizationGetAll.description,
			opsLogProperty,
		],
	};

	methods = {
		listSearch: { searchDevices, searchOrganizations },
		credentialTest: { ninjaOneApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeWithOpsLog(this, 'ninjaone', () => router.call(this));
	}
}
