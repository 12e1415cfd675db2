import { Emulator, bearerToken, createRng, headerValue, HttpError, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';
import { invalidJsonResponse, MalformQueue, type MalformKind } from './malform';

/**
 * Notion API emulator (version 2025-09-03: databases contain data sources; 2022-06-28 accepted for the legacy
 * database query/properties paths). Covers users/me, search, one seeded parent page, databases (create, retrieve,
 * update), data sources (retrieve, update, query with filters/sorts/cursors/filter_properties), and pages
 * (create, retrieve, update, trash) with Notion-like property validation and error bodies that @notionhq/client
 * recognises (`{object:"error", status, code, message, request_id}`), so its 429/529 retries work against it.
 *
 * Facts not confirmed by a first-party source are options (see NotionEmulatorOptions) and marked [UNVERIFIED].
 */

// ---------------------------------------------------------------------------------------------- constants

/** The seeded page under which databases can be created (shared with the integration). */
export const SANDBOX_PARENT_PAGE_ID = '2a5f1c3e-7b4d-4e8a-9c1f-0d6e3b2a4c10';
export const SANDBOX_PARENT_PAGE_TITLE = 'MSP Ops Sandbox';
export const SANDBOX_BOT_ID = '6f1d2c3b-4a5e-4f60-8172-8394a5b6c7d8';
export const NOTION_SUPPORTED_VERSIONS = ['2021-05-13', '2021-08-16', '2022-02-22', '2022-06-28', '2025-09-03', '2026-03-11'];
export const NOTION_DEFAULT_RATE_LIMIT: RateLimitConfig = { kind: 'bucket', ratePerSec: 3, burst: 10 };

const RICH_TEXT_MAX = 2000;
const ARRAY_MAX = 100;
const OPTION_NAME_MAX = 100;
const URL_MAX = 2000;
const BODY_MAX_BYTES = 500 * 1024;
const COLORS = ['default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red'];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:;<=>?@[]^_`{|}~';
const READ_ONLY_TYPES = new Set(['created_time', 'last_edited_time', 'created_by', 'last_edited_by', 'formula', 'rollup', 'unique_id', 'button']);

export interface NotionEmulatorOptions extends EmulatorOptions {
	/** Accepted integration token (default SANDBOX_CREDENTIALS.notionToken). */
	token?: string;
	/** Id and title of the seeded parent page (defaults SANDBOX_PARENT_PAGE_ID / SANDBOX_PARENT_PAGE_TITLE). */
	parentPageId?: string;
	parentPageTitle?: string;
	/** Seed for generated ids (default 11). */
	seed?: number;
	/** created_time/last_edited_time granularity; Notion reports whole minutes (default 60,000 ms). */
	timestampPrecisionMs?: number;
	/** Max page_size (default 100). */
	maxPageSize?: number;
	/** Reject commas in select/multi_select option names (Notion docs say commas are not valid) (default true). */
	rejectCommasInOptions?: boolean;
	/** Accepted Notion-Version values (default NOTION_SUPPORTED_VERSIONS). */
	acceptedVersions?: string[];
	/** How the emulator answers an injected or after-write 502: Cloudflare-like HTML (default) or a Notion JSON body [UNVERIFIED]. */
	badGatewayStyle?: 'html' | 'json';
	/**
	 * Results one data source query (one filter + sort) returns at most (default 10,000, as documented). Past it the
	 * query's pages carry `request_status: {type: "incomplete", incomplete_reason: "query_result_limit_reached"}`
	 * and pagination ends with `has_more: false`. Tests use a small value so they stay fast.
	 */
	queryResultLimit?: number;
}

export const NOTION_QUERY_RESULT_LIMIT = 10_000;

// ---------------------------------------------------------------------------------------------- model

export interface RichTextItem {
	type: 'text' | 'mention' | 'equation';
	text?: { content: string; link: { url: string } | null };
	mention?: unknown;
	equation?: { expression: string };
	annotations: { bold: boolean; italic: boolean; strikethrough: boolean; underline: boolean; code: boolean; color: string };
	plain_text: string;
	href: string | null;
}

export interface SelectOption {
	id: string;
	name: string;
	color: string;
	description: null;
}

export interface PropertyDef {
	id: string;
	name: string;
	type: string;
	/** Type-specific config (select options, number format, ...). */
	config: Record<string, unknown>;
	description: string | null;
}

export interface DataSourceRecord {
	id: string;
	databaseId: string;
	name: string;
	props: PropertyDef[];
	createdTime: number;
	lastEditedTime: number;
	inTrash: boolean;
	/** Page ids in creation order. */
	pageIds: string[];
	/** Bumped on every change affecting query results. */
	version: number;
	colorIndex: number;
	/** Lazily built equality indexes by property id: value key -> page ids (see indexKey). */
	indexes: Map<string, Map<string, Set<string>>>;
}

export interface DatabaseRecord {
	id: string;
	parentPageId: string;
	title: RichTextItem[];
	description: RichTextItem[];
	isInline: boolean;
	inTrash: boolean;
	isLocked: boolean;
	icon: unknown;
	cover: unknown;
	createdTime: number;
	lastEditedTime: number;
	dataSourceIds: string[];
}

export interface PageRecord {
	id: string;
	seq: number;
	/** Monotonic edit counter: orders last_edited_time ties the minute-rounded timestamps cannot. */
	editSeq: number;
	/** Data source parent, or undefined for a page under a page/workspace. */
	dataSourceId?: string;
	parent: { type: 'page_id'; page_id: string } | { type: 'workspace'; workspace: true } | { type: 'data_source_id'; data_source_id: string; database_id: string };
	/** Values by property id, in the response's inner form (e.g. number, rich text array, select option). */
	values: Record<string, unknown>;
	createdTime: number;
	lastEditedTime: number;
	inTrash: boolean;
	icon: unknown;
	cover: unknown;
}

export interface FlatRow {
	pageId: string;
	in_trash: boolean;
	created_time: string;
	last_edited_time: string;
	properties: Record<string, unknown>;
}

export interface NotionStats {
	reads: number;
	writes: number;
	pageCreates: number;
	pageUpdates: number;
	pageTrashes: number;
	databaseCreates: number;
	databaseUpdates: number;
	dataSourceUpdates: number;
	queries: number;
	/** Requests answered with an error because of failAfterWrite (the write itself happened). */
	ambiguousWrites: number;
	/** Query pages answered for a query cut off at the per-query result limit. */
	cappedQueries: number;
}

type Version = string;

function emptyStats(): NotionStats {
	return { reads: 0, writes: 0, pageCreates: 0, pageUpdates: 0, pageTrashes: 0, databaseCreates: 0, databaseUpdates: 0, dataSourceUpdates: 0, queries: 0, ambiguousWrites: 0, cappedQueries: 0 };
}

function isObj(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON rendering used inside Notion's validation messages: `"abc"`, `5`, `undefined`. */
function show(v: unknown): string {
	if (v === undefined) return 'undefined';
	const s = JSON.stringify(v);
	return s.length > 100 ? `${s.slice(0, 100)}...` : s;
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function compact(id: string): string {
	return id.replace(/-/g, '');
}

/** Accepts dashed or undashed uuids; returns dashed lower-case, or undefined. */
export function normalizeId(raw: string): string | undefined {
	const hex = raw.replace(/-/g, '').toLowerCase();
	if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function slug(title: string): string {
	return title
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60);
}

function plainOf(items: RichTextItem[]): string {
	let out = '';
	for (const i of items) out += i.plain_text;
	return out;
}

function defaultAnnotations(): RichTextItem['annotations'] {
	return { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
}

export function textItem(content: string): RichTextItem {
	return { type: 'text', text: { content, link: null }, annotations: defaultAnnotations(), plain_text: content, href: null };
}

// ---------------------------------------------------------------------------------------------- emulator

export class NotionEmulator extends Emulator {
	readonly name = 'notion';
	readonly databases = new Map<string, DatabaseRecord>();
	readonly dataSources = new Map<string, DataSourceRecord>();
	readonly pages = new Map<string, PageRecord>();
	private stats: NotionStats = emptyStats();
	private rng: () => number;
	private seq = 0;
	private failAfterWriteQueue: number[] = [];
	private overloadRate = 0;
	private overloadRng: () => number = createRng(5);
	/** Query result snapshots by `${queryKey}|${cursor}`, for O(page) pagination. */
	private cursors = new Map<string, { ids: string[]; index: number }>();
	private firstPageCache = new Map<string, { version: number; ids: string[] }>();
	private readonly nopts: NotionEmulatorOptions;
	/** Forced malformed responses (`malformNext`, `POST /__sandbox/malform`), see malform.ts. */
	readonly malform = new MalformQueue();

	constructor(options: NotionEmulatorOptions = {}) {
		super(options);
		this.nopts = { ...options };
		this.rng = createRng(this.nopts.seed ?? 11);
		this.resetState();
		const r = (method: string, pattern: string, handler: (req: SandboxRequest, version: Version) => SandboxResponse) =>
			this.route(method, pattern, (req) => this.malformed(`${method} ${pattern}`, this.wrap(req, handler)));
		r('GET', '/v1/users/me', () => this.ok(this.botUser()));
		r('GET', '/v1/users', () => this.ok({ object: 'list', results: [this.botUser()], next_cursor: null, has_more: false, type: 'user', user: {} }));
		r('GET', '/v1/users/:id', (req) => this.getUser(req));
		r('POST', '/v1/search', (req, v) => this.search(req, v));
		r('POST', '/v1/databases', (req, v) => this.createDatabase(req, v));
		r('GET', '/v1/databases/:id', (req, v) => this.getDatabase(req, v));
		r('PATCH', '/v1/databases/:id', (req, v) => this.updateDatabase(req, v));
		r('POST', '/v1/databases/:id/query', (req, v) => this.queryDatabase(req, v));
		r('GET', '/v1/data_sources/:id', (req) => this.getDataSource(req));
		r('PATCH', '/v1/data_sources/:id', (req) => this.updateDataSource(req));
		r('POST', '/v1/data_sources/:id/query', (req, v) => this.queryDataSource(req, v));
		r('POST', '/v1/pages', (req, v) => this.createPage(req, v));
		r('GET', '/v1/pages/:id', (req, v) => this.getPage(req, v));
		r('PATCH', '/v1/pages/:id', (req, v) => this.updatePage(req, v));
	}

	// ------------------------------------------------------------------ hooks

	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		return { default: { ...NOTION_DEFAULT_RATE_LIMIT } };
	}

	private requestId(): string {
		return this.uuid();
	}

	private uuid(): string {
		let hex = '';
		for (let i = 0; i < 32; i++) hex += '0123456789abcdef'[Math.floor(this.rng() * 16)];
		hex = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${'89ab'[Math.floor(this.rng() * 4)]}${hex.slice(17)}`;
		return normalizeId(hex) as string;
	}

	private propId(): string {
		let s = '';
		for (let i = 0; i < 4; i++) s += ID_CHARS[Math.floor(this.rng() * ID_CHARS.length)];
		return encodeURIComponent(s);
	}

	errorBody(status: number, code: string, message: string): Record<string, unknown> {
		return { object: 'error', status, code, message, request_id: this.requestId() };
	}

	private fail(status: number, code: string, message: string, headers?: Record<string, string>): HttpError {
		return new HttpError({ status, headers, body: this.errorBody(status, code, message) });
	}

	private validation(message: string): HttpError {
		return this.fail(400, 'validation_error', message);
	}

	private bodyValidation(detail: string): HttpError {
		return this.validation(`body failed validation: ${detail}`);
	}

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const token = bearerToken(req);
		if (token !== (this.nopts.token ?? SANDBOX_CREDENTIALS.notionToken)) {
			return { status: 401, body: this.errorBody(401, 'unauthorized', 'API token is invalid.') };
		}
		req.principal = token;
		const version = headerValue(req, 'notion-version');
		if (!version) {
			return { status: 400, body: this.errorBody(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.') };
		}
		const accepted = this.nopts.acceptedVersions ?? NOTION_SUPPORTED_VERSIONS;
		if (!accepted.includes(version)) {
			return {
				status: 400,
				body: this.errorBody(400, 'validation_error', `Provided API version ${version} is invalid. Please use one of the supported versions: ${accepted.join(', ')}.`),
			};
		}
		return undefined;
	}

	protected rateLimitedResponse(_req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		return {
			status: 429,
			headers: { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
			body: this.errorBody(429, 'rate_limited', 'You have been rated limited. Please try again in a few minutes.'),
		};
	}

	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		switch (status) {
			case 502:
				if (this.nopts.badGatewayStyle === 'json') return { status, body: this.errorBody(502, 'internal_server_error', 'Bad gateway.') };
				return {
					status,
					headers: { 'content-type': 'text/html', 'cf-ray': `${compact(this.uuid()).slice(0, 16)}-SJC` },
					body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
				};
			case 503:
				return { status, body: this.errorBody(503, 'service_unavailable', 'Notion is unavailable, please try again later.') };
			case 504:
				return { status, body: this.errorBody(504, 'gateway_timeout', 'Notion timed out while processing your request.') };
			case 529:
				return { status, body: this.errorBody(529, 'service_overload', 'Notion is experiencing high load. Please try again later.') };
			default:
				return { status, body: this.errorBody(status, 'internal_server_error', 'Unexpected error occurred.') };
		}
	}

	protected notFoundResponse(_req: SandboxRequest): SandboxResponse {
		return { status: 400, body: this.errorBody(400, 'invalid_request_url', `Invalid request URL.`) };
	}

	// ------------------------------------------------------------------ request plumbing

	private ok(body: Record<string, unknown>, status = 200): SandboxResponse {
		return { status, body: { ...body, request_id: this.requestId() } };
	}

	private wrap(req: SandboxRequest, handler: (req: SandboxRequest, version: Version) => SandboxResponse): SandboxResponse {
		if (this.overloadRate > 0 && this.overloadRng() < this.overloadRate) throw new HttpError(this.serverErrorResponse(req, 529));
		if (req.rawBody.length > BODY_MAX_BYTES) throw this.validation(`Request body too large.`);
		if (req.rawBody && typeof req.body === 'string') throw this.fail(400, 'invalid_json', 'Error parsing JSON body.');
		if (req.body !== undefined && !isObj(req.body)) throw this.validation(`body failed validation: body should be an object, instead was \`${show(req.body)}\`.`);
		return handler(req, headerValue(req, 'notion-version') ?? '2025-09-03');
	}

	/** Corrupt the next successful response of `route` (e.g. "POST /v1/data_sources/:id/query"; any route when omitted). */
	malformNext(route?: string | RegExp, kind: MalformKind = 'field', count = 1): void {
		this.malform.add(route, count, kind);
	}

	private malformed(routeName: string, response: SandboxResponse): SandboxResponse {
		if (response.status >= 300 || !this.malform.size) return response;
		const kind = this.malform.take(routeName);
		if (!kind) return response;
		if (kind === 'invalid-json') return invalidJsonResponse(response);
		const body = { ...(response.body as Record<string, unknown>) };
		if (body.object === 'list') body.results = 'malformed-results';
		else if ('properties' in body) body.properties = 'malformed-properties';
		else body.object = 42;
		return { ...response, body };
	}

	private body(req: SandboxRequest): Record<string, unknown> {
		return isObj(req.body) ? req.body : {};
	}

	private pathId(req: SandboxRequest, name: string): string {
		const raw = req.params.id;
		const id = normalizeId(raw);
		if (!id) throw this.validation(`path failed validation: path.${name} should be a valid uuid, instead was \`${show(raw)}\`.`);
		return id;
	}

	private notFound(kind: string, id: string): HttpError {
		return this.fail(404, 'object_not_found', `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
	}

	/** Apply failAfterWrite after a write happened: answer an ambiguous error instead of the success. */
	private afterWrite(response: SandboxResponse, req: SandboxRequest): SandboxResponse {
		if (this.failAfterWriteQueue.length) {
			const status = this.failAfterWriteQueue.shift() as number;
			this.stats.ambiguousWrites++;
			throw new HttpError(this.serverErrorResponse(req, status));
		}
		return response;
	}

	private botUser(): Record<string, unknown> {
		return {
			object: 'user',
			id: SANDBOX_BOT_ID,
			name: 'MSP Ops Sandbox Integration',
			avatar_url: null,
			type: 'bot',
			bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Sandbox Workspace', workspace_limits: { max_file_upload_size_in_bytes: 5_242_880 } },
		};
	}

	private getUser(req: SandboxRequest): SandboxResponse {
		const id = this.pathId(req, 'user_id');
		if (id !== SANDBOX_BOT_ID) throw this.notFound('user', id);
		this.stats.reads++;
		return this.ok(this.botUser());
	}

	private partialUser(): Record<string, unknown> {
		return { object: 'user', id: SANDBOX_BOT_ID };
	}

	private stamp(): number {
		const precision = this.nopts.timestampPrecisionMs ?? 60_000;
		const now = this.now();
		return precision > 1 ? Math.floor(now / precision) * precision : now;
	}

	// ------------------------------------------------------------------ state

	resetState(): void {
		this.databases.clear();
		this.dataSources.clear();
		this.pages.clear();
		this.cursors.clear();
		this.firstPageCache.clear();
		this.stats = emptyStats();
		this.rng = createRng(this.nopts.seed ?? 11);
		this.seq = 0;
		this.failAfterWriteQueue = [];
		this.overloadRate = 0;
		this.malform?.clear();
		const parentId = normalizeId(this.nopts.parentPageId ?? SANDBOX_PARENT_PAGE_ID) ?? SANDBOX_PARENT_PAGE_ID;
		const seeded = Date.parse('2024-01-15T09:00:00.000Z');
		this.pages.set(parentId, {
			id: parentId,
			seq: this.seq,
			editSeq: this.seq++,
			parent: { type: 'workspace', workspace: true },
			values: { title: [textItem(this.nopts.parentPageTitle ?? SANDBOX_PARENT_PAGE_TITLE)] },
			createdTime: seeded,
			lastEditedTime: seeded,
			inTrash: false,
			icon: null,
			cover: null,
		});
	}

	get parentPageId(): string {
		return normalizeId(this.nopts.parentPageId ?? SANDBOX_PARENT_PAGE_ID) ?? SANDBOX_PARENT_PAGE_ID;
	}

	state(): unknown {
		return {
			parentPageId: this.parentPageId,
			databases: [...this.databases.values()].map((db) => ({
				id: db.id,
				title: plainOf(db.title),
				in_trash: db.inTrash,
				dataSources: db.dataSourceIds.map((dsId) => {
					const ds = this.dataSources.get(dsId) as DataSourceRecord;
					let trashed = 0;
					for (const pid of ds.pageIds) if (this.pages.get(pid)?.inTrash) trashed++;
					return { id: ds.id, name: ds.name, properties: ds.props.map((p) => ({ name: p.name, type: p.type })), rows: ds.pageIds.length - trashed, trashedRows: trashed };
				}),
			})),
			pages: this.pages.size,
			stats: this.getStats(),
		};
	}

	getStats(): NotionStats {
		return { ...this.stats };
	}

	/** The per-query result limit from now on (undefined: the documented 10,000). */
	setQueryResultLimit(limit: number | undefined): void {
		if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new Error(`query result limit must be a whole number >= 1, got ${String(limit)}`);
		this.nopts.queryResultLimit = limit;
	}

	/** The next `count` successful writes (page create/update, database create, data source update) happen but answer `status` (default 502). */
	failAfterWrite(count = 1, status = 502): void {
		for (let i = 0; i < count; i++) this.failAfterWriteQueue.push(status);
	}

	/** Share (0-1) of API requests answered 529 service_overload. */
	setOverloadRate(rate: number, seed = 5): void {
		this.overloadRate = rate;
		this.overloadRng = createRng(seed);
	}

	/** Data sources of the (non-trashed by default) databases whose plain title equals `title`. */
	findDataSources(title: string, includeTrashed = false): Array<{ databaseId: string; dataSourceId: string; databaseTitle: string; name: string }> {
		const out: Array<{ databaseId: string; dataSourceId: string; databaseTitle: string; name: string }> = [];
		for (const db of this.databases.values()) {
			if (plainOf(db.title) !== title || (db.inTrash && !includeTrashed)) continue;
			for (const dsId of db.dataSourceIds) out.push({ databaseId: db.id, dataSourceId: dsId, databaseTitle: title, name: (this.dataSources.get(dsId) as DataSourceRecord).name });
		}
		return out;
	}

	/** Every row of a data source (id or database id) as plain values by property name; trashed rows only when asked. */
	rows(dataSourceOrDatabaseId: string, includeTrashed = false): FlatRow[] {
		const ds = this.resolveDataSource(dataSourceOrDatabaseId);
		const out: FlatRow[] = [];
		for (const pid of ds.pageIds) {
			const page = this.pages.get(pid) as PageRecord;
			if (page.inTrash && !includeTrashed) continue;
			out.push(this.flatRow(ds, page));
		}
		return out;
	}

	flatRow(ds: DataSourceRecord, page: PageRecord): FlatRow {
		const properties: Record<string, unknown> = {};
		for (const def of ds.props) properties[def.name] = this.plainValue(def, page);
		return { pageId: page.id, in_trash: page.inTrash, created_time: iso(page.createdTime), last_edited_time: iso(page.lastEditedTime), properties };
	}

	private resolveDataSource(id: string): DataSourceRecord {
		const norm = normalizeId(id) ?? id;
		const ds = this.dataSources.get(norm);
		if (ds) return ds;
		const db = this.databases.get(norm);
		if (db) return this.dataSources.get(db.dataSourceIds[0]) as DataSourceRecord;
		const byTitle = this.findDataSources(id);
		if (byTitle.length) return this.dataSources.get(byTitle[0].dataSourceId) as DataSourceRecord;
		throw new Error(`no Notion data source or database ${id}`);
	}

	/**
	 * Create a database with one data source directly (no API call, not counted). `properties` uses the API's
	 * create syntax (`{Name: {title: {}}, Score: {number: {}}}`).
	 */
	seedDatabase(input: { title: string; properties: Record<string, unknown>; parentPageId?: string }): { databaseId: string; dataSourceId: string } {
		const db = this.insertDatabase(normalizeId(input.parentPageId ?? this.parentPageId) ?? this.parentPageId, [textItem(input.title)], input.properties, input.title);
		return { databaseId: db.id, dataSourceId: db.dataSourceIds[0] };
	}

	/**
	 * Add a data source to an existing database directly (no API call, not counted): what a user does in the Notion
	 * app to make a multi-source database. `properties` uses the API's create syntax.
	 */
	seedDataSource(databaseId: string, input: { name: string; properties: Record<string, unknown> }): { dataSourceId: string } {
		const db = this.databases.get(normalizeId(databaseId) ?? databaseId);
		if (!db) throw new Error(`seedDataSource: no database ${databaseId}`);
		const now = this.stamp();
		const ds: DataSourceRecord = { id: this.uuid(), databaseId: db.id, name: input.name, props: [], createdTime: now, lastEditedTime: now, inTrash: false, pageIds: [], version: 0, colorIndex: 0, indexes: new Map() };
		for (const [name, raw] of Object.entries(input.properties)) ds.props.push(this.parsePropSchema(name, raw, `properties.${name}`, undefined, ds));
		if (!ds.props.some((p) => p.type === 'title')) ds.props.unshift({ id: 'title', name: 'Name', type: 'title', config: {}, description: null });
		db.dataSourceIds.push(ds.id);
		this.dataSources.set(ds.id, ds);
		return { dataSourceId: ds.id };
	}

	/**
	 * Insert rows directly (no API call, not counted). Each row maps property names to plain values: strings for
	 * title/rich_text/url/email/phone_number/select/status, numbers, booleans, string arrays for multi_select and
	 * relation, ISO strings or {start, end} for dates. Values are validated like API writes.
	 */
	seedRows(dataSourceOrDatabaseId: string, rows: Array<Record<string, unknown>>): string[] {
		const ds = this.resolveDataSource(dataSourceOrDatabaseId);
		const ids: string[] = [];
		for (const row of rows) {
			const properties: Record<string, unknown> = {};
			for (const [name, plain] of Object.entries(row)) {
				const def = this.findProp(ds, name);
				if (!def) throw new Error(`${name} is not a property of ${ds.id}`);
				properties[name] = this.plainToRequest(def, plain);
			}
			ids.push(this.insertPage(ds, properties).id);
		}
		return ids;
	}

	private plainToRequest(def: PropertyDef, plain: unknown): unknown {
		switch (def.type) {
			case 'title':
			case 'rich_text':
				return { [def.type]: plain === null || plain === undefined || plain === '' ? [] : [{ text: { content: String(plain) } }] };
			case 'select':
			case 'status':
				return { [def.type]: plain === null || plain === undefined || plain === '' ? null : { name: String(plain) } };
			case 'multi_select':
				return { multi_select: ((plain as unknown[] | null) ?? []).map((n) => ({ name: String(n) })) };
			case 'relation':
			case 'people':
				return { [def.type]: ((plain as unknown[] | null) ?? []).map((id) => ({ id: String(id) })) };
			case 'date':
				return { date: plain === null || plain === undefined ? null : typeof plain === 'string' ? { start: plain } : plain };
			default:
				return { [def.type]: plain };
		}
	}

	private plainValue(def: PropertyDef, page: PageRecord): unknown {
		if (def.type === 'created_time') return iso(page.createdTime);
		if (def.type === 'last_edited_time') return iso(page.lastEditedTime);
		if (def.type === 'created_by' || def.type === 'last_edited_by') return SANDBOX_BOT_ID;
		const v = page.values[def.id];
		switch (def.type) {
			case 'title':
			case 'rich_text':
				return plainOf((v as RichTextItem[] | undefined) ?? []);
			case 'select':
			case 'status':
				return (v as SelectOption | null | undefined)?.name ?? null;
			case 'multi_select':
				return ((v as SelectOption[] | undefined) ?? []).map((o) => o.name);
			case 'relation':
			case 'people':
				return ((v as Array<{ id: string }> | undefined) ?? []).map((o) => o.id);
			case 'date': {
				const d = v as { start: string; end: string | null } | null | undefined;
				if (!d) return null;
				return d.end ? { start: d.start, end: d.end } : d.start;
			}
			case 'checkbox':
				return v === true;
			case 'files':
				return (v as unknown[] | undefined) ?? [];
			default:
				return v ?? null;
		}
	}

	// ------------------------------------------------------------------ controls over HTTP

	protected controlExtra(req: SandboxRequest): SandboxResponse | undefined {
		const what = req.path.slice('/__sandbox/'.length).replace(/\/$/, '');
		const body = isObj(req.body) ? req.body : {};
		const malform = this.malform.control(req);
		if (malform) return malform;
		try {
			if (what === 'rows' && req.method === 'GET') {
				const id = req.query.get('data_source_id') ?? req.query.get('database_id') ?? req.query.get('database_title');
				if (!id) return { status: 400, body: { error: 'data_source_id, database_id or database_title required' } };
				return { status: 200, body: this.rows(id, req.query.get('include_trashed') === 'true') };
			}
			if (what === 'data-sources' && req.method === 'GET') {
				const title = req.query.get('database_title');
				if (title !== null) return { status: 200, body: this.findDataSources(title, req.query.get('include_trashed') === 'true') };
				return {
					status: 200,
					body: [...this.databases.values()].flatMap((db) =>
						db.dataSourceIds.map((dsId) => ({ databaseId: db.id, dataSourceId: dsId, databaseTitle: plainOf(db.title), name: (this.dataSources.get(dsId) as DataSourceRecord).name })),
					),
				};
			}
			if (what === 'stats' && req.method === 'GET') return { status: 200, body: this.getStats() };
			if (what === 'fail-after-write' && req.method === 'POST') {
				this.failAfterWrite(Number(body.count ?? 1), Number(body.status ?? 502));
				return { status: 204 };
			}
			if (what === 'query-result-limit' && req.method === 'POST') {
				this.setQueryResultLimit(body.limit === undefined || body.limit === null ? undefined : Number(body.limit));
				return { status: 204 };
			}
			if (what === 'overload' && req.method === 'POST') {
				this.setOverloadRate(Number(body.rate ?? 0), Number(body.seed ?? 5));
				return { status: 204 };
			}
			if (what === 'seed-database' && req.method === 'POST') {
				const created = this.seedDatabase({ title: String(body.title ?? 'Untitled'), properties: (body.properties ?? {}) as Record<string, unknown>, parentPageId: body.parentPageId as string | undefined });
				const rows = Array.isArray(body.rows) ? this.seedRows(created.dataSourceId, body.rows as Array<Record<string, unknown>>) : [];
				return { status: 200, body: { ...created, pageIds: rows } };
			}
			if (what === 'seed-rows' && req.method === 'POST') {
				const id = String(body.dataSourceId ?? body.databaseId ?? '');
				return { status: 200, body: { pageIds: this.seedRows(id, (body.rows ?? []) as Array<Record<string, unknown>>) } };
			}
		} catch (error) {
			if (error instanceof HttpError) return { status: 400, body: error.response.body };
			return { status: 400, body: { error: (error as Error).message } };
		}
		return undefined;
	}

	// ------------------------------------------------------------------ rendering

	private renderTitle(items: RichTextItem[]): RichTextItem[] {
		return items;
	}

	private databaseUrl(db: DatabaseRecord): string {
		return `https://www.notion.so/${compact(db.id)}`;
	}

	private pageUrl(page: PageRecord): string {
		const title = this.pageTitle(page);
		const s = slug(title);
		return `https://www.notion.so/${s ? `${s}-` : ''}${compact(page.id)}`;
	}

	private pageTitle(page: PageRecord): string {
		if (!page.dataSourceId) return plainOf((page.values.title as RichTextItem[] | undefined) ?? []);
		const ds = this.dataSources.get(page.dataSourceId);
		const def = ds?.props.find((p) => p.type === 'title');
		return def ? plainOf((page.values[def.id] as RichTextItem[] | undefined) ?? []) : '';
	}

	private renderPropConfig(def: PropertyDef): Record<string, unknown> {
		return { id: def.id, name: def.name, description: def.description, type: def.type, [def.type]: def.config };
	}

	private renderProps(ds: DataSourceRecord): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const def of ds.props) out[def.name] = this.renderPropConfig(def);
		return out;
	}

	renderDatabase(db: DatabaseRecord, version: Version): Record<string, unknown> {
		const base: Record<string, unknown> = {
			object: 'database',
			id: db.id,
			title: this.renderTitle(db.title),
			description: db.description,
			parent: { type: 'page_id', page_id: db.parentPageId },
			is_inline: db.isInline,
			in_trash: db.inTrash,
			archived: db.inTrash,
			is_locked: db.isLocked,
			created_time: iso(db.createdTime),
			last_edited_time: iso(db.lastEditedTime),
			icon: db.icon,
			cover: db.cover,
			url: this.databaseUrl(db),
			public_url: null,
		};
		if (version < '2025-09-03') {
			const ds = this.dataSources.get(db.dataSourceIds[0]) as DataSourceRecord;
			return { ...base, created_by: this.partialUser(), last_edited_by: this.partialUser(), properties: this.renderProps(ds) };
		}
		return { ...base, data_sources: db.dataSourceIds.map((id) => ({ id, name: (this.dataSources.get(id) as DataSourceRecord).name })) };
	}

	renderDataSource(ds: DataSourceRecord): Record<string, unknown> {
		const db = this.databases.get(ds.databaseId) as DatabaseRecord;
		return {
			object: 'data_source',
			id: ds.id,
			title: [textItem(ds.name)],
			description: [],
			parent: { type: 'database_id', database_id: db.id },
			database_parent: { type: 'page_id', page_id: db.parentPageId },
			is_inline: db.isInline,
			in_trash: ds.inTrash || db.inTrash,
			archived: ds.inTrash || db.inTrash,
			created_time: iso(ds.createdTime),
			last_edited_time: iso(ds.lastEditedTime),
			created_by: this.partialUser(),
			last_edited_by: this.partialUser(),
			properties: this.renderProps(ds),
			icon: db.icon,
			cover: db.cover,
			url: `https://www.notion.so/${compact(db.id)}`,
			public_url: null,
		};
	}

	private renderValue(def: PropertyDef, page: PageRecord): unknown {
		switch (def.type) {
			case 'created_time':
				return iso(page.createdTime);
			case 'last_edited_time':
				return iso(page.lastEditedTime);
			case 'created_by':
			case 'last_edited_by':
				return this.partialUser();
		}
		const v = page.values[def.id];
		if (v !== undefined) return v;
		switch (def.type) {
			case 'title':
			case 'rich_text':
			case 'multi_select':
			case 'relation':
			case 'people':
			case 'files':
				return [];
			case 'checkbox':
				return false;
			case 'formula':
				return { type: 'string', string: null };
			case 'unique_id':
				return { prefix: null, number: null };
			default:
				return null;
		}
	}

	renderPage(page: PageRecord, version: Version, only?: Set<string>): Record<string, unknown> {
		const properties: Record<string, unknown> = {};
		let parent: Record<string, unknown> = page.parent;
		if (page.dataSourceId) {
			const ds = this.dataSources.get(page.dataSourceId) as DataSourceRecord;
			for (const def of ds.props) {
				if (only && !only.has(def.id) && !only.has(def.name) && !only.has(decodeURIComponent(def.id))) continue;
				const extra = def.type === 'relation' ? { has_more: false } : {};
				properties[def.name] = { id: def.id, type: def.type, [def.type]: this.renderValue(def, page), ...extra };
			}
			if (version < '2025-09-03') parent = { type: 'database_id', database_id: ds.databaseId };
		} else if (!only || only.has('title')) {
			properties.title = { id: 'title', type: 'title', title: page.values.title ?? [] };
		}
		return {
			object: 'page',
			id: page.id,
			created_time: iso(page.createdTime),
			last_edited_time: iso(page.lastEditedTime),
			created_by: this.partialUser(),
			last_edited_by: this.partialUser(),
			cover: page.cover,
			icon: page.icon,
			parent,
			in_trash: page.inTrash,
			archived: page.inTrash,
			is_archived: page.inTrash,
			is_locked: false,
			properties,
			url: this.pageUrl(page),
			public_url: null,
		};
	}

	// ------------------------------------------------------------------ rich text and schema parsing

	/** Parse a rich text request array (title/rich_text values, database titles). */
	private parseRichText(raw: unknown, path: string): RichTextItem[] {
		if (!Array.isArray(raw)) throw this.bodyValidation(`${path} should be an array, instead was \`${show(raw)}\`.`);
		if (raw.length > ARRAY_MAX) throw this.bodyValidation(`${path}.length should be ≤ \`${ARRAY_MAX}\`, instead was \`${raw.length}\`.`);
		return raw.map((item, i) => {
			const p = `${path}[${i}]`;
			if (!isObj(item)) throw this.bodyValidation(`${p} should be an object, instead was \`${show(item)}\`.`);
			const annotations = { ...defaultAnnotations(), ...(isObj(item.annotations) ? (item.annotations as Partial<RichTextItem['annotations']>) : {}) };
			if (item.text !== undefined || item.type === 'text') {
				const text = item.text;
				if (!isObj(text)) throw this.bodyValidation(`${p}.text should be an object, instead was \`${show(text)}\`.`);
				if (typeof text.content !== 'string') throw this.bodyValidation(`${p}.text.content should be a string, instead was \`${show(text.content)}\`.`);
				if (text.content.length > RICH_TEXT_MAX) throw this.bodyValidation(`${p}.text.content.length should be ≤ \`${RICH_TEXT_MAX}\`, instead was \`${text.content.length}\`.`);
				let link: { url: string } | null = null;
				if (text.link !== undefined && text.link !== null) {
					if (!isObj(text.link) || typeof text.link.url !== 'string') throw this.bodyValidation(`${p}.text.link.url should be a string, instead was \`${show(isObj(text.link) ? text.link.url : text.link)}\`.`);
					link = { url: text.link.url };
				}
				return { type: 'text', text: { content: text.content, link }, annotations, plain_text: text.content, href: link?.url ?? null };
			}
			if (item.equation !== undefined || item.type === 'equation') {
				const eq = item.equation;
				if (!isObj(eq) || typeof eq.expression !== 'string') throw this.bodyValidation(`${p}.equation.expression should be a string, instead was \`${show(isObj(eq) ? eq.expression : eq)}\`.`);
				return { type: 'equation', equation: { expression: eq.expression }, annotations, plain_text: eq.expression, href: null };
			}
			if (item.mention !== undefined || item.type === 'mention') {
				return { type: 'mention', mention: item.mention, annotations, plain_text: '@mention', href: null };
			}
			throw this.bodyValidation(`${p}.text should be defined, instead was \`undefined\`.`);
		});
	}

	private nextColor(ds: DataSourceRecord | undefined, counter: { i: number }): string {
		if (ds) return COLORS[ds.colorIndex++ % COLORS.length];
		return COLORS[counter.i++ % COLORS.length];
	}

	private checkOptionName(name: unknown, path: string): string {
		if (typeof name !== 'string') throw this.bodyValidation(`${path}.name should be a string, instead was \`${show(name)}\`.`);
		if (name.length > OPTION_NAME_MAX) throw this.bodyValidation(`${path}.name.length should be ≤ \`${OPTION_NAME_MAX}\`, instead was \`${name.length}\`.`);
		if ((this.nopts.rejectCommasInOptions ?? true) && name.includes(',')) throw this.validation(`Select option names cannot contain commas: ${show(name)}.`);
		return name;
	}

	/** Parse a property schema request (`{number: {format}}`, `{type: 'select', select: {options}}`, ...). */
	private parsePropSchema(name: string, raw: unknown, path: string, existing: PropertyDef | undefined, ds: DataSourceRecord | undefined): PropertyDef {
		if (!isObj(raw)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(raw)}\`.`);
		const known = [
			'title', 'rich_text', 'number', 'select', 'multi_select', 'status', 'date', 'people', 'files', 'checkbox', 'url', 'email', 'phone_number',
			'formula', 'relation', 'rollup', 'created_time', 'created_by', 'last_edited_time', 'last_edited_by', 'unique_id', 'button', 'verification', 'place', 'location',
		];
		let type = typeof raw.type === 'string' ? raw.type : known.find((k) => raw[k] !== undefined);
		if (!type && existing) type = existing.type;
		if (!type || !known.includes(type)) throw this.bodyValidation(`${path}.type should be one of ${known.map((k) => `\`"${k}"\``).join(', ')}, instead was \`${show(raw.type)}\`.`);
		const cfgRaw = isObj(raw[type]) ? (raw[type] as Record<string, unknown>) : {};
		const counter = { i: 0 };
		let config: Record<string, unknown> = {};
		const sameType = existing?.type === type;
		switch (type) {
			case 'number':
				config = { format: typeof cfgRaw.format === 'string' ? cfgRaw.format : sameType ? (existing?.config.format ?? 'number') : 'number' };
				break;
			case 'select':
			case 'multi_select':
			case 'status': {
				if (type === 'status' && cfgRaw.options !== undefined) {
					// Documented: the name and options of a status property cannot be updated through the API.
					throw this.validation(`Cannot set the options of status property ${show(name)} through the API. Add status options in the Notion app.`);
				}
				const prev = sameType ? ((existing?.config.options as SelectOption[] | undefined) ?? []) : [];
				let options: SelectOption[];
				if (cfgRaw.options === undefined) {
					options = prev.length || type !== 'status' ? prev : this.defaultStatusOptions();
				} else {
					if (!Array.isArray(cfgRaw.options)) throw this.bodyValidation(`${path}.${type}.options should be an array, instead was \`${show(cfgRaw.options)}\`.`);
					if (cfgRaw.options.length > ARRAY_MAX * 1) {
						// Notion allows many options per schema; only guard absurd sizes.
					}
					options = cfgRaw.options.map((o, i) => {
						const op = `${path}.${type}.options[${i}]`;
						if (!isObj(o)) throw this.bodyValidation(`${op} should be an object, instead was \`${show(o)}\`.`);
						const match = prev.find((p) => (o.id !== undefined && p.id === o.id) || (o.name !== undefined && p.name === o.name));
						const optName = o.name === undefined && match ? match.name : this.checkOptionName(o.name, op);
						return { id: match?.id ?? this.optionId(), name: optName, color: typeof o.color === 'string' ? o.color : (match?.color ?? this.nextColor(ds, counter)), description: null };
					});
					const names = new Set<string>();
					for (const o of options) {
						if (names.has(o.name)) throw this.validation(`Duplicate option names are not allowed: ${show(o.name)}.`);
						names.add(o.name);
					}
				}
				config = { options };
				if (type === 'status') {
					const ids = options.map((o) => o.id);
					config.groups = [
						{ id: this.optionId(), name: 'To-do', color: 'gray', option_ids: ids.slice(0, 1) },
						{ id: this.optionId(), name: 'In progress', color: 'blue', option_ids: ids.slice(1, Math.max(1, ids.length - 1)) },
						{ id: this.optionId(), name: 'Complete', color: 'green', option_ids: ids.length > 1 ? ids.slice(-1) : [] },
					];
				}
				break;
			}
			case 'relation': {
				const dsId = cfgRaw.data_source_id ?? cfgRaw.database_id;
				config = { data_source_id: dsId ?? null, database_id: cfgRaw.database_id ?? null, type: 'single_property', single_property: {} };
				break;
			}
			case 'formula':
				config = { expression: typeof cfgRaw.expression === 'string' ? cfgRaw.expression : '' };
				break;
			case 'unique_id':
				config = { prefix: typeof cfgRaw.prefix === 'string' ? cfgRaw.prefix : null };
				break;
			default:
				config = {};
		}
		const description = typeof raw.description === 'string' ? raw.description : (existing?.description ?? null);
		return { id: existing?.id ?? (type === 'title' ? 'title' : this.propId()), name, type, config, description };
	}

	private defaultStatusOptions(): SelectOption[] {
		return [
			{ id: this.optionId(), name: 'Not started', color: 'default', description: null },
			{ id: this.optionId(), name: 'In progress', color: 'blue', description: null },
			{ id: this.optionId(), name: 'Done', color: 'green', description: null },
		];
	}

	private optionId(): string {
		let s = '';
		for (let i = 0; i < 4; i++) s += ID_CHARS[Math.floor(this.rng() * 62)];
		return s;
	}

	private findProp(ds: DataSourceRecord, key: string): PropertyDef | undefined {
		for (const p of ds.props) if (p.name === key) return p;
		for (const p of ds.props) if (p.id === key || decodeURIComponent(p.id) === key) return p;
		return undefined;
	}

	// ------------------------------------------------------------------ databases

	private insertDatabase(parentPageId: string, title: RichTextItem[], properties: Record<string, unknown> | undefined, dsName?: string, isInline = false): DatabaseRecord {
		const now = this.stamp();
		const db: DatabaseRecord = {
			id: this.uuid(),
			parentPageId,
			title,
			description: [],
			isInline,
			inTrash: false,
			isLocked: false,
			icon: null,
			cover: null,
			createdTime: now,
			lastEditedTime: now,
			dataSourceIds: [],
		};
		const ds: DataSourceRecord = { id: this.uuid(), databaseId: db.id, name: dsName ?? plainOf(title), props: [], createdTime: now, lastEditedTime: now, inTrash: false, pageIds: [], version: 0, colorIndex: 0, indexes: new Map() };
		const props = properties ?? {};
		const pathBase = 'body.initial_data_source.properties';
		let titles = 0;
		for (const [name, raw] of Object.entries(props)) {
			const def = this.parsePropSchema(name, raw, `${pathBase}.${name}`, undefined, ds);
			if (def.type === 'title') titles++;
			ds.props.push(def);
		}
		if (titles > 1) throw this.validation('Databases can only have one title property.');
		if (titles === 0) ds.props.unshift({ id: 'title', name: 'Name', type: 'title', config: {}, description: null });
		db.dataSourceIds.push(ds.id);
		this.databases.set(db.id, db);
		this.dataSources.set(ds.id, ds);
		return db;
	}

	private createDatabase(req: SandboxRequest, version: Version): SandboxResponse {
		const body = this.body(req);
		const parent = body.parent;
		if (!isObj(parent)) throw this.bodyValidation(`body.parent should be an object, instead was \`${show(parent)}\`.`);
		const rawParentId = parent.page_id;
		if (typeof rawParentId !== 'string') throw this.bodyValidation(`body.parent.page_id should be defined, instead was \`${show(rawParentId)}\`.`);
		const parentId = normalizeId(rawParentId);
		if (!parentId) throw this.bodyValidation(`body.parent.page_id should be a valid uuid, instead was \`${show(rawParentId)}\`.`);
		const parentPage = this.pages.get(parentId);
		if (!parentPage || parentPage.dataSourceId) throw this.notFound('page', parentId);
		const title = body.title === undefined ? [] : this.parseRichText(body.title, 'body.title');
		let properties: Record<string, unknown> | undefined;
		if (isObj(body.initial_data_source)) {
			const p = body.initial_data_source.properties;
			if (p !== undefined && !isObj(p)) throw this.bodyValidation(`body.initial_data_source.properties should be an object, instead was \`${show(p)}\`.`);
			properties = p as Record<string, unknown> | undefined;
		} else if (body.properties !== undefined) {
			if (!isObj(body.properties)) throw this.bodyValidation(`body.properties should be an object, instead was \`${show(body.properties)}\`.`);
			properties = body.properties;
		}
		const db = this.insertDatabase(parentId, title, properties, undefined, body.is_inline === true);
		if (body.description !== undefined) db.description = this.parseRichText(body.description, 'body.description');
		if (body.icon !== undefined) db.icon = body.icon;
		if (body.cover !== undefined) db.cover = body.cover;
		this.stats.writes++;
		this.stats.databaseCreates++;
		return this.afterWrite(this.ok(this.renderDatabase(db, version)), req);
	}

	private getDb(req: SandboxRequest): DatabaseRecord {
		const id = this.pathId(req, 'database_id');
		const db = this.databases.get(id);
		if (!db) {
			if (this.dataSources.has(id)) {
				throw this.validation(`Provided ID ${id} is a data source, not a database. Use the retrieve data source API instead: https://developers.notion.com/reference/retrieve-a-data-source`);
			}
			throw this.notFound('database', id);
		}
		return db;
	}

	/**
	 * Before 2025-09-03 a database is one data source. The upgrade guide: on a database with a second data source,
	 * connections on an older version fail on "database read, write, or query" and on creating a page with the
	 * database as parent. The wording of that error is not documented; this one says what happened.
	 */
	private requireSingleSource(db: DatabaseRecord, version: Version): void {
		if (version < '2025-09-03' && db.dataSourceIds.length > 1) {
			throw this.validation(`Database ${db.id} has multiple data sources, which Notion-Version ${version} does not support. Use Notion-Version 2025-09-03 and its data source endpoints.`);
		}
	}

	private getDatabase(req: SandboxRequest, version: Version): SandboxResponse {
		const db = this.getDb(req);
		this.requireSingleSource(db, version);
		this.stats.reads++;
		return this.ok(this.renderDatabase(db, version));
	}

	private updateDatabase(req: SandboxRequest, version: Version): SandboxResponse {
		const db = this.getDb(req);
		this.requireSingleSource(db, version);
		const body = this.body(req);
		if (body.title !== undefined) {
			db.title = this.parseRichText(body.title, 'body.title');
		}
		if (body.description !== undefined) db.description = this.parseRichText(body.description, 'body.description');
		if (typeof body.in_trash === 'boolean') db.inTrash = body.in_trash;
		else if (typeof body.archived === 'boolean') db.inTrash = body.archived;
		if (typeof body.is_inline === 'boolean') db.isInline = body.is_inline;
		if (typeof body.is_locked === 'boolean') db.isLocked = body.is_locked;
		if (body.icon !== undefined) db.icon = body.icon;
		if (body.cover !== undefined) db.cover = body.cover;
		if (body.properties !== undefined && version < '2025-09-03') {
			this.applySchemaUpdate(this.dataSources.get(db.dataSourceIds[0]) as DataSourceRecord, body.properties);
		}
		db.lastEditedTime = this.stamp();
		this.stats.writes++;
		this.stats.databaseUpdates++;
		return this.afterWrite(this.ok(this.renderDatabase(db, version)), req);
	}

	// ------------------------------------------------------------------ data sources

	private getDs(req: SandboxRequest): DataSourceRecord {
		const id = this.pathId(req, 'data_source_id');
		const ds = this.dataSources.get(id);
		if (!ds) {
			if (this.databases.has(id)) {
				throw this.validation(`Provided ID ${id} is a database, not a data source. Use the retrieve database API to get the data source IDs: https://developers.notion.com/reference/retrieve-a-database`);
			}
			throw this.notFound('data_source', id);
		}
		return ds;
	}

	private getDataSource(req: SandboxRequest): SandboxResponse {
		const ds = this.getDs(req);
		this.stats.reads++;
		return this.ok(this.renderDataSource(ds));
	}

	private applySchemaUpdate(ds: DataSourceRecord, raw: unknown): void {
		if (!isObj(raw)) throw this.bodyValidation(`body.properties should be an object, instead was \`${show(raw)}\`.`);
		const next = ds.props.map((p) => ({ ...p }));
		const cleared: Array<{ id: string; keepOptions?: Set<string> }> = [];
		for (const [key, change] of Object.entries(raw)) {
			const path = `body.properties.${key}`;
			const idx = next.findIndex((p) => p.name === key || p.id === key || decodeURIComponent(p.id) === key);
			if (change === null) {
				if (idx < 0) throw this.validation(`${key} is not a property that exists.`);
				if (next[idx].type === 'title') throw this.validation('Cannot delete the title property.');
				cleared.push({ id: next[idx].id });
				next.splice(idx, 1);
				continue;
			}
			if (!isObj(change)) throw this.bodyValidation(`${path} should be an object or \`null\`, instead was \`${show(change)}\`.`);
			const existing = idx >= 0 ? next[idx] : undefined;
			const newName = typeof change.name === 'string' ? change.name : existing?.name ?? key;
			const onlyRename = existing && Object.keys(change).every((k) => k === 'name' || k === 'description');
			let def: PropertyDef;
			if (existing?.type === 'status' && newName !== existing.name) {
				throw this.validation(`Cannot update the name of status property ${show(existing.name)} through the API.`);
			}
			if (onlyRename && existing) {
				def = { ...existing, name: newName, description: typeof change.description === 'string' ? change.description : existing.description };
			} else {
				def = this.parsePropSchema(newName, change, path, existing, ds);
				if (existing && existing.type !== def.type) {
					if (existing.type === 'title' || def.type === 'title') throw this.validation('Cannot change the type of the title property.');
					cleared.push({ id: existing.id });
				} else if (existing && ['select', 'multi_select', 'status'].includes(def.type)) {
					cleared.push({ id: existing.id, keepOptions: new Set((def.config.options as SelectOption[]).map((o) => o.id)) });
				}
			}
			if (def.name !== existing?.name && next.some((p, i) => i !== idx && p.name === def.name)) throw this.validation(`A property named ${def.name} already exists.`);
			if (idx >= 0) next[idx] = def;
			else {
				if (def.type === 'title') throw this.validation('Databases can only have one title property.');
				next.push(def);
			}
		}
		ds.props = next;
		ds.indexes.clear();
		for (const c of cleared) {
			for (const pid of ds.pageIds) {
				const page = this.pages.get(pid) as PageRecord;
				const v = page.values[c.id];
				if (v === undefined) continue;
				if (!c.keepOptions) delete page.values[c.id];
				else if (Array.isArray(v)) page.values[c.id] = (v as SelectOption[]).filter((o) => c.keepOptions?.has(o.id));
				else if (v && !c.keepOptions.has((v as SelectOption).id)) page.values[c.id] = null;
			}
		}
		// Option renames/colours: refresh stored option objects from the schema.
		for (const def of ds.props) {
			if (!['select', 'multi_select', 'status'].includes(def.type)) continue;
			const byId = new Map((def.config.options as SelectOption[]).map((o) => [o.id, o]));
			for (const pid of ds.pageIds) {
				const page = this.pages.get(pid) as PageRecord;
				const v = page.values[def.id];
				if (Array.isArray(v)) page.values[def.id] = (v as SelectOption[]).map((o) => byId.get(o.id) ?? o);
				else if (v) page.values[def.id] = byId.get((v as SelectOption).id) ?? v;
			}
		}
		ds.version++;
		ds.lastEditedTime = this.stamp();
	}

	private updateDataSource(req: SandboxRequest): SandboxResponse {
		const ds = this.getDs(req);
		const body = this.body(req);
		if (body.properties !== undefined) this.applySchemaUpdate(ds, body.properties);
		if (body.title !== undefined) ds.name = plainOf(this.parseRichText(body.title, 'body.title'));
		if (typeof body.in_trash === 'boolean') ds.inTrash = body.in_trash;
		else if (typeof body.archived === 'boolean') ds.inTrash = body.archived;
		ds.lastEditedTime = this.stamp();
		this.stats.writes++;
		this.stats.dataSourceUpdates++;
		return this.afterWrite(this.ok(this.renderDataSource(ds)), req);
	}

	// ------------------------------------------------------------------ query

	private queryDatabase(req: SandboxRequest, version: Version): SandboxResponse {
		const db = this.getDb(req);
		this.requireSingleSource(db, version);
		if (version >= '2025-09-03') {
			throw this.fail(400, 'invalid_request_url', 'Invalid request URL. Databases are queried through their data sources from API version 2025-09-03: POST /v1/data_sources/{data_source_id}/query.');
		}
		const ds = this.dataSources.get(db.dataSourceIds[0]) as DataSourceRecord;
		return this.runQuery(ds, req, version, db.inTrash);
	}

	private queryDataSource(req: SandboxRequest, version: Version): SandboxResponse {
		const ds = this.getDs(req);
		const db = this.databases.get(ds.databaseId) as DatabaseRecord;
		return this.runQuery(ds, req, version, db.inTrash);
	}

	private runQuery(ds: DataSourceRecord, req: SandboxRequest, version: Version, dbTrashed: boolean): SandboxResponse {
		if (dbTrashed || ds.inTrash) throw this.notFound('data_source', ds.id);
		const body = this.body(req);
		let pageSize = this.nopts.maxPageSize ?? 100;
		if (body.page_size !== undefined) {
			const ps = body.page_size;
			if (typeof ps !== 'number' || !Number.isInteger(ps)) throw this.bodyValidation(`body.page_size should be a number, instead was \`${show(ps)}\`.`);
			if (ps > (this.nopts.maxPageSize ?? 100)) throw this.bodyValidation(`body.page_size should be ≤ \`${this.nopts.maxPageSize ?? 100}\`, instead was \`${ps}\`.`);
			if (ps < 1) throw this.bodyValidation(`body.page_size should be ≥ \`1\`, instead was \`${ps}\`.`);
			pageSize = ps;
		}
		if (body.start_cursor !== undefined && typeof body.start_cursor !== 'string') throw this.bodyValidation(`body.start_cursor should be a string, instead was \`${show(body.start_cursor)}\`.`);
		const includeTrash = body.in_trash === true || body.archived === true;
		const filter = body.filter === undefined ? undefined : this.compileFilter(ds, body.filter, 'body.filter', 0);
		const sorter = body.sorts === undefined ? undefined : this.compileSorts(ds, body.sorts);
		const only = this.filterProperties(ds, req);
		const queryKey = `${ds.id}|${includeTrash}|${JSON.stringify(body.filter ?? null)}|${JSON.stringify(body.sorts ?? null)}`;
		let ids: string[];
		let start = 0;
		if (typeof body.start_cursor === 'string') {
			const cursor = normalizeId(body.start_cursor);
			const snap = cursor ? this.cursors.get(`${queryKey}|${cursor}`) : undefined;
			if (snap) {
				ids = snap.ids;
				start = snap.index;
			} else {
				ids = this.resultIds(ds, queryKey, filter, sorter, includeTrash, body.filter);
				start = cursor ? ids.indexOf(cursor) : -1;
				if (start < 0) throw this.validation(`The start_cursor provided is invalid: ${body.start_cursor}`);
			}
		} else {
			ids = this.resultIds(ds, queryKey, filter, sorter, includeTrash, body.filter);
		}
		const results: Record<string, unknown>[] = [];
		// The per-query result limit: a query never reaches the rows past it, whatever its cursors.
		const cap = this.nopts.queryResultLimit ?? NOTION_QUERY_RESULT_LIMIT;
		const visible = Math.min(ids.length, cap);
		const end = Math.min(visible, start + pageSize);
		for (let i = start; i < end; i++) {
			const page = this.pages.get(ids[i]);
			if (page) results.push(this.renderPage(page, version, only));
		}
		const hasMore = end < visible;
		const nextCursor = hasMore ? ids[end] : null;
		if (nextCursor) {
			this.cursors.set(`${queryKey}|${nextCursor}`, { ids, index: end });
			if (this.cursors.size > 20_000) {
				const oldest = this.cursors.keys().next().value as string;
				this.cursors.delete(oldest);
			}
		}
		this.stats.reads++;
		this.stats.queries++;
		const capped = ids.length > cap ? { request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' } } : {};
		if (ids.length > cap) this.stats.cappedQueries++;
		return this.ok({ object: 'list', results, next_cursor: nextCursor, has_more: hasMore, type: 'page_or_data_source', page_or_data_source: {}, ...capped });
	}

	private filterProperties(ds: DataSourceRecord, req: SandboxRequest): Set<string> | undefined {
		const wanted = [...req.query.getAll('filter_properties'), ...req.query.getAll('filter_properties[]')];
		if (!wanted.length) return undefined;
		for (const w of wanted) {
			if (!this.findProp(ds, w)) throw this.validation(`Could not find property with name or id: ${w}`);
		}
		return new Set(wanted);
	}

	// ------------------------------------------------------------------ equality indexes (upsert lookups in O(1))

	private static readonly INDEXABLE = new Set(['title', 'rich_text', 'number', 'select', 'status', 'url', 'email', 'phone_number']);

	/** The equality key of a page's value (what an `equals` filter compares), or undefined when empty. */
	private indexKey(def: PropertyDef, page: PageRecord): string | undefined {
		const v = page.values[def.id];
		if (v === undefined || v === null) return undefined;
		switch (def.type) {
			case 'title':
			case 'rich_text': {
				const text = plainOf(v as RichTextItem[]);
				return text === '' ? undefined : text;
			}
			case 'number':
				return String(v);
			case 'select':
			case 'status':
				return (v as SelectOption).name;
			default:
				return typeof v === 'string' && v !== '' ? v : undefined;
		}
	}

	private indexKeys(ds: DataSourceRecord, page: PageRecord): Map<string, string | undefined> {
		const out = new Map<string, string | undefined>();
		for (const propId of ds.indexes.keys()) {
			const def = ds.props.find((p) => p.id === propId);
			if (def) out.set(propId, this.indexKey(def, page));
		}
		return out;
	}

	private reindex(ds: DataSourceRecord, page: PageRecord, before: Map<string, string | undefined> | undefined): void {
		for (const [propId, index] of ds.indexes) {
			const def = ds.props.find((p) => p.id === propId);
			if (!def) continue;
			const old = before?.get(propId);
			const now = this.indexKey(def, page);
			if (before && old === now) continue;
			if (old !== undefined) index.get(old)?.delete(page.id);
			if (now !== undefined) {
				let set = index.get(now);
				if (!set) index.set(now, (set = new Set()));
				set.add(page.id);
			}
		}
	}

	private indexFor(ds: DataSourceRecord, def: PropertyDef): Map<string, Set<string>> {
		let index = ds.indexes.get(def.id);
		if (index) return index;
		index = new Map();
		for (const pid of ds.pageIds) {
			const key = this.indexKey(def, this.pages.get(pid) as PageRecord);
			if (key === undefined) continue;
			let set = index.get(key);
			if (!set) index.set(key, (set = new Set()));
			set.add(pid);
		}
		ds.indexes.set(def.id, index);
		return index;
	}

	/** Candidate page ids for a filter that is (or `and`s) a non-empty `equals` on an indexable property. */
	private indexCandidates(ds: DataSourceRecord, raw: unknown): Set<string> | undefined {
		if (!isObj(raw)) return undefined;
		if (Array.isArray(raw.and)) {
			for (const part of raw.and) {
				const c = this.indexCandidates(ds, part);
				if (c) return c;
			}
			return undefined;
		}
		if (typeof raw.property !== 'string') return undefined;
		const def = this.findProp(ds, raw.property);
		if (!def || !NotionEmulator.INDEXABLE.has(def.type)) return undefined;
		const cond = raw[def.type] ?? raw[Object.keys(raw).find((k) => k !== 'property' && k !== 'type') ?? ''];
		if (!isObj(cond) || !('equals' in cond)) return undefined;
		const want = cond.equals;
		if (def.type === 'number' ? typeof want !== 'number' : typeof want !== 'string' || want === '') return undefined;
		return this.indexFor(ds, def).get(String(want)) ?? new Set();
	}

	private resultIds(
		ds: DataSourceRecord,
		queryKey: string,
		filter: ((p: PageRecord) => boolean) | undefined,
		sorter: ((a: PageRecord, b: PageRecord) => number) | undefined,
		includeTrash: boolean,
		rawFilter?: unknown,
	): string[] {
		const cached = this.firstPageCache.get(queryKey);
		if (cached && cached.version === ds.version) return cached.ids;
		const pages: PageRecord[] = [];
		const candidates = rawFilter === undefined ? undefined : this.indexCandidates(ds, rawFilter);
		if (candidates) {
			for (const pid of candidates) {
				const page = this.pages.get(pid) as PageRecord;
				if (page.inTrash && !includeTrash) continue;
				if (filter && !filter(page)) continue;
				pages.push(page);
			}
			pages.sort((a, b) => a.seq - b.seq);
		} else {
			for (const pid of ds.pageIds) {
				const page = this.pages.get(pid) as PageRecord;
				if (page.inTrash && !includeTrash) continue;
				if (filter && !filter(page)) continue;
				pages.push(page);
			}
		}
		if (sorter) pages.sort((a, b) => sorter(a, b) || a.seq - b.seq);
		const ids = pages.map((p) => p.id);
		this.firstPageCache.set(queryKey, { version: ds.version, ids });
		if (this.firstPageCache.size > 200) this.firstPageCache.delete(this.firstPageCache.keys().next().value as string);
		return ids;
	}

	private compileSorts(ds: DataSourceRecord, raw: unknown): (a: PageRecord, b: PageRecord) => number {
		if (!Array.isArray(raw)) throw this.bodyValidation(`body.sorts should be an array, instead was \`${show(raw)}\`.`);
		if (raw.length > ARRAY_MAX) throw this.bodyValidation(`body.sorts.length should be ≤ \`${ARRAY_MAX}\`, instead was \`${raw.length}\`.`);
		const comparators = raw.map((s, i) => {
			if (!isObj(s)) throw this.bodyValidation(`body.sorts[${i}] should be an object, instead was \`${show(s)}\`.`);
			const dir = s.direction === 'descending' ? -1 : s.direction === 'ascending' ? 1 : 0;
			if (!dir) throw this.bodyValidation(`body.sorts[${i}].direction should be \`"ascending"\` or \`"descending"\`, instead was \`${show(s.direction)}\`.`);
			let key: (p: PageRecord) => number | string | null;
			if (typeof s.timestamp === 'string') {
				if (s.timestamp === 'created_time') key = (p) => p.seq;
				else if (s.timestamp === 'last_edited_time') key = (p) => p.editSeq;
				else throw this.bodyValidation(`body.sorts[${i}].timestamp should be \`"created_time"\` or \`"last_edited_time"\`, instead was \`${show(s.timestamp)}\`.`);
			} else if (typeof s.property === 'string') {
				const def = this.findProp(ds, s.property);
				if (!def) throw this.validation(`Could not find sort property with name or id: ${s.property}`);
				key = this.sortKey(def);
			} else {
				throw this.bodyValidation(`body.sorts[${i}].property should be defined, instead was \`undefined\`.`);
			}
			return (a: PageRecord, b: PageRecord): number => {
				const ka = key(a);
				const kb = key(b);
				const ea = ka === null || ka === '';
				const eb = kb === null || kb === '';
				if (ea || eb) return ea && eb ? 0 : ea ? 1 : -1; // empties last in both directions
				if (ka === kb) return 0;
				return (ka < kb ? -1 : 1) * dir;
			};
		});
		return (a, b) => {
			for (const c of comparators) {
				const r = c(a, b);
				if (r) return r;
			}
			return 0;
		};
	}

	private sortKey(def: PropertyDef): (p: PageRecord) => number | string | null {
		switch (def.type) {
			case 'created_time':
				return (p) => p.seq;
			case 'last_edited_time':
				return (p) => p.editSeq;
			case 'title':
			case 'rich_text':
				return (p) => plainOf((p.values[def.id] as RichTextItem[] | undefined) ?? []).toLowerCase();
			case 'number':
				return (p) => (p.values[def.id] as number | null | undefined) ?? null;
			case 'checkbox':
				return (p) => (p.values[def.id] === true ? 1 : 0);
			case 'select':
			case 'status': {
				const order = new Map((def.config.options as SelectOption[]).map((o, i) => [o.id, i]));
				return (p) => {
					const v = p.values[def.id] as SelectOption | null | undefined;
					return v ? (order.get(v.id) ?? 1e9) : null;
				};
			}
			case 'multi_select':
				return (p) => ((p.values[def.id] as SelectOption[] | undefined) ?? []).map((o) => o.name).join(',') || null;
			case 'date':
				return (p) => {
					const d = p.values[def.id] as { start: string } | null | undefined;
					return d ? Date.parse(d.start) : null;
				};
			default:
				return (p) => {
					const v = p.values[def.id];
					return typeof v === 'string' || typeof v === 'number' ? v : null;
				};
		}
	}

	private compileFilter(ds: DataSourceRecord, raw: unknown, path: string, depth: number): (p: PageRecord) => boolean {
		if (!isObj(raw)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(raw)}\`.`);
		if (Array.isArray(raw.and) || Array.isArray(raw.or)) {
			if (depth >= 2) throw this.bodyValidation(`${path} should not be nested more than two levels deep.`);
			const op = Array.isArray(raw.and) ? 'and' : 'or';
			const parts = (raw[op] as unknown[]).map((f, i) => this.compileFilter(ds, f, `${path}.${op}[${i}]`, depth + 1));
			if (parts.length > ARRAY_MAX) throw this.bodyValidation(`${path}.${op}.length should be ≤ \`${ARRAY_MAX}\`, instead was \`${parts.length}\`.`);
			return op === 'and' ? (p) => parts.every((f) => f(p)) : (p) => parts.some((f) => f(p));
		}
		if (typeof raw.timestamp === 'string') {
			const ts = raw.timestamp;
			if (ts !== 'created_time' && ts !== 'last_edited_time') throw this.bodyValidation(`${path}.timestamp should be \`"created_time"\` or \`"last_edited_time"\`, instead was \`${show(ts)}\`.`);
			const cond = raw[ts];
			const test = this.dateCondition(cond, `${path}.${ts}`);
			return (p) => test(iso(ts === 'created_time' ? p.createdTime : p.lastEditedTime));
		}
		if (typeof raw.property !== 'string') throw this.bodyValidation(`${path}.property should be defined, instead was \`${show(raw.property)}\`.`);
		const def = this.findProp(ds, raw.property);
		if (!def) throw this.validation(`Could not find property with name or id: ${raw.property}`);
		const condKey = Object.keys(raw).find((k) => k !== 'property' && k !== 'type');
		if (!condKey) throw this.bodyValidation(`${path}.${def.type} should be defined, instead was \`undefined\`.`);
		const cond = raw[condKey];
		const textLike = new Set(['title', 'rich_text', 'url', 'email', 'phone_number']);
		const compatible = condKey === def.type || (textLike.has(condKey) && textLike.has(def.type)) || (condKey === 'date' && (def.type === 'created_time' || def.type === 'last_edited_time'));
		if (!compatible) {
			throw this.validation(`Could not find property with name or id: ${raw.property}. Filter type \`${condKey}\` does not match property type \`${def.type}\`.`);
		}
		const cpath = `${path}.${condKey}`;
		const get = (p: PageRecord) => p.values[def.id];
		switch (def.type) {
			case 'title':
			case 'rich_text': {
				const test = this.textCondition(cond, cpath);
				return (p) => test(plainOf((get(p) as RichTextItem[] | undefined) ?? []));
			}
			case 'url':
			case 'email':
			case 'phone_number': {
				const test = this.textCondition(cond, cpath);
				return (p) => test((get(p) as string | null | undefined) ?? '');
			}
			case 'number':
				return this.numberCondition(cond, cpath, (p) => (get(p) as number | null | undefined) ?? null);
			case 'checkbox': {
				if (!isObj(cond)) throw this.bodyValidation(`${cpath} should be an object, instead was \`${show(cond)}\`.`);
				if ('equals' in cond) {
					if (typeof cond.equals !== 'boolean') throw this.bodyValidation(`${cpath}.equals should be a boolean, instead was \`${show(cond.equals)}\`.`);
					const want = cond.equals;
					return (p) => (get(p) === true) === want;
				}
				if ('does_not_equal' in cond) {
					if (typeof cond.does_not_equal !== 'boolean') throw this.bodyValidation(`${cpath}.does_not_equal should be a boolean, instead was \`${show(cond.does_not_equal)}\`.`);
					const want = cond.does_not_equal;
					return (p) => (get(p) === true) !== want;
				}
				throw this.bodyValidation(`${cpath}.equals should be defined, instead was \`undefined\`.`);
			}
			case 'select':
			case 'status': {
				if (!isObj(cond)) throw this.bodyValidation(`${cpath} should be an object, instead was \`${show(cond)}\`.`);
				const name = (p: PageRecord) => (get(p) as SelectOption | null | undefined)?.name ?? null;
				if ('equals' in cond) {
					if (typeof cond.equals !== 'string') throw this.bodyValidation(`${cpath}.equals should be a string, instead was \`${show(cond.equals)}\`.`);
					const want = cond.equals;
					return (p) => name(p) === want;
				}
				if ('does_not_equal' in cond) {
					if (typeof cond.does_not_equal !== 'string') throw this.bodyValidation(`${cpath}.does_not_equal should be a string, instead was \`${show(cond.does_not_equal)}\`.`);
					const want = cond.does_not_equal;
					return (p) => name(p) !== want;
				}
				if (cond.is_empty === true) return (p) => name(p) === null;
				if (cond.is_not_empty === true) return (p) => name(p) !== null;
				throw this.bodyValidation(`${cpath}.equals should be defined, instead was \`undefined\`.`);
			}
			case 'multi_select':
			case 'relation':
			case 'people': {
				if (!isObj(cond)) throw this.bodyValidation(`${cpath} should be an object, instead was \`${show(cond)}\`.`);
				const values = (p: PageRecord): string[] =>
					def.type === 'multi_select' ? ((get(p) as SelectOption[] | undefined) ?? []).map((o) => o.name) : ((get(p) as Array<{ id: string }> | undefined) ?? []).map((o) => o.id);
				const norm = (v: string) => (def.type === 'multi_select' ? v : (normalizeId(v) ?? v));
				if ('contains' in cond) {
					if (typeof cond.contains !== 'string') throw this.bodyValidation(`${cpath}.contains should be a string, instead was \`${show(cond.contains)}\`.`);
					const want = norm(cond.contains);
					return (p) => values(p).includes(want);
				}
				if ('does_not_contain' in cond) {
					if (typeof cond.does_not_contain !== 'string') throw this.bodyValidation(`${cpath}.does_not_contain should be a string, instead was \`${show(cond.does_not_contain)}\`.`);
					const want = norm(cond.does_not_contain);
					return (p) => !values(p).includes(want);
				}
				if (cond.is_empty === true) return (p) => values(p).length === 0;
				if (cond.is_not_empty === true) return (p) => values(p).length > 0;
				throw this.bodyValidation(`${cpath}.contains should be defined, instead was \`undefined\`.`);
			}
			case 'date': {
				const test = this.dateCondition(cond, cpath);
				return (p) => test((get(p) as { start: string } | null | undefined)?.start ?? null);
			}
			case 'created_time':
			case 'last_edited_time': {
				const test = this.dateCondition(cond, cpath);
				return (p) => test(iso(def.type === 'created_time' ? p.createdTime : p.lastEditedTime));
			}
			default:
				throw this.validation(`Filtering on property type \`${def.type}\` is not supported by the sandbox.`);
		}
	}

	private textCondition(cond: unknown, path: string): (v: string) => boolean {
		if (!isObj(cond)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(cond)}\`.`);
		const str = (k: string): string => {
			const v = cond[k];
			if (typeof v !== 'string') throw this.bodyValidation(`${path}.${k} should be a string, instead was \`${show(v)}\`.`);
			if (v.length > RICH_TEXT_MAX) throw this.bodyValidation(`${path}.${k}.length should be ≤ \`${RICH_TEXT_MAX}\`, instead was \`${v.length}\`.`);
			return v;
		};
		// [UNVERIFIED] equals/does_not_equal compare exactly; contains/starts_with/ends_with ignore case.
		if ('equals' in cond) {
			const w = str('equals');
			return (v) => v === w;
		}
		if ('does_not_equal' in cond) {
			const w = str('does_not_equal');
			return (v) => v !== w;
		}
		if ('contains' in cond) {
			const w = str('contains').toLowerCase();
			return (v) => v.toLowerCase().includes(w);
		}
		if ('does_not_contain' in cond) {
			const w = str('does_not_contain').toLowerCase();
			return (v) => !v.toLowerCase().includes(w);
		}
		if ('starts_with' in cond) {
			const w = str('starts_with').toLowerCase();
			return (v) => v.toLowerCase().startsWith(w);
		}
		if ('ends_with' in cond) {
			const w = str('ends_with').toLowerCase();
			return (v) => v.toLowerCase().endsWith(w);
		}
		if (cond.is_empty === true) return (v) => v === '';
		if (cond.is_not_empty === true) return (v) => v !== '';
		throw this.bodyValidation(`${path}.equals should be defined, instead was \`undefined\`.`);
	}

	private numberCondition(cond: unknown, path: string, get: (p: PageRecord) => number | null): (p: PageRecord) => boolean {
		if (!isObj(cond)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(cond)}\`.`);
		const num = (k: string): number => {
			const v = cond[k];
			if (typeof v !== 'number') throw this.bodyValidation(`${path}.${k} should be a number, instead was \`${show(v)}\`.`);
			return v;
		};
		const ops: Array<[string, (a: number, b: number) => boolean]> = [
			['equals', (a, b) => a === b],
			['does_not_equal', (a, b) => a !== b],
			['greater_than', (a, b) => a > b],
			['less_than', (a, b) => a < b],
			['greater_than_or_equal_to', (a, b) => a >= b],
			['less_than_or_equal_to', (a, b) => a <= b],
		];
		for (const [k, f] of ops) {
			if (k in cond) {
				const w = num(k);
				if (k === 'does_not_equal') return (p) => get(p) === null || f(get(p) as number, w);
				return (p) => {
					const v = get(p);
					return v !== null && f(v, w);
				};
			}
		}
		if (cond.is_empty === true) return (p) => get(p) === null;
		if (cond.is_not_empty === true) return (p) => get(p) !== null;
		throw this.bodyValidation(`${path}.equals should be defined, instead was \`undefined\`.`);
	}

	private dateCondition(cond: unknown, path: string): (v: string | null) => boolean {
		if (!isObj(cond)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(cond)}\`.`);
		const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
		const parse = (k: string): { ms: number; day: boolean } => {
			const v = cond[k];
			if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw this.bodyValidation(`${path}.${k} should be a valid ISO 8601 date string, instead was \`${show(v)}\`.`);
			return { ms: Date.parse(v), day: dateOnly(v) };
		};
		const dayStart = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;
		const ops: Array<[string, (v: number, w: { ms: number; day: boolean }) => boolean]> = [
			['equals', (v, w) => (w.day ? dayStart(v) === w.ms : v === w.ms)],
			['before', (v, w) => v < w.ms],
			['after', (v, w) => (w.day ? v >= w.ms + 86_400_000 : v > w.ms)],
			['on_or_before', (v, w) => (w.day ? v < w.ms + 86_400_000 : v <= w.ms)],
			['on_or_after', (v, w) => v >= w.ms],
		];
		for (const [k, f] of ops) {
			if (k in cond) {
				const w = parse(k);
				return (v) => v !== null && f(Date.parse(v), w);
			}
		}
		if (cond.is_empty === true) return (v) => v === null;
		if (cond.is_not_empty === true) return (v) => v !== null;
		const rel: Array<[string, number, number]> = [
			['past_week', -7, 0],
			['past_month', -30, 0],
			['past_year', -365, 0],
			['next_week', 0, 7],
			['next_month', 0, 30],
			['next_year', 0, 365],
		];
		for (const [k, from, to] of rel) {
			if (k in cond) {
				return (v) => {
					if (v === null) return false;
					const ms = Date.parse(v);
					const now = this.now();
					return ms >= now + from * 86_400_000 && ms <= now + to * 86_400_000;
				};
			}
		}
		throw this.bodyValidation(`${path}.equals should be defined, instead was \`undefined\`.`);
	}

	// ------------------------------------------------------------------ search

	private search(req: SandboxRequest, version: Version): SandboxResponse {
		const body = this.body(req);
		const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
		const filter = isObj(body.filter) ? body.filter.value : undefined;
		const pageSize = typeof body.page_size === 'number' ? body.page_size : 100;
		if (pageSize > 100) throw this.bodyValidation(`body.page_size should be ≤ \`100\`, instead was \`${pageSize}\`.`);
		const all: Array<{ id: string; render: () => Record<string, unknown> }> = [];
		const wantDs = filter === undefined || filter === 'data_source' || filter === 'database';
		const wantPages = filter === undefined || filter === 'page';
		if (wantDs) {
			for (const db of this.databases.values()) {
				if (db.inTrash) continue;
				if (query && !plainOf(db.title).toLowerCase().includes(query)) continue;
				if (version < '2025-09-03') all.push({ id: db.id, render: () => this.renderDatabase(db, version) });
				else for (const dsId of db.dataSourceIds) all.push({ id: dsId, render: () => this.renderDataSource(this.dataSources.get(dsId) as DataSourceRecord) });
			}
		}
		if (wantPages) {
			for (const page of this.pages.values()) {
				if (page.inTrash) continue;
				if (query && !this.pageTitle(page).toLowerCase().includes(query)) continue;
				all.push({ id: page.id, render: () => this.renderPage(page, version) });
			}
		}
		let start = 0;
		if (typeof body.start_cursor === 'string') {
			start = all.findIndex((e) => e.id === normalizeId(body.start_cursor as string));
			if (start < 0) throw this.validation(`The start_cursor provided is invalid: ${body.start_cursor}`);
		}
		const slice = all.slice(start, start + pageSize);
		const hasMore = start + pageSize < all.length;
		this.stats.reads++;
		return this.ok({ object: 'list', results: slice.map((e) => e.render()), next_cursor: hasMore ? all[start + pageSize].id : null, has_more: hasMore, type: 'page_or_data_source', page_or_data_source: {} });
	}

	// ------------------------------------------------------------------ pages

	private parseValue(ds: DataSourceRecord, def: PropertyDef, raw: unknown, key: string): unknown {
		const path = `body.properties.${key}`;
		if (!isObj(raw)) throw this.bodyValidation(`${path} should be an object, instead was \`${show(raw)}\`.`);
		if (READ_ONLY_TYPES.has(def.type)) throw this.validation(`${key} is a ${def.type} property and cannot be updated.`);
		const given = typeof raw.type === 'string' ? raw.type : Object.keys(raw).find((k) => k !== 'id' && k !== 'type');
		if (given !== def.type || !(def.type in raw)) throw this.validation(`${key} is expected to be ${def.type}.`);
		const v = raw[def.type];
		const vpath = `${path}.${def.type}`;
		switch (def.type) {
			case 'title':
			case 'rich_text':
				return this.parseRichText(v, vpath);
			case 'number':
				if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) throw this.bodyValidation(`${vpath} should be a number or \`null\`, instead was \`${show(v)}\`.`);
				return v;
			case 'checkbox':
				if (typeof v !== 'boolean') throw this.bodyValidation(`${vpath} should be a boolean, instead was \`${show(v)}\`.`);
				return v;
			case 'url':
			case 'email':
			case 'phone_number':
				if (v !== null && typeof v !== 'string') throw this.bodyValidation(`${vpath} should be a string or \`null\`, instead was \`${show(v)}\`.`);
				// Notion rejects an empty string here: a value is cleared with null.
				if (v === '') throw this.bodyValidation(`${vpath} should be a non-empty string or \`null\`, instead was \`""\`.`);
				if (typeof v === 'string' && v.length > URL_MAX) throw this.bodyValidation(`${vpath}.length should be ≤ \`${URL_MAX}\`, instead was \`${v.length}\`.`);
				return v;
			case 'select':
			case 'status': {
				if (v === null) return null;
				if (!isObj(v)) throw this.bodyValidation(`${vpath} should be an object or \`null\`, instead was \`${show(v)}\`.`);
				return this.resolveOption(ds, def, v, vpath, def.type === 'select');
			}
			case 'multi_select': {
				if (!Array.isArray(v)) throw this.bodyValidation(`${vpath} should be an array, instead was \`${show(v)}\`.`);
				if (v.length > ARRAY_MAX) throw this.bodyValidation(`${vpath}.length should be ≤ \`${ARRAY_MAX}\`, instead was \`${v.length}\`.`);
				const out: SelectOption[] = [];
				v.forEach((o, i) => {
					if (!isObj(o)) throw this.bodyValidation(`${vpath}[${i}] should be an object, instead was \`${show(o)}\`.`);
					const opt = this.resolveOption(ds, def, o, `${vpath}[${i}]`, true);
					if (!out.some((x) => x.id === opt.id)) out.push(opt);
				});
				return out;
			}
			case 'date': {
				if (v === null) return null;
				if (!isObj(v)) throw this.bodyValidation(`${vpath} should be an object or \`null\`, instead was \`${show(v)}\`.`);
				const check = (k: string, required: boolean): string | null => {
					const s = v[k];
					if (s === undefined || s === null) {
						if (required) throw this.bodyValidation(`${vpath}.${k} should be defined, instead was \`${show(s)}\`.`);
						return null;
					}
					if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(Date.parse(s))) throw this.bodyValidation(`${vpath}.${k} should be a valid ISO 8601 date string, instead was \`${show(s)}\`.`);
					return s;
				};
				const start = check('start', true) as string;
				const end = check('end', false);
				const tz = v.time_zone;
				if (tz !== undefined && tz !== null && typeof tz !== 'string') throw this.bodyValidation(`${vpath}.time_zone should be a string, instead was \`${show(tz)}\`.`);
				return { start, end, time_zone: (tz as string | null | undefined) ?? null };
			}
			case 'relation':
			case 'people': {
				if (!Array.isArray(v)) throw this.bodyValidation(`${vpath} should be an array, instead was \`${show(v)}\`.`);
				if (v.length > ARRAY_MAX) throw this.bodyValidation(`${vpath}.length should be ≤ \`${ARRAY_MAX}\`, instead was \`${v.length}\`.`);
				return v.map((o, i) => {
					const id = isObj(o) && typeof o.id === 'string' ? normalizeId(o.id) : undefined;
					if (!id) throw this.bodyValidation(`${vpath}[${i}].id should be a valid uuid, instead was \`${show(isObj(o) ? o.id : o)}\`.`);
					return def.type === 'people' ? { object: 'user', id } : { id };
				});
			}
			case 'files':
				if (!Array.isArray(v)) throw this.bodyValidation(`${vpath} should be an array, instead was \`${show(v)}\`.`);
				return v;
			default:
				return v;
		}
	}

	private resolveOption(ds: DataSourceRecord, def: PropertyDef, v: Record<string, unknown>, path: string, autoCreate: boolean): SelectOption {
		const options = def.config.options as SelectOption[];
		if (typeof v.id === 'string') {
			const found = options.find((o) => o.id === v.id);
			if (!found) throw this.validation(`${def.type === 'status' ? 'Invalid status option' : 'Invalid select option'}. Option with id "${v.id}" does not exist.`);
			return found;
		}
		const name = this.checkOptionName(v.name, path);
		const found = options.find((o) => o.name === name);
		if (found) return found;
		if (!autoCreate) throw this.validation(`Invalid status option. Status option "${name}" does not exist".`);
		const created: SelectOption = { id: this.optionId(), name, color: typeof v.color === 'string' ? v.color : this.nextColor(ds, { i: 0 }), description: null };
		// Copy-on-write so earlier snapshots of the schema stay intact.
		def.config = { ...def.config, options: [...options, created] };
		ds.lastEditedTime = this.stamp();
		return created;
	}

	/** Validate all property values (so a failing request writes nothing), then return the parsed values by id. */
	private parseValues(ds: DataSourceRecord, raw: unknown): Record<string, unknown> {
		if (raw === undefined) return {};
		if (!isObj(raw)) throw this.bodyValidation(`body.properties should be an object, instead was \`${show(raw)}\`.`);
		const out: Record<string, unknown> = {};
		const entries = Object.entries(raw);
		// Unknown names first, like Notion, before any value-level checks.
		for (const [key] of entries) if (!this.findProp(ds, key)) throw this.validation(`${key} is not a property that exists.`);
		for (const [key, value] of entries) {
			const def = this.findProp(ds, key) as PropertyDef;
			out[def.id] = this.parseValue(ds, def, value, key);
		}
		return out;
	}

	private insertPage(ds: DataSourceRecord, properties: unknown): PageRecord {
		const values = this.parseValues(ds, properties);
		const now = this.stamp();
		const page: PageRecord = {
			id: this.uuid(),
			seq: this.seq,
			editSeq: this.seq++,
			dataSourceId: ds.id,
			parent: { type: 'data_source_id', data_source_id: ds.id, database_id: ds.databaseId },
			values,
			createdTime: now,
			lastEditedTime: now,
			inTrash: false,
			icon: null,
			cover: null,
		};
		this.pages.set(page.id, page);
		ds.pageIds.push(page.id);
		this.reindex(ds, page, undefined);
		ds.version++;
		return page;
	}

	private createPage(req: SandboxRequest, version: Version): SandboxResponse {
		const body = this.body(req);
		const parent = body.parent;
		if (!isObj(parent)) throw this.bodyValidation(`body.parent should be an object, instead was \`${show(parent)}\`.`);
		let page: PageRecord;
		if (typeof parent.data_source_id === 'string' || typeof parent.database_id === 'string') {
			const key = typeof parent.data_source_id === 'string' ? 'data_source_id' : 'database_id';
			const rawId = parent[key] as string;
			const id = normalizeId(rawId);
			if (!id) throw this.bodyValidation(`body.parent.${key} should be a valid uuid, instead was \`${show(rawId)}\`.`);
			let ds: DataSourceRecord | undefined;
			if (key === 'data_source_id') ds = this.dataSources.get(id);
			else {
				const db = this.databases.get(id);
				if (db && db.dataSourceIds.length > 1 && version >= '2025-09-03') {
					throw this.validation(`Database ${id} has multiple data sources; use parent.data_source_id instead.`);
				}
				if (db) this.requireSingleSource(db, version);
				ds = db ? this.dataSources.get(db.dataSourceIds[0]) : undefined;
			}
			const db = ds ? this.databases.get(ds.databaseId) : undefined;
			if (!ds || !db || ds.inTrash || db.inTrash) throw this.notFound(key === 'data_source_id' ? 'data_source' : 'database', id);
			page = this.insertPage(ds, body.properties);
		} else if (typeof parent.page_id === 'string') {
			const id = normalizeId(parent.page_id);
			if (!id) throw this.bodyValidation(`body.parent.page_id should be a valid uuid, instead was \`${show(parent.page_id)}\`.`);
			const pp = this.pages.get(id);
			if (!pp || pp.inTrash) throw this.notFound('page', id);
			const props = isObj(body.properties) ? body.properties : {};
			for (const key of Object.keys(props)) if (key !== 'title') throw this.validation(`${key} is not a property that exists.`);
			const titleRaw = props.title;
			const title = titleRaw === undefined ? [] : isObj(titleRaw) ? this.parseRichText(titleRaw.title, 'body.properties.title.title') : this.parseRichText(titleRaw, 'body.properties.title');
			const now = this.stamp();
			page = { id: this.uuid(), seq: this.seq, editSeq: this.seq++, parent: { type: 'page_id', page_id: id }, values: { title }, createdTime: now, lastEditedTime: now, inTrash: false, icon: null, cover: null };
			this.pages.set(page.id, page);
		} else {
			throw this.bodyValidation(`body.parent.data_source_id should be defined, instead was \`undefined\`.`);
		}
		if (body.icon !== undefined) page.icon = body.icon;
		if (body.cover !== undefined) page.cover = body.cover;
		this.stats.writes++;
		this.stats.pageCreates++;
		return this.afterWrite(this.ok(this.renderPage(page, version, this.pageFilterProps(page, req))), req);
	}

	private pageFilterProps(page: PageRecord, req: SandboxRequest): Set<string> | undefined {
		const ds = page.dataSourceId ? this.dataSources.get(page.dataSourceId) : undefined;
		if (!ds) return undefined;
		return this.filterProperties(ds, req);
	}

	private getPageRecord(req: SandboxRequest): PageRecord {
		const id = this.pathId(req, 'page_id');
		const page = this.pages.get(id);
		if (!page) {
			if (this.databases.has(id)) throw this.validation(`Provided ID ${id} is a database, not a page. Use the retrieve database API instead.`);
			throw this.notFound('page', id);
		}
		return page;
	}

	private getPage(req: SandboxRequest, version: Version): SandboxResponse {
		const page = this.getPageRecord(req);
		this.stats.reads++;
		return this.ok(this.renderPage(page, version, this.pageFilterProps(page, req)));
	}

	private updatePage(req: SandboxRequest, version: Version): SandboxResponse {
		const page = this.getPageRecord(req);
		const body = this.body(req);
		const trashFlag = typeof body.in_trash === 'boolean' ? body.in_trash : typeof body.archived === 'boolean' ? body.archived : undefined;
		const willBeTrashed = trashFlag ?? page.inTrash;
		const hasProps = isObj(body.properties) && Object.keys(body.properties).length > 0;
		if (page.inTrash && willBeTrashed && (hasProps || body.icon !== undefined || body.cover !== undefined)) {
			throw this.validation("Can't edit block that is archived. You must unarchive the block before editing.");
		}
		let values: Record<string, unknown> = {};
		const ds = page.dataSourceId ? (this.dataSources.get(page.dataSourceId) as DataSourceRecord) : undefined;
		if (body.properties !== undefined) {
			if (ds) values = this.parseValues(ds, body.properties);
			else {
				if (!isObj(body.properties)) throw this.bodyValidation(`body.properties should be an object, instead was \`${show(body.properties)}\`.`);
				for (const [key, raw] of Object.entries(body.properties)) {
					if (key !== 'title') throw this.validation(`${key} is not a property that exists.`);
					values.title = this.parseRichText(isObj(raw) ? raw.title : raw, 'body.properties.title.title');
				}
			}
		}
		const before = ds && ds.indexes.size ? this.indexKeys(ds, page) : undefined;
		Object.assign(page.values, values);
		if (ds && before) this.reindex(ds, page, before);
		const trashChanged = trashFlag !== undefined && trashFlag !== page.inTrash;
		if (trashFlag !== undefined) page.inTrash = trashFlag;
		if (body.icon !== undefined) page.icon = body.icon;
		if (body.cover !== undefined) page.cover = body.cover;
		page.lastEditedTime = this.stamp();
		page.editSeq = this.seq++;
		if (ds) ds.version++;
		this.stats.writes++;
		if (trashChanged && trashFlag) this.stats.pageTrashes++;
		else this.stats.pageUpdates++;
		return this.afterWrite(this.ok(this.renderPage(page, version, this.pageFilterProps(page, req))), req);
	}
}
