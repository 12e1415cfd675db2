import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { ensureDatabase, parseDatabaseSchema } from '../../../../lib/notion';
import { SITE_HEALTH_DATABASE_TITLE, siteHealthSchema } from '../../../../lib/health/dashboard';
import { PIPELINE_DATABASES, pipelineDatabase } from '../../../../lib/pipelines/notionDatabases';
import { ConfigError } from '../../../../lib/errors';
import { errorItemJson, toNodeError } from '../../../shared/n8nAdapter';
import { getNotionTransport } from '../../transport';

const show = { resource: ['database'], operation: ['ensure'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Parent Page',
		name: 'parentPage',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Page (shared with the integration) under which the database is found by title or created',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a page...',
				typeOptions: { searchListMethod: 'searchPages', searchable: true },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'https://www.notion.so/workspace/MSP-Dashboard-0123456789abcdef0123456789abcdef',
				extractValue: { type: 'regex', regex: '([0-9a-fA-F]{32})' },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: '0123456789abcdef0123456789abcdef',
			},
		],
	},
	{
		displayName: 'Database Title',
		name: 'title',
		type: 'string',
		default: SITE_HEALTH_DATABASE_TITLE,
		required: true,
		description: 'Title of the database; an existing database with this exact title under the parent page is reused',
		displayOptions: { show },
	},
	{
		displayName: 'Schema',
		name: 'schemaSource',
		type: 'options',
		noDataExpression: true,
		// "custom" keeps workflows made before this parameter existed reading their own JSON.
		default: 'custom',
		description: 'Which properties the database must have',
		displayOptions: { show },
		options: [
			{
				name: 'Custom (JSON)',
				value: 'custom',
				description: 'The properties listed in Schema (JSON)',
			},
			// The bundled pipelines' databases (lib/pipelines/notionDatabases.ts).
			...PIPELINE_DATABASES.map((d) => ({ name: d.presetName, value: d.preset, description: d.presetDescription })),
		],
	},
	{
		displayName: 'Schema (JSON)',
		name: 'schema',
		type: 'json',
		default: JSON.stringify(siteHealthSchema(), null, 2),
		required: true,
		description:
			'List of properties: {"name", "type", "options"?}. Types are Notion property types: title (exactly one), rich_text, number, select, multi_select, status, date, checkbox, email, phone_number, relation (with relatedDataSourceId) and the link type. Missing properties and select options are added; nothing is removed or retyped.',
		displayOptions: { show: { ...show, schemaSource: ['custom'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report what would be created or added',
			},
			{
				displayName: 'Existing Database ID',
				name: 'databaseId',
				type: 'string',
				default: '',
				description: 'Use this database instead of looking it up by title under the parent page',
			},
		],
	},
];

/** Runs once per execution (not per item): the database is one thing. Output: one item with its ids. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const pairedItem = items.length ? { item: 0 } : undefined;
	try {
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const source = this.getNodeParameter('schemaSource', 0, 'custom') as string;
		const preset = source === 'custom' ? undefined : pipelineDatabase(source);
		if (source !== 'custom' && !preset) {
			throw new ConfigError(`Unknown schema preset "${source}": choose one from the Schema list`, { service: 'notion', operation: 'ensureDatabase', field: 'schemaSource' });
		}
		const properties = parseDatabaseSchema(preset ? preset.schema() : this.getNodeParameter('schema', 0));
		const transport = await getNotionTransport(this);
		const result = await ensureDatabase(transport, {
			title: String(this.getNodeParameter('title', 0)),
			properties,
			parentPageId: String(this.getNodeParameter('parentPage', 0, '', { extractValue: true }) ?? ''),
			databaseId: String(options.databaseId ?? ''),
			dryRun: options.dryRun === true,
		});
		return [{ json: result as unknown as IDataObject, pairedItem }];
	} catch (error) {
		if (this.continueOnFail()) return [{ json: errorItemJson(error), pairedItem }];
		throw toNodeError(this.getNode(), error, 0);
	}
}
