import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { resolveDataSource, type DataSourceSchema, type NotionTransport } from '../../../lib/notion';

const ID_REGEX = '^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$';
const URL_REGEX = '^https?://(?:www\\.)?notion\\.(?:so|site)/.*[0-9a-fA-F]{32}.*';

export function databaseLocator(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Database',
		name: 'database',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Notion database (shared with the integration)',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a database...',
				typeOptions: { searchListMethod: 'searchDatabases', searchable: true },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'https://www.notion.so/workspace/Site-Health-0123456789abcdef0123456789abcdef',
				validation: [{ type: 'regex', properties: { regex: URL_REGEX, errorMessage: 'Not a Notion database URL' } }],
				extractValue: { type: 'regex', regex: '([0-9a-fA-F]{32})' },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: '0123456789abcdef0123456789abcdef',
				validation: [{ type: 'regex', properties: { regex: ID_REGEX, errorMessage: 'Not a Notion ID' } }],
			},
		],
	};
}

export function dataSourceLocator(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Data Source',
		name: 'dataSource',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: 'The data source inside the database. Leave empty for the database\'s first data source. Giving its ID saves one call per run.',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'First data source of the database',
				typeOptions: { searchListMethod: 'searchDataSources', searchable: false },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'collection://0123456789abcdef0123456789abcdef',
				extractValue: { type: 'regex', regex: '([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})' },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: '0123456789abcdef0123456789abcdef',
			},
		],
	};
}

/** The data source (with schema) named by the node's Database / Data Source parameters for item `i`. */
export async function dataSourceFromParameters(ctx: IExecuteFunctions, transport: NotionTransport, i: number): Promise<DataSourceSchema> {
	const databaseId = String(ctx.getNodeParameter('database', i, '', { extractValue: true }) ?? '');
	const dataSourceId = String(ctx.getNodeParameter('dataSource', i, '', { extractValue: true }) ?? '');
	return resolveDataSource(transport, { databaseId, dataSourceId });
}
