import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import * as ensure from './actions/database/ensure.operation';
import { executeWithOpsLog, opsLogProperty } from '../shared/opsLog';
import { router } from './actions/router';
import * as query from './actions/row/query.operation';
import * as upsert from './actions/row/upsert.operation';
import { searchDatabases, searchDataSources, searchPages } from './methods/listSearch';
import { getColumns } from './methods/resourceMapping';

export class NotionSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Notion Sync',
		name: 'notionSync',
		icon: { light: 'file:notionSync.svg', dark: 'file:notionSync.dark.svg' },
		group: ['output'],
		// 2: the Properties resource mapper (columns loaded from the database, a property to match on) replaces Key
		// Property and Property Mapping; version 1 workflows keep their parameters and behaviour.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Keyed, diffing upsert into Notion databases at the API rate limit',
		defaults: { name: 'Notion Sync' },
		usableAsTool: true,
		 
		inputs: [NodeConnectionTypes.Main],
		 
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mspNotionApi', required: true }, { name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'row',
				options: [
					{ name: 'Database', value: 'database' },
					{ name: 'Row', value: 'row' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['database'] } },
				default: 'ensure',
				options: [
					{
						name: 'Ensure Database',
						value: 'ensure',
						action: 'Create a database or add missing properties',
						description: 'Create the database under a parent page, or add missing properties and options to it',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['row'] } },
				default: 'upsert',
				options: [
					{
						name: 'Query Rows',
						value: 'query',
						action: 'Query rows',
						description: 'Read rows as flat items (property name to plain value)',
					},
					{
						name: 'Create or Update',
						value: 'upsert',
						action: 'Upsert rows by key',
						description: 'Create a new record, or update the current one if it already exists (upsert)',
					},
				],
			},
			...ensure.description,
			...upsert.description,
			...query.description,
			opsLogProperty,
		],
	};

	methods = {
		listSearch: { searchDatabases, searchDataSources, searchPages },
		resourceMapping: { getColumns },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeWithOpsLog(this, 'notion', () => router.call(this));
	}
}
