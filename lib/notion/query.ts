import { ValidationError } from '../errors';
import { findProperty, type DataSourceSchema } from './dataSource';
import { fromNotionValue } from './properties';
import type { QueryParams } from './schema';
import { notionCall, type NotionTransport } from './transport';

/** Query Rows: read rows of a data source as flat items (property name -> plain value). */

export interface FlatRow {
	id: string;
	url?: string;
	createdTime?: string;
	lastEditedTime?: string;
	properties: Record<string, unknown>;
}

type PageLike = {
	object?: string;
	id: string;
	url?: string;
	created_time?: string;
	last_edited_time?: string;
	in_trash?: boolean;
	properties?: Record<string, { type?: string; [k: string]: unknown }>;
};

export function flattenPage(page: PageLike): FlatRow {
	const properties: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(page.properties ?? {})) properties[name] = fromNotionValue(value);
	return { id: page.id, url: page.url, createdTime: page.created_time, lastEditedTime: page.last_edited_time, properties };
}

/** Pages of up to 100 until Limit (or everything with Return All). */
export async function queryRows(transport: NotionTransport, schema: DataSourceSchema, params: QueryParams): Promise<FlatRow[]> {
	const sorts = params.sorts.map((s) => {
		if (s.property === 'created_time' || s.property === 'last_edited_time') return { timestamp: s.property, direction: s.direction };
		const prop = findProperty(schema, s.property);
		if (!prop) {
			throw new ValidationError(`Sort property '${s.property}' is not in the data source '${schema.title}'`, {
				service: 'notion',
				field: 'sort.property',
				expected: Object.keys(schema.properties).join(', '),
				received: s.property,
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
			});
		}
		return prop.id;
	});
	const rows: FlatRow[] = [];
	let cursor: string | undefined;
	do {
		const remaining = params.returnAll ? 100 : Math.min(100, params.limit - rows.length);
		const start = cursor;
		const response = await notionCall('queryDataSource', () =>
			transport.client.dataSources.query({
				data_source_id: schema.id,
				page_size: remaining,
				start_cursor: start,
				filter: params.filter as never,
				sorts: sorts.length ? (sorts as never) : undefined,
				filter_properties: filterIds.length ? filterIds : undefined,
			}),
		);
		for (const result of response.results as unknown as PageLike[]) {
			if (result.object && result.object !== 'page') continue;
			rows.push(flattenPage(result));
			if (!params.returnAll && rows.length >= params.limit) return rows;
		}
		cursor = response.has_more && response.next_cursor ? response.next_cursor : undefined;
	} while (cursor);
	return rows;
}
