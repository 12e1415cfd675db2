import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { executeWithOpsLog, opsLogProperty } from '../shared/opsLog';
import * as propertyEnsure from './actions/property/ensure.operation';
import * as propertyGetAll from './actions/property/getAll.operation';
import * as recordCreate from './actions/record/create.operation';
import * as recordDelete from './actions/record/delete.operation';
import * as recordGet from './actions/record/get.operation';
import * as recordGetAll from './actions/record/getAll.operation';
import * as recordSearch from './actions/record/search.operation';
import * as recordUpdate from './actions/record/update.operation';
import * as recordUpsert from './actions/record/upsert.operation';
import { router } from './actions/router';
import { getProperties } from './methods/resourceMapping';

/**
 * HubSpot CRM: companies and contacts (read, search, batch writes, keyed upsert that writes only what changed) and
 * custom properties (list, ensure), through lib/hubspot (batches of 100, pacing from HubSpot's rate-limit headers).
 */
export class HubSpotCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubSpot CRM',
		name: 'hubSpotCrm',
		icon: { light: 'file:hubSpotCrm.svg', dark: 'file:hubSpotCrm.dark.svg' },
		group: ['output'],
		// 2: the Properties resource mapper (the object type's properties loaded from HubSpot, a property to match on for
		// Create or Update) replaces Match By Property, Match Value and the Properties list; version 1 workflows keep
		// their parameters and behaviour.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Keep HubSpot companies and contacts current: batch reads and writes, keyed upsert that writes only what changed',
		defaults: { name: 'HubSpot CRM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'mspHubSpotApi', required: true },
			// n8n's Supabase credential, for the optional ops log (nodes/shared/opsLog.ts; written out for the linter).
			{ name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'company',
				options: [
					{ name: 'Company', value: 'company' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Property', value: 'property' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['company', 'contact'] } },
				default: 'upsert',
				options: [
					{ name: 'Create', value: 'create', action: 'Create records', description: 'Create one record per item (batches of 100)' },
					{
						name: 'Create or Update',
						value: 'upsert',
						action: 'Create or update records',
						description: 'Create a new record, or update the current one if it already exists (upsert)',
					},
					{ name: 'Delete', value: 'delete', action: 'Delete records', description: 'Archive records by ID (batches of 100)' },
					{ name: 'Get', value: 'get', action: 'Get records', description: 'Get records by ID or by a unique property (batches of 100)' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many records', description: 'List records, 100 per page' },
					{ name: 'Search', value: 'search', action: 'Search records', description: 'Find records by property filters' },
					{ name: 'Update', value: 'update', action: 'Update records', description: 'Update records by ID (batches of 100)' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['property'] } },
				default: 'ensure',
				options: [
					{ name: 'Ensure', value: 'ensure', action: 'Ensure properties exist', description: 'Create missing custom properties and their group' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many properties', description: 'List the properties of companies or contacts' },
				],
			},
			propertyGetAll.objectTypeParameter,
			...recordCreate.description,
			...recordDelete.description,
			...recordGet.description,
			...recordGetAll.description,
			...recordSearch.description,
			...recordUpdate.description,
			...recordUpsert.description,
			...propertyEnsure.description,
			...propertyGetAll.description,
			opsLogProperty,
		],
	};

	methods = {
		resourceMapping: { getProperties },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeWithOpsLog(this, 'hubspot', () => router.call(this));
	}
}
