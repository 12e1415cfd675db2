import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';
import { isWritableType, KEY_TYPES, resolveDataSource, type PropertySchema } from '../../../lib/notion';
import { toNodeError } from '../../shared/n8nAdapter';
import { mapperField } from '../../shared/resourceMapper';
import { getNotionTransport } from '../transport';

/** How the panel shows and checks each writable Notion type (select and status offer their options). */
const FIELD_TYPES: Record<string, FieldType> = {
	number: 'number',
	checkbox: 'boolean',
	date: 'dateTime',
	select: 'options',
	status: 'options',
	url: 'url',
};

/**
 * One mapper column per property of the data source, in Notion's order, named by the property name (what the sync
 * matches item fields and explicit values on). Computed properties (formula, rollup, created/edited time and by,
 * unique ID, files, people) are listed read-only and left out, as Airtable V2 shows its computed fields.
 */
export function notionMapperFields(properties: Array<Pick<PropertySchema, 'name' | 'type' | 'options'>>): ResourceMapperField[] {
	return properties.map((p) => {
		const writable = isWritableType(p.type);
		return mapperField({
			id: p.name,
			displayName: writable ? p.name : `${p.name} (${p.type.replace(/_/g, ' ')}, read-only)`,
			type: FIELD_TYPES[p.type] ?? 'string',
			writable,
			matchable: (KEY_TYPES as readonly string[]).includes(p.type),
			options: (p.options ?? []).map((o) => ({ name: o, value: o })),
		});
	});
}

/** The Properties mapper of Create or Update: the columns of the chosen database (or data source). */
export async function getColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const locator = (name: string) => {
		const value = this.getNodeParameter(name, '', { extractValue: true }) as unknown;
		return typeof value === 'string' ? value : '';
	};
	try {
		const transport = await getNotionTransport(this);
		const schema = await resolveDataSource(transport, { databaseId: locator('database'), dataSourceId: locator('dataSource') });
		const fields = notionMapperFields(Object.values(schema.properties));
		return fields.some((f) => !f.readOnly)
			? { fields }
			: { fields, emptyFieldsNotice: `The Notion data source '${schema.title}' has no property this node can write` };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
