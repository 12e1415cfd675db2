import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NotionRowSync, upsertParamsSchema, type InputRow, type RowResult } from '../../../../lib/notion';
import { ConfigError, isMspOpsError } from '../../../../lib/errors';
import { parseWith } from '../../../../lib/validation';
import { readResourceMapper, resourceMapperParameter } from '../../../shared/resourceMapper';
import { isToolExecution } from '../../../shared/tool';
import { errorItemJson, toNodeError } from '../../../shared/n8nAdapter';
import { getNotionTransport } from '../../transport';
import { databaseLocator, dataSourceFromParameters, dataSourceLocator } from '../common';

const show = { resource: ['row'], operation: ['upsert'] };
/** Version 1 keeps its free-text key and fixed-collection mapping, so workflows saved with it run unchanged. */
const showV1 = { ...show, '@version': [1] };
const showV2 = { ...show, '@version': [{ _cnd: { gte: 2 } }] };
const MATCH_LABEL = 'Property to Match On';

export const description: INodeProperties[] = [
	databaseLocator(show),
	dataSourceLocator(show),
	resourceMapperParameter({
		displayName: 'Properties',
		method: 'getColumns',
		dependsOn: ['database.value', 'dataSource.value'],
		mode: 'upsert',
		fieldWords: { singular: 'property', plural: 'properties' },
		show: showV2,
		description:
			'Map Automatically writes every item field named like a property (exact, then ignoring case and spaces); Map Each Column Manually writes the values set here. The property to match on is unique per row and never duplicated.',
		matchingFieldsLabels: {
			title: MATCH_LABEL,
			description: 'The property whose value is unique per row (title, text, number, select, status, URL, email or phone); rows are found and updated by it',
			hint: 'Rows are matched on this property and never duplicated',
		},
		noFieldsError: 'The database has no property this node can write',
	}),
	{
		displayName: 'Key Property',
		name: 'keyProperty',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Site ID',
		description: 'Notion property whose value is unique per row (title, text, number, select, status, URL, email or phone). Rows are matched on it; it is never duplicated.',
		displayOptions: { show: showV1 },
	},
	{
		displayName: 'Map Fields by Name',
		name: 'autoMap',
		type: 'boolean',
		default: true,
		description: 'Whether to write every item field whose name matches a property (exact, then ignoring case and spaces). Other fields are ignored.',
		displayOptions: { show: showV1 },
	},
	{
		displayName: 'Property Mapping',
		name: 'mapping',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Property',
		description: 'Explicit values for properties; they win over fields mapped by name. An empty value or null clears the property.',
		displayOptions: { show: showV1 },
		options: [
			{
				displayName: 'Property',
				name: 'values',
				values: [
					{
						displayName: 'Property Name',
						name: 'property',
						type: 'string',
						default: '',
						description: 'Name of the Notion property',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Value to write, usually an expression reading a field of the item',
					},
				],
			},
		],
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
				displayName: 'Allow Archiving Above the Limit',
				name: 'allowMassArchive',
				type: 'boolean',
				default: false,
				description: 'Whether mirror mode may archive more than "Max Share of Rows to Archive" in one run. Turn on only for an input you know is complete.',
			},
			{
				displayName: 'Archive Rows Not in Input (Mirror)',
				name: 'mirror',
				type: 'boolean',
				default: false,
				description: 'Whether to move rows whose key is not among the input items to the trash, so the database mirrors the input',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report the plan (create, update, unchanged, archive) without writing anything',
			},
			{
				displayName: 'Fields to Ignore',
				name: 'ignoreFields',
				type: 'string',
				default: '',
				placeholder: 'internalNote, raw',
				description: 'Comma-separated item fields never mapped by name',
			},
			{
				displayName: 'Max Share of Rows to Archive (%)',
				name: 'maxArchiveShare',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 20,
				description: 'Mirror mode refuses a run (and writes nothing) that would archive more than this share of the existing rows, so a partial upstream result cannot empty the dashboard',
			},
			{
				displayName: 'On Duplicate Keys',
				name: 'onDuplicate',
				type: 'options',
				default: 'fail',
				description: 'What to do when two Notion rows already share a key',
				options: [
					{ name: 'Fail the Item', value: 'fail' },
					{ name: 'Update the Oldest Row and Report', value: 'updateOldest' },
				],
			},
		],
	},
];

function resultJson(result: RowResult): IDataObject {
	const json: IDataObject = {
		action: result.action,
		key: result.key ?? null,
		pageId: result.pageId ?? null,
		url: result.url ?? null,
		changed: result.changed,
	};
	if (result.changes && Object.keys(result.changes).length) json.changes = result.changes as unknown as IDataObject;
	if (result.duplicates?.length) json.duplicates = result.duplicates;
	if (result.dryRun) json.dryRun = true;
	if (result.recovered) json.recovered = true;
	if (result.error) Object.assign(json, errorItemJson(result.error));
	return json;
}

interface RowMappingParameters {
	keyProperty: unknown;
	autoMap: boolean;
	/** Explicit property values of item `i`. */
	explicit: (i: number) => Record<string, unknown>;
}

/** Key and mapping from the version's parameters: the Properties mapper (2) or Key Property + Property Mapping (1). */
function readRowMapping(ctx: IExecuteFunctions): RowMappingParameters {
	if (ctx.getNode().typeVersion >= 2) {
		const read = (i: number) => readResourceMapper(ctx, i, { displayName: 'Properties', service: 'notion', operation: 'upsertRows', requireMatch: true, matchLabel: MATCH_LABEL });
		const first = read(0);
		return {
			keyProperty: first.matchOn,
			autoMap: first.byName,
			explicit: (i) => (i === 0 ? first.values : read(i).values),
		};
	}
	return {
		keyProperty: ctx.getNodeParameter('keyProperty', 0),
		autoMap: ctx.getNodeParameter('autoMap', 0, true) as boolean,
		explicit: (i) => {
			const mapping = ctx.getNodeParameter('mapping.values', i, []) as Array<{ property: string; value: unknown }>;
			const explicit: Record<string, unknown> = {};
			for (const m of mapping) if (m.property?.trim()) explicit[m.property.trim()] = m.value;
			return explicit;
		},
	};
}

/** All input items in one batch: read the data source once, then write only what changed. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	try {
		const mapping = readRowMapping(this);
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const params = parseWith(
			upsertParamsSchema,
			{
				keyProperty: mapping.keyProperty,
				autoMap: mapping.autoMap,
				ignoreFields: String(options.ignoreFields ?? '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean),
				mirror: options.mirror ?? false,
				dryRun: options.dryRun ?? false,
				onDuplicate: options.onDuplicate ?? 'fail',
				maxArchiveShare: options.maxArchiveShare ?? 20,
				allowMassArchive: options.allowMassArchive ?? false,
				timeZone: this.getTimezone(),
			},
			{ what: 'Upsert Rows parameters', service: 'notion', operation: 'upsertRows' },
		);
		if (params.mirror && isToolExecution(this)) {
			// An agent decides the input of a tool call; it must not be able to empty a database by leaving rows out.
			throw new ConfigError('Mirror mode (archive rows not in the input) is not available when an AI agent uses Notion Sync as a tool; turn it off', {
				service: 'notion',
				operation: 'upsertRows',
				field: 'options.mirror',
			});
		}
		const inputs: InputRow[] = items.map((item, i) => ({ fields: item.json, explicit: mapping.explicit(i) }));
		const transport = await getNotionTransport(this);
		const schema = await dataSourceFromParameters(this, transport, 0);
		const sync = new NotionRowSync(transport, schema, { ...params, maxArchiveShare: params.maxArchiveShare / 100, failFast: !continueOnFail });
		const result = await sync.run(inputs);
		const out: INodeExecutionData[] = result.rows.map((row) => ({ json: resultJson(row), pairedItem: { item: row.index ?? 0 } }));
		for (const row of result.archived) {
			const json = resultJson(row);
			if (result.archiveRefused) json.archiveRefused = result.archiveRefused;
			out.push({ json, pairedItem: { item: 0 } });
		}
		return out;
	} catch (error) {
		if (continueOnFail) {
			return items.map((_, i) => ({ json: { action: 'failed', ...errorItemJson(error) }, pairedItem: { item: i } }));
		}
		// A batch-wide failure (the read, the mirror check) belongs to the whole batch: name its first item.
		throw toNodeError(this.getNode(), error, isMspOpsError(error) && error.itemIndex !== undefined ? error.itemIndex : 0);
	}
}
