import { SyncError } from '../errors';
import { isIncomplete, pageSchema, parseNotionResponse, queryResponseSchema, type NotionPage } from './responses';
import { notionCall, type NotionTransport } from './transport';

/**
 * Reading every row of a data source, past Notion's per-query result limit.
 *
 * A data source query returns at most 10,000 results; the limit is per query (one filter + sort), and once it is
 * reached `has_more` is false and the pages carry `request_status: {type: "incomplete"}`. Following `next_cursor`
 * alone therefore looks complete but is not. As Notion's guide "Query large data sources" recommends, rows are read
 * in `created_time` windows: sorted by `created_time` ascending; when a window is cut off, the next query starts at
 * the last `created_time` seen (inclusive, because Notion's timestamps are whole minutes and rows on the boundary
 * repeat), and rows are de-duplicated by id. `created_time` never changes, so no row moves between windows.
 *
 * When a window cannot advance (more rows than the limit share one `created_time`), or when the caller's own sort
 * rules windowing out, the read fails instead of returning a partial set: a partial read must never be taken for
 * the whole data source.
 */

export interface ReadPagesOptions {
	dataSourceId: string;
	/** Property ids or names to return (`filter_properties`); all when empty. */
	filterProperties?: string[];
	/** The caller's filter; windows are added to it with `and`. */
	filter?: Record<string, unknown>;
	/** The caller's sorts. Windowing needs the `created_time` order, so with other sorts a capped result fails. */
	sorts?: Array<Record<string, unknown>>;
	/** Stop after this many pages (rows); everything when undefined. */
	limit?: number;
	/** Include rows in the trash. Default false. */
	includeTrashed?: boolean;
	/** Called once per query request (for call counting). */
	onRequest?: () => void;
	itemIndex?: number;
}

export interface ReadPagesResult {
	pages: NotionPage[];
	/** Query requests made. */
	requests: number;
	/** created_time windows read (1 when the data source is under the limit). */
	windows: number;
}

const CREATED_ASCENDING = { timestamp: 'created_time', direction: 'ascending' } as const;

function isCreatedAscendingOnly(sorts: Array<Record<string, unknown>> | undefined): boolean {
	if (!sorts?.length) return true;
	return sorts.length === 1 && sorts[0].timestamp === 'created_time' && (sorts[0].direction ?? 'ascending') === 'ascending';
}

function windowFilter(filter: Record<string, unknown> | undefined, windowStart: string | undefined): Record<string, unknown> | undefined {
	if (windowStart === undefined) return filter;
	const window = { timestamp: 'created_time', created_time: { on_or_after: windowStart } };
	if (!filter) return window;
	// Join an existing top-level `and` rather than nesting it: Notion allows only two levels of compound filters.
	if (Array.isArray(filter.and)) return { ...filter, and: [...(filter.and as unknown[]), window] };
	return { and: [filter, window] };
}

export async function readPages(transport: NotionTransport, options: ReadPagesOptions): Promise<ReadPagesResult> {
	const windowed = isCreatedAscendingOnly(options.sorts);
	const sorts = windowed ? [CREATED_ASCENDING] : options.sorts;
	const seen = new Set<string>();
	const pages: NotionPage[] = [];
	let requests = 0;
	let windows = 0;
	let windowStart: string | undefined;
	for (;;) {
		windows += 1;
		let capped = false;
		let lastCreated: string | undefined;
		let cursor: string | undefined;
		do {
			const remaining = options.limit === undefined ? 100 : Math.min(100, options.limit - pages.length);
			const start = cursor;
			const filter = windowFilter(options.filter, windowStart);
			requests += 1;
			options.onRequest?.();
			const raw = await notionCall(
				'queryDataSource',
				() =>
					transport.client.dataSources.query({
						data_source_id: options.dataSourceId,
						page_size: remaining,
						start_cursor: start,
						filter: filter as never,
						sorts: sorts as never,
						filter_properties: options.filterProperties?.length ? options.filterProperties : undefined,
					}),
				{ itemIndex: options.itemIndex },
			);
			const response = parseNotionResponse(queryResponseSchema, raw, 'queryDataSource', options.itemIndex);
			for (const result of response.results) {
				if (typeof result.created_time === 'string') lastCreated = result.created_time;
				if (result.object !== 'page') continue;
				const page = parseNotionResponse(pageSchema, result, 'queryDataSource', options.itemIndex);
				if (seen.has(page.id)) continue;
				seen.add(page.id);
				if (!options.includeTrashed && (page.in_trash === true || page.archived === true)) continue;
				pages.push(page);
				if (options.limit !== undefined && pages.length >= options.limit) return { pages, requests, windows };
			}
			if (isIncomplete(response)) capped = true;
			cursor = response.has_more ? (response.next_cursor as string) : undefined;
		} while (cursor);
		if (!capped) return { pages, requests, windows };
		if (!windowed) {
			throw new SyncError(
				`Notion stopped this query at its per-query result limit after ${pages.length} rows, and more rows match. Narrow the filter, or remove the sorts (Notion Sync then reads every row in created_time windows)`,
				{ service: 'notion', operation: 'queryDataSource', code: 'query_result_limit_reached', itemIndex: options.itemIndex, retryable: false },
			);
		}
		if (lastCreated === undefined || lastCreated === windowStart) {
			throw new SyncError(
				`More Notion rows share the created_time ${String(lastCreated)} than one query returns, so not every row can be read; nothing was written. Move some of these rows to another data source, then run again`,
				{ service: 'notion', operation: 'queryDataSource', code: 'query_result_limit_reached', itemIndex: options.itemIndex, retryable: false },
			);
		}
		windowStart = lastCreated;
	}
}
