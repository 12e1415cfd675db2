import { ValidationError } from '../errors';
import { findProperty, type DataSourceSchema } from './dataSource';
import { fromNotionValue } from './properties';
import type { QueryParams } from './schema';
import { readPages } from './read';
import type { NotionPage } from './responses';
import type { NotionTransport } from './transport';

/** Query Rows: read rows of a data source as flat items (property name -> plain value). */

export interface FlatRow {
	id: string;
	url?: string;
	createdTime?: string;
	lastEditedTime?: string;
	properties: Record<string, unknown>;
}

export function flattenPage(page: NotionPage): FlatRow {
	const properties: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(page.properties)) properties[name] = fromNotionValue(value);
	return { id: page.id, url: page.url, createdTime: page.created_time, lastEditedTime: page.last_edited_time, properties };
}

/**
 * Pages of up to 100 until Limit (or everything with Return All). Without sorts (or sorted by created_time
 * ascending) every row is read past Notion's per-query result limit; with other sorts a result Notion cut off
 * fails instead of coming back short.
 */
export async function queryRows(transport: NotionTransport, schema: DataSourceSchema, params: QueryParams, itemIndex?: number): Promise<FlatRow[]> {
	const sorts = params.sorts.map((s) => {
		if (s.property === 'created_time' || s.property === 'last_edited_time') return { timestamp: s.property, direction: s.direction };
		const prop = findProperty(schema, s.property);
		if (!prop) {
			throw new ValidationError(`Sort property '${s.property}' is not in the data source '${schema.title}'`, {
				service: 'notion',
				field: 'sort.property',
				expected: Object.keys(schema.properties).join(', '),
				received: s.property,
				itemIndex,
			});
		}
		return { property: prop.name, direction: s.direction };
	});
	const filterIds = params.properties.map((name) => {
		const prop = findProperty(schema, name);
		if (!prop) {
			throw new ValidationError(`Property '${name}' is not in the data source '${schema.title}'`, {
				service: 'notion',
				field: 'properties',
				expected: Object.keys(schema.properties).join(', '),
				received: name,
				itemIndex,
			});
		}
		return prop.id;
	});
	const { pages } = await readPages(transport, {
		dataSourceId: schema.id,
		filter: params.filter,
		sorts,
		filterProperties: filterIds,
		limit: params.returnAll ? undefined : params.limit,
		itemIndex,
	});
	return pages.map(flattenPage);
}
