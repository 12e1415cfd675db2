import { AuthenticationError, ConfigError, isMspOpsError, MspOpsError, RateLimitError, ValidationError } from '../errors';
import {
	credentialKey,
	ServiceHttpClient,
	type MetricsRecorder,
	type ParsedServiceError,
	type RateLimitSpec,
	type RetryPolicy,
} from '../http';
import { parseWith } from '../validation';
import { HUBSPOT_BURST_LIMITS, hubspotResponseHook, learnedBurstLimit, specForBurstLimit, type BurstLimit, type HubSpotTier } from './pacing';
import {
	batchResponseSchema,
	crmObjectSchema,
	errorBodySchema,
	objectPageSchema,
	propertyDefinitionSchema,
	propertyGroupListSchema,
	propertyGroupSchema,
	propertyListSchema,
	searchPageSchema,
	type HubSpotBatchError,
	type HubSpotBatchResult,
	type HubSpotObject,
	type HubSpotPropertyDefinition,
	type HubSpotPropertyGroup,
} from './schemas';
import type { z } from 'zod';

/**
 * HubSpot CRM v3 client (companies and contacts) on ServiceHttpClient. The contract it follows, with sources, is
 * docs/hubspot.md. Every write goes through the batch endpoints in chunks of at most 100 inputs, sequentially, and
 * answers one outcome per input, at the input's index: a 207 partial failure fails only the inputs its errors name.
 * Creates are never retried after an ambiguous failure (a create sent twice makes two records): the inputs of such a
 * chunk fail with a message saying to look the records up by their unique property first. Reads, updates (the same
 * values on the same ids), upserts (keyed on a unique property) and archives end in the same state however often
 * they arrive, so a 5xx, a timeout or a reset sends them again like any idempotent call.
 */

export type HubSpotObjectType = 'companies' | 'contacts';
export const HUBSPOT_OBJECT_TYPES: readonly HubSpotObjectType[] = ['companies', 'contacts'];

export const HUBSPOT_DEFAULTS = Object.freeze({
	baseUrl: 'https://api.hubapi.com',
	tier: 'freeStarter' as HubSpotTier,
	burstIntervalMs: 10_000,
	/** Inputs per batch call (HubSpot's maximum). */
	batchSize: 100,
	/** Records per list page (HubSpot's maximum). */
	listPageSize: 100,
	/** Records per search page (HubSpot's maximum). */
	searchPageSize: 200,
	/** Results one search query can page through. */
	searchResultCap: 10_000,
	/** Search: documented as 4 and as 5 per second per token; paced below both so jitter never lands five in one second. */
	searchRateLimit: { requestsPerSecond: 3.5, burst: 1 } satisfies RateLimitSpec,
});

export interface HubSpotClientOptions {
	/** Private app access token (or service key): sent as `Authorization: Bearer`. */
	token: string;
	baseUrl?: string;
	/** The account's API tier: its burst limit paces the default bucket until HubSpot's headers say otherwise. */
	tier?: HubSpotTier;
	/** Overrides the tier's burst limit. */
	burstLimit?: BurstLimit;
	/** Follow X-HubSpot-RateLimit-* headers (default true). */
	adaptToHeaders?: boolean;
	searchRateLimit?: RateLimitSpec;
	/** Inputs per batch call, 1-100. */
	batchSize?: number;
	searchResultCap?: number;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
	metrics?: MetricsRecorder;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	now?: () => number;
}

/** One input's outcome of a batch call, at the input's index in the caller's list. */
export interface HubSpotBatchOutcome {
	index: number;
	status: 'created' | 'updated' | 'found' | 'notFound' | 'archived' | 'failed';
	/** The record HubSpot answered with (created, updated, found). */
	object?: HubSpotObject;
	error?: MspOpsError;
}

export interface ListObjectsOptions {
	properties?: string[];
	/** Stop after this many records (undefined = all); pages are not fetched past it. */
	limit?: number;
	archived?: boolean;
	itemIndex?: number;
}

export interface SearchFilter {
	propertyName: string;
	operator: string;
	value?: string | number | boolean;
	highValue?: string | number;
	values?: Array<string | number>;
}

export interface SearchRequest {
	filterGroups?: Array<{ filters: SearchFilter[] }>;
	sorts?: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
	properties?: string[];
	query?: string;
	/** Stop after this many records (undefined = all, which must fit under the 10,000 cap). */
	limit?: number;
	itemIndex?: number;
}

export interface SearchResult {
	/** What HubSpot counted for the query. */
	total: number;
	results: HubSpotObject[];
}

export interface PropertySpec {
	name: string;
	label: string;
	type: string;
	fieldType: string;
	description?: string;
	hasUniqueValue?: boolean;
	options?: Array<{ label: string; value: string; displayOrder?: number }>;
}

export interface EnsurePropertiesResult {
	group?: { name: string; created: boolean };
	created: string[];
	existing: string[];
	/** Existing properties whose type or field type differs from the spec (left as they are: changing them may lose data). */
	mismatched: Array<{ name: string; expected: string; actual: string }>;
}

const UNEXPECTED_HINT = 'HubSpot answered in a shape this client does not know: check that the base URL is https://api.hubapi.com; if it is, report this message.';
const SINGULAR: Record<HubSpotObjectType, string> = { companies: 'company', contacts: 'contact' };

/** HubSpot's error body `{status, message, correlationId, category, errors[], context}`; 429s add `policyName`. */
export function parseHubSpotError(status: number, body: unknown): ParsedServiceError {
	const parsed = errorBodySchema.safeParse(body);
	if (parsed.success && parsed.data.message) {
		const b = parsed.data;
		const details = (b.errors ?? []).map((e) => e.message).filter((m): m is string => !!m && m !== b.message);
		const message = details.length ? `${b.message} (${details.slice(0, 3).join('; ')})` : b.message!;
		const code = b.policyName ?? b.category ?? b.errorType;
		const hint =
			status === 401
				? 'Check the HubSpot credential: it needs a private app access token (pat-...) with the CRM scopes for companies and contacts.'
				: status === 403
					? 'The HubSpot private app lacks a scope for this call: add crm.objects.companies/contacts read and write, and crm.schemas read and write for properties.'
					: undefined;
		return { message, code, requestId: b.correlationId, ...(hint ? { hint } : {}) };
	}
	if (typeof body === 'string' && body.trim()) return { message: body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) };
	return { message: `HTTP ${status}` };
}

function checkObjectType(type: string): HubSpotObjectType {
	if ((HUBSPOT_OBJECT_TYPES as readonly string[]).includes(type)) return type as HubSpotObjectType;
	throw new ConfigError(`HubSpot object type "${type}" is not supported: use companies or contacts`, { service: 'hubspot', field: 'objectType' });
}

function chunks<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/** Errors that end the whole call, not just one chunk: the credential, or a rate limit still hit after the retries (daily). */
function isFatal(error: unknown): boolean {
	return error instanceof AuthenticationError || error instanceof RateLimitError || error instanceof ConfigError;
}

interface ChunkInput {
	/** Index in the caller's list. */
	index: number;
	/** How results and errors name this input: record id or unique value (lower-cased when a unique property). */
	key?: string;
	traceId: string;
	body: Record<string, unknown>;
}

export class HubSpotClient {
	readonly http: ServiceHttpClient;
	private readonly batchSize: number;
	private readonly searchResultCap: number;
	private readonly now: () => number;
	private traceCounter = 0;
	private readonly traceRun: string;

	constructor(options: HubSpotClientOptions) {
		const token = (options.token ?? '').trim();
		if (!token) throw new ConfigError('The HubSpot credential has no access token', { service: 'hubspot', field: 'token' });
		const baseUrl = (options.baseUrl || HUBSPOT_DEFAULTS.baseUrl).trim().replace(/\/+$/, '');
		if (!/^https?:\/\//i.test(baseUrl)) throw new ConfigError(`HubSpot base URL "${baseUrl}" must start with https://`, { service: 'hubspot', field: 'baseUrl' });
		const batchSize = Math.floor(options.batchSize ?? HUBSPOT_DEFAULTS.batchSize);
		if (!(batchSize >= 1 && batchSize <= 100)) throw new ConfigError(`HubSpot batch size ${String(options.batchSize)} must be between 1 and 100`, { service: 'hubspot', field: 'batchSize' });
		this.batchSize = batchSize;
		this.searchResultCap = options.searchResultCap ?? HUBSPOT_DEFAULTS.searchResultCap;
		this.now = options.now ?? Date.now;
		const key = credentialKey(`${baseUrl}|${token}`);
		const tier = options.tier ?? HUBSPOT_DEFAULTS.tier;
		if (!(tier in HUBSPOT_BURST_LIMITS)) throw new ConfigError(`HubSpot tier "${String(tier)}" is not known: use ${Object.keys(HUBSPOT_BURST_LIMITS).join(', ')}`, { service: 'hubspot', field: 'tier' });
		const adaptToHeaders = options.adaptToHeaders ?? true;
		const burst = options.burstLimit ?? (adaptToHeaders ? learnedBurstLimit(key) : undefined) ?? { max: HUBSPOT_BURST_LIMITS[tier], intervalMs: HUBSPOT_DEFAULTS.burstIntervalMs };
		this.traceRun = key.slice(0, 6) + this.now().toString(36);
		let http: ServiceHttpClient | undefined;
		this.http = http = new ServiceHttpClient({
			service: 'hubspot',
			baseUrl,
			credentialKey: key,
			rateLimits: { default: specForBurstLimit(burst), search: options.searchRateLimit ?? HUBSPOT_DEFAULTS.searchRateLimit },
			retry: options.retry,
			timeoutMs: options.timeoutMs,
			headers: () => ({ authorization: `Bearer ${token}` }),
			secrets: [token],
			parseError: (status, body) => parseHubSpotError(status, body),
			onResponse: hubspotResponseHook({ credentialKey: key, adaptToHeaders, searchBucket: () => http?.rateLimiter('search'), now: this.now }),
			metrics: options.metrics,
			sleep: options.sleep,
			random: options.random,
		});
	}

	private parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, data: unknown, what: string, operation: string, itemIndex?: number): T {
		return parseWith(schema, data, { what: `HubSpot ${what}`, service: 'hubspot', operation, itemIndex, hint: UNEXPECTED_HINT });
	}

	// ------------------------------------------------------------------ reads

	/** GET /crm/v3/objects/{type}: every record (or `limit`), following `paging.next.after`. */
	async list(objectType: HubSpotObjectType, options: ListObjectsOptions = {}): Promise<HubSpotObject[]> {
		const type = checkObjectType(objectType);
		const limit = options.limit;
		if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new ConfigError(`Limit ${String(limit)} must be a whole number of 1 or more`, { service: 'hubspot', field: 'limit', itemIndex: options.itemIndex });
		const out: HubSpotObject[] = [];
		let after: string | undefined;
		const seen = new Set<string>();
		for (;;) {
			const pageSize = Math.min(HUBSPOT_DEFAULTS.listPageSize, limit === undefined ? HUBSPOT_DEFAULTS.listPageSize : limit - out.length);
			const res = await this.http.request({
				operation: `list ${type}`,
				path: `/crm/v3/objects/${type}`,
				query: { limit: pageSize, after, properties: options.properties?.join(','), archived: options.archived ? 'true' : undefined },
				itemIndex: options.itemIndex,
			});
			const page = this.parse(objectPageSchema, res.data, `GET /crm/v3/objects/${type} response`, `list ${type}`, options.itemIndex);
			out.push(...page.results);
			after = page.paging?.next?.after;
			if (!after || (limit !== undefined && out.length >= limit)) break;
			if (seen.has(after)) {
				throw new ValidationError(`HubSpot GET /crm/v3/objects/${type} returned the paging cursor "${after}" twice: the list would never end. Run again; if it persists, report it.`, {
					service: 'hubspot',
					operation: `list ${type}`,
					field: 'paging.next.after',
					itemIndex: options.itemIndex,
				});
			}
			seen.add(after);
		}
		return limit === undefined ? out : out.slice(0, limit);
	}

	/** GET /crm/v3/objects/{type}/{id}: by record id, or by a unique property's value with `idProperty`. 404 throws. */
	async get(objectType: HubSpotObjectType, id: string, options: { idProperty?: string; properties?: string[]; itemIndex?: number } = {}): Promise<HubSpotObject> {
		const type = checkObjectType(objectType);
		if (!String(id ?? '').trim()) throw new ConfigError(`The ${SINGULAR[type]} ID is empty`, { service: 'hubspot', field: 'id', itemIndex: options.itemIndex });
		const res = await this.http.request({
			operation: `get ${SINGULAR[type]}`,
			path: `/crm/v3/objects/${type}/${encodeURIComponent(id)}`,
			query: { idProperty: options.idProperty, properties: options.properties?.join(',') },
			itemIndex: options.itemIndex,
		});
		return this.parse(crmObjectSchema, res.data, `GET /crm/v3/objects/${type}/{id} response`, `get ${SINGULAR[type]}`, options.itemIndex);
	}

	/** POST .../batch/read in chunks: one outcome per id (`found` or `notFound`), by record id or a unique property. */
	async batchRead(objectType: HubSpotObjectType, ids: string[], options: { idProperty?: string; properties?: string[] } = {}): Promise<HubSpotBatchOutcome[]> {
		const type = checkObjectType(objectType);
		const idProperty = options.idProperty && options.idProperty !== 'hs_object_id' ? options.idProperty : undefined;
		const properties = [...new Set([...(options.properties ?? []), ...(idProperty ? [idProperty] : [])])];
		const inputs = ids.map((id, index) => ({ index, key: this.keyOf(String(id), idProperty), traceId: '', body: { id: String(id) } }));
		return this.runBatches(type, 'read', inputs, (chunk) => ({ inputs: chunk.map((c) => c.body), properties, ...(idProperty ? { idProperty } : {}) }), (result) => this.resultKey(result, idProperty));
	}

	// ------------------------------------------------------------------ writes

	/**
	 * POST .../batch/create in chunks. Each input carries an `objectWriteTraceId`, which switches HubSpot to
	 * multi-status: good inputs are created, bad ones come back as errors naming their trace id (207).
	 */
	async batchCreate(objectType: HubSpotObjectType, inputs: Array<{ properties: Record<string, unknown> }>): Promise<HubSpotBatchOutcome[]> {
		const type = checkObjectType(objectType);
		const prepared = inputs.map((input, index) => ({ index, traceId: this.traceId(), body: { properties: this.propertiesOf(input.properties, type, 'create', index) } }));
		return this.runBatches(type, 'create', prepared, (chunk) => ({ inputs: chunk.map((c) => ({ ...c.body, objectWriteTraceId: c.traceId })) }), () => undefined);
	}

	/** POST .../batch/update in chunks, by record id or by a unique property (`idProperty`). */
	async batchUpdate(
		objectType: HubSpotObjectType,
		inputs: Array<{ id: string; properties: Record<string, unknown> }>,
		options: { idProperty?: string } = {},
	): Promise<HubSpotBatchOutcome[]> {
		const type = checkObjectType(objectType);
		const idProperty = options.idProperty && options.idProperty !== 'hs_object_id' ? options.idProperty : undefined;
		const prepared = inputs.map((input, index) => ({
			index,
			key: this.keyOf(String(input.id ?? ''), idProperty),
			traceId: this.traceId(),
			body: { id: String(input.id ?? ''), properties: this.propertiesOf(input.properties, type, 'update', index), ...(idProperty ? { idProperty } : {}) },
		}));
		return this.runBatches(type, 'update', prepared, (chunk) => ({ inputs: chunk.map((c) => ({ ...c.body, objectWriteTraceId: c.traceId })) }), (result) => this.resultKey(result, idProperty));
	}

	/**
	 * POST .../batch/upsert in chunks: creates the records whose unique value does not exist yet, updates the others.
	 * `idProperty` must be a property with unique values (domain, email, or a custom one created with
	 * `hasUniqueValue`). Outcomes are `created` or `updated` from HubSpot's `new` flag.
	 */
	async batchUpsert(objectType: HubSpotObjectType, inputs: Array<{ id: string; properties: Record<string, unknown> }>, options: { idProperty: string }): Promise<HubSpotBatchOutcome[]> {
		const type = checkObjectType(objectType);
		const idProperty = (options?.idProperty ?? '').trim();
		if (!idProperty || idProperty === 'hs_object_id') {
			throw new ConfigError(`HubSpot upsert of ${type} needs a property with unique values to match records by (for example ${type === 'companies' ? 'domain' : 'email'})`, { service: 'hubspot', field: 'idProperty' });
		}
		const prepared = inputs.map((input, index) => ({
			index,
			key: this.keyOf(String(input.id ?? ''), idProperty),
			traceId: this.traceId(),
			body: { id: String(input.id ?? ''), idProperty, properties: this.propertiesOf(input.properties, type, 'upsert', index) },
		}));
		return this.runBatches(type, 'upsert', prepared, (chunk) => ({ inputs: chunk.map((c) => ({ ...c.body, objectWriteTraceId: c.traceId })) }), (result) => this.resultKey(result, idProperty));
	}

	/** POST .../batch/archive in chunks (by record id). HubSpot answers 204 and archives ids it knows. */
	async batchArchive(objectType: HubSpotObjectType, ids: string[]): Promise<HubSpotBatchOutcome[]> {
		const type = checkObjectType(objectType);
		const prepared = ids.map((id, index) => ({ index, key: String(id), traceId: '', body: { id: String(id) } }));
		return this.runBatches(type, 'archive', prepared, (chunk) => ({ inputs: chunk.map((c) => c.body) }), () => undefined);
	}

	// ------------------------------------------------------------------ search

	/**
	 * POST .../search, paged (200 per page) on the search bucket. HubSpot returns at most 10,000 results per query and
	 * answers 400 past them; a query whose `total` is above the cap while the caller wants more than the cap fails
	 * before anything is returned, instead of handing back a silently cut list.
	 */
	async search(objectType: HubSpotObjectType, request: SearchRequest = {}): Promise<SearchResult> {
		const type = checkObjectType(objectType);
		const operation = `search ${type}`;
		const limit = request.limit;
		if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new ConfigError(`Limit ${String(limit)} must be a whole number of 1 or more`, { service: 'hubspot', field: 'limit', itemIndex: request.itemIndex });
		const cap = this.searchResultCap;
		const out: HubSpotObject[] = [];
		let after: string | undefined;
		let total = 0;
		for (;;) {
			const pageSize = Math.min(HUBSPOT_DEFAULTS.searchPageSize, limit === undefined ? HUBSPOT_DEFAULTS.searchPageSize : limit - out.length, cap - out.length);
			const res = await this.http.request({
				operation,
				method: 'POST',
				path: `/crm/v3/objects/${type}/search`,
				json: {
					filterGroups: request.filterGroups ?? [],
					...(request.sorts ? { sorts: request.sorts } : {}),
					...(request.properties ? { properties: request.properties } : {}),
					...(request.query ? { query: request.query } : {}),
					limit: pageSize,
					...(after ? { after } : {}),
				},
				idempotent: true,
				bucket: 'search',
				itemIndex: request.itemIndex,
			});
			const page = this.parse(searchPageSchema, res.data, `POST /crm/v3/objects/${type}/search response`, operation, request.itemIndex);
			if (out.length === 0) {
				total = page.total;
				const wanted = limit ?? total;
				if (total > cap && wanted > cap) throw this.capError(type, total, cap, request.itemIndex);
			}
			out.push(...page.results);
			after = page.paging?.next?.after;
			if (!after || (limit !== undefined && out.length >= limit)) break;
			if (out.length >= cap) throw this.capError(type, Math.max(total, out.length + 1), cap, request.itemIndex);
		}
		return { total, results: limit === undefined ? out : out.slice(0, limit) };
	}

	private capError(type: HubSpotObjectType, total: number, cap: number, itemIndex?: number): ValidationError {
		return new ValidationError(
			`HubSpot search of ${type} matches ${total} records, more than the ${cap} one search query can return: nothing was returned rather than a cut-off list. Narrow the filters (for example by createdate ranges, one search per range), set a Limit of at most ${cap}, or list all ${type} instead, which has no cap.`,
			{ service: 'hubspot', operation: `search ${type}`, field: 'limit', expected: `at most ${cap} results`, received: `${total} results`, itemIndex, retryable: false },
		);
	}

	// ------------------------------------------------------------------ properties

	/** GET /crm/v3/properties/{type}: every property definition. */
	async listProperties(objectType: HubSpotObjectType): Promise<HubSpotPropertyDefinition[]> {
		const type = checkObjectType(objectType);
		const res = await this.http.request({ operation: `list ${SINGULAR[type]} properties`, path: `/crm/v3/properties/${type}` });
		return this.parse(propertyListSchema, res.data, `GET /crm/v3/properties/${type} response`, `list ${SINGULAR[type]} properties`).results;
	}

	/** GET /crm/v3/properties/{type}/groups. */
	async listPropertyGroups(objectType: HubSpotObjectType): Promise<HubSpotPropertyGroup[]> {
		const type = checkObjectType(objectType);
		const res = await this.http.request({ operation: `list ${SINGULAR[type]} property groups`, path: `/crm/v3/properties/${type}/groups` });
		return this.parse(propertyGroupListSchema, res.data, `GET /crm/v3/properties/${type}/groups response`, `list ${SINGULAR[type]} property groups`).results;
	}

	/**
	 * Create what is missing: the property group (if given) and each property not defined yet. Existing properties are
	 * never changed; one whose type differs is reported in `mismatched`. A second run creates nothing.
	 */
	async ensureProperties(objectType: HubSpotObjectType, specs: PropertySpec[], options: { group?: { name: string; label: string } } = {}): Promise<EnsurePropertiesResult> {
		const type = checkObjectType(objectType);
		const result: EnsurePropertiesResult = { created: [], existing: [], mismatched: [] };
		const group = options.group;
		if (group) {
			const groups = await this.listPropertyGroups(type);
			let created = false;
			if (!groups.some((g) => g.name === group.name)) {
				created = await this.createIgnoringConflict(`create ${SINGULAR[type]} property group`, `/crm/v3/properties/${type}/groups`, { name: group.name, label: group.label }, propertyGroupSchema);
			}
			result.group = { name: group.name, created };
		}
		const existing = new Map((await this.listProperties(type)).map((p) => [p.name, p]));
		for (const spec of specs) {
			const have = existing.get(spec.name);
			if (have) {
				result.existing.push(spec.name);
				if (have.type !== spec.type || have.fieldType !== spec.fieldType) {
					result.mismatched.push({ name: spec.name, expected: `${spec.type}/${spec.fieldType}`, actual: `${have.type}/${have.fieldType}` });
				}
				continue;
			}
			const body = { ...spec, groupName: group?.name ?? (type === 'companies' ? 'companyinformation' : 'contactinformation') };
			const created = await this.createIgnoringConflict(`create ${SINGULAR[type]} property ${spec.name}`, `/crm/v3/properties/${type}`, body, propertyDefinitionSchema);
			(created ? result.created : result.existing).push(spec.name);
		}
		return result;
	}

	/**
	 * POST a definition; 409 (someone created it meanwhile) counts as existing. Returns whether this call created it.
	 * Sent again after a 5xx, a timeout or a reset like an idempotent call: a definition is unique by name, so a
	 * second POST of one the first already made answers 409 and ends in the same state (reported as existing).
	 */
	private async createIgnoringConflict(operation: string, path: string, body: unknown, schema: z.ZodTypeAny): Promise<boolean> {
		try {
			const res = await this.http.request({ operation, method: 'POST', path, json: body, idempotent: true });
			this.parse(schema, res.data, `POST ${path} response`, operation);
			return true;
		} catch (error) {
			if (isMspOpsError(error) && error.httpStatus === 409) return false;
			throw error;
		}
	}

	// ------------------------------------------------------------------ batch plumbing

	private traceId(): string {
		this.traceCounter += 1;
		return `${this.traceRun}-${this.traceCounter}`;
	}

	/** Unique property values match in any case; record ids as they are. */
	private keyOf(id: string, idProperty: string | undefined): string {
		return idProperty ? id.trim().toLowerCase() : id.trim();
	}

	private resultKey(result: HubSpotBatchResult, idProperty: string | undefined): string | undefined {
		if (!idProperty) return result.id;
		const value = result.properties[idProperty];
		return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	}

	/** Property values as HubSpot takes them: strings; null and "" clear a value; objects are refused here. */
	private propertiesOf(properties: Record<string, unknown> | undefined, type: HubSpotObjectType, verb: string, index: number): Record<string, string> {
		if (!properties || typeof properties !== 'object' || Array.isArray(properties)) {
			throw new ValidationError(`HubSpot ${verb} ${SINGULAR[type]} input ${index}: properties must be an object of property name to value`, { service: 'hubspot', operation: `${verb} ${type}`, itemIndex: index, field: 'properties' });
		}
		const out: Record<string, string> = {};
		for (const [name, value] of Object.entries(properties)) {
			if (value === null || value === undefined) out[name] = '';
			else if (typeof value === 'string') out[name] = value;
			else if (typeof value === 'number' && Number.isFinite(value)) out[name] = String(value);
			else if (typeof value === 'boolean') out[name] = value ? 'true' : 'false';
			else {
				throw new ValidationError(`HubSpot ${verb} ${SINGULAR[type]} input ${index}: property "${name}" must be a string, number or boolean`, {
					service: 'hubspot',
					operation: `${verb} ${type}`,
					itemIndex: index,
					field: `properties.${name}`,
					expected: 'a string, a finite number or a boolean',
					received: Array.isArray(value) ? 'an array' : typeof value,
				});
			}
		}
		return out;
	}

	/**
	 * Send `inputs` in chunks and return one outcome per input, in input order. Inputs naming one record twice are
	 * refused here (HubSpot would refuse their whole batch). A chunk that fails as a whole fails its inputs and the
	 * next chunk still runs. A failure of the credential or a rate limit (the daily one, or ten-secondly 429s past the
	 * retries) ends the call: thrown when nothing was written yet, else the remaining inputs fail unsent.
	 */
	private async runBatches(
		type: HubSpotObjectType,
		verb: 'read' | 'create' | 'update' | 'upsert' | 'archive',
		inputs: ChunkInput[],
		bodyOf: (chunk: ChunkInput[]) => unknown,
		keyOfResult: (result: HubSpotBatchResult) => string | undefined,
	): Promise<HubSpotBatchOutcome[]> {
		const operation = `batch ${verb} ${type}`;
		const outcomes: HubSpotBatchOutcome[] = new Array<HubSpotBatchOutcome>(inputs.length);
		const toSend: ChunkInput[] = [];
		const seen = new Map<string, number>();
		/** Reads and archives of one record twice: sent once, the outcome copied (index of the copy -> of the first). */
		const copies = new Map<number, number>();
		for (const input of inputs) {
			if (input.key !== undefined && verb !== 'create') {
				if (!input.key) {
					outcomes[input.index] = { index: input.index, status: 'failed', error: this.inputError(type, verb, input, 'has an empty id', 'VALIDATION_ERROR') };
					continue;
				}
				const first = seen.get(input.key);
				if (first !== undefined && verb !== 'read' && verb !== 'archive') {
					outcomes[input.index] = { index: input.index, status: 'failed', error: this.inputError(type, verb, input, `names the same record as input ${first} (HubSpot refuses a batch that names one record twice): merge the two inputs`, 'DUPLICATE_INPUT') };
					continue;
				}
				if (first !== undefined) {
					copies.set(input.index, first);
					continue;
				}
				seen.set(input.key, input.index);
			}
			toSend.push(input);
		}
		const all = chunks(toSend, this.batchSize);
		for (const [n, chunk] of all.entries()) {
			let status = 0;
			let data: unknown;
			try {
				const res = await this.http.request({
					operation,
					method: 'POST',
					path: `/crm/v3/objects/${type}/batch/${verb}`,
					json: bodyOf(chunk),
					// Everything but a create ends in the same state when sent twice (see the class comment).
					idempotent: verb !== 'create',
				});
				status = res.status;
				data = res.data;
			} catch (error) {
				if (isFatal(error)) {
					// Nothing written yet: the call fails as a whole. Otherwise the caller must learn what the earlier chunks
					// wrote, so the rest fail one by one, not sent.
					if (n === 0) throw error;
					const fatal = error as MspOpsError;
					for (const input of all.slice(n).flat()) {
						outcomes[input.index] = { index: input.index, status: 'failed', error: this.inputError(type, verb, input, `was not sent: ${fatal.message}`, fatal.code, fatal) };
					}
					break;
				}
				const mspError = isMspOpsError(error) ? error : new MspOpsError(String((error as Error)?.message ?? error), { service: 'hubspot', operation });
				const ambiguous = mspError.httpStatus === undefined || mspError.httpStatus >= 500;
				for (const input of chunk) {
					const what = ambiguous && verb === 'create'
						? `may or may not have been written (${mspError.message}). It was not sent again: look the record up by its unique property before writing it again`
						: `failed with the whole batch: ${mspError.message}`;
					outcomes[input.index] = { index: input.index, status: 'failed', error: this.inputError(type, verb, input, what, mspError.code, mspError) };
				}
				continue;
			}
			if (verb === 'archive') {
				for (const input of chunk) outcomes[input.index] = { index: input.index, status: 'archived' };
				continue;
			}
			const parsed = this.parse(batchResponseSchema, data, `POST /crm/v3/objects/${type}/batch/${verb} response (${status})`, operation);
			this.mapChunk(type, verb, chunk, parsed.results, parsed.errors ?? [], keyOfResult, outcomes);
		}
		for (const [index, first] of copies) outcomes[index] = { ...outcomes[first], index };
		return outcomes;
	}

	private mapChunk(
		type: HubSpotObjectType,
		verb: 'read' | 'create' | 'update' | 'upsert',
		chunk: ChunkInput[],
		results: HubSpotBatchResult[],
		errors: HubSpotBatchError[],
		keyOfResult: (result: HubSpotBatchResult) => string | undefined,
		outcomes: HubSpotBatchOutcome[],
	): void {
		const byTrace = new Map(chunk.filter((c) => c.traceId).map((c) => [c.traceId, c]));
		const byKey = new Map<string, ChunkInput>();
		for (const c of chunk) if (c.key && !byKey.has(c.key)) byKey.set(c.key, c);
		const done = new Set<ChunkInput>();
		const unmatched: HubSpotBatchResult[] = [];
		for (const result of results) {
			const traced = result.objectWriteTraceId ? byTrace.get(result.objectWriteTraceId) : undefined;
			const key = traced ? undefined : keyOfResult(result);
			const input = traced ?? (key !== undefined ? byKey.get(key) : undefined);
			if (!input || done.has(input)) {
				unmatched.push(result);
				continue;
			}
			done.add(input);
			outcomes[input.index] = { index: input.index, status: this.successStatus(verb, result), object: result };
		}
		const unattributed: HubSpotBatchError[] = [];
		for (const error of errors) {
			const names = Object.values(error.context ?? {}).flatMap((v) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []));
			const named = chunk.filter((c) => !done.has(c) && names.some((n) => n === c.traceId || (c.key !== undefined && (n === c.key || n.trim().toLowerCase() === c.key))));
			if (!named.length) {
				unattributed.push(error);
				continue;
			}
			for (const input of named) {
				done.add(input);
				if (verb === 'read' && error.category === 'OBJECT_NOT_FOUND') outcomes[input.index] = { index: input.index, status: 'notFound' };
				else outcomes[input.index] = { index: input.index, status: 'failed', error: this.batchItemError(type, verb, input, error) };
			}
		}
		const left = chunk.filter((c) => !done.has(c));
		// Results that name no input (HubSpot echoed no trace id and no key): in order, when the counts agree and nothing failed.
		if (left.length && unmatched.length === left.length && !unattributed.length && errors.length === 0) {
			left.forEach((input, i) => {
				outcomes[input.index] = { index: input.index, status: this.successStatus(verb, unmatched[i]), object: unmatched[i] };
			});
			return;
		}
		for (const input of left) {
			const error = unattributed[0];
			outcomes[input.index] = error
				? { index: input.index, status: 'failed', error: this.batchItemError(type, verb, input, error) }
				: { index: input.index, status: 'failed', error: this.inputError(type, verb, input, 'got no result and no error in HubSpot\'s answer: check the record in HubSpot before writing it again', 'NO_RESULT') };
		}
	}

	private successStatus(verb: 'read' | 'create' | 'update' | 'upsert', result: HubSpotBatchResult): HubSpotBatchOutcome['status'] {
		if (verb === 'read') return 'found';
		if (verb === 'create') return 'created';
		if (verb === 'update') return 'updated';
		return result.new === true ? 'created' : 'updated';
	}

	private describeInput(input: ChunkInput): string {
		const id = (input.body as { id?: unknown }).id;
		return typeof id === 'string' ? `input ${input.index} (id "${id}")` : `input ${input.index}`;
	}

	private batchItemError(type: HubSpotObjectType, verb: string, input: ChunkInput, error: HubSpotBatchError): MspOpsError {
		const detail = (error.errors ?? []).map((e) => e.message).filter(Boolean).slice(0, 3).join('; ');
		const propertyName = (error.errors ?? []).map((e) => (e as { context?: { propertyName?: unknown } }).context?.propertyName).find((p) => Array.isArray(p)) as string[] | undefined;
		const message = `${error.message ?? 'failed'}${detail && detail !== error.message ? ` (${detail})` : ''}`;
		return this.inputError(type, verb, input, `failed: ${message}`, error.category, undefined, propertyName?.[0] ? `properties.${propertyName[0]}` : undefined);
	}

	private inputError(type: HubSpotObjectType, verb: string, input: ChunkInput, what: string, code?: string, cause?: MspOpsError, field?: string): MspOpsError {
		const message = this.http.redact(`HubSpot batch ${verb} of ${type}: ${this.describeInput(input)} ${what}`);
		const details = {
			service: 'hubspot' as const,
			operation: `batch ${verb} ${type}`,
			itemIndex: input.index,
			code,
			field,
			httpStatus: cause?.httpStatus,
			requestId: cause?.requestId,
			retryable: cause?.retryable ?? false,
		};
		return code === 'VALIDATION_ERROR' || code === 'DUPLICATE_INPUT' ? new ValidationError(message, details) : new MspOpsError(message, details);
	}
}
