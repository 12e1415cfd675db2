import { Emulator, bearerToken, createRng, HttpError, randomId, type EmulatorOptions, type RateLimitConfig, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { SANDBOX_CREDENTIALS } from './credentials';

/**
 * HubSpot CRM v3 emulator (and the legacy Companies v2 routes n8n's built-in HubSpot node calls, over the same
 * companies and rate limits): companies and contacts (list, get, update, create, archive, batch read/create/update/
 * upsert/archive, search), property definitions and property groups. Seeded from the world: one company per site
 * (unique domain) and a couple of contacts per company. The contract it follows, with sources, is docs/hubspot.md;
 * what public sources leave open is an option here.
 *
 * Strict where HubSpot is documented: 100 inputs per batch; list `limit` <= 100; search `limit` <= 200, at most
 * 10,000 results per query (paging past them is a 400), 5 filter groups, 10 filters per group and 25 in all, and its
 * own per-second limit without X-HubSpot-RateLimit-* headers; the ten-secondly and daily limits with their 429
 * bodies; batch create answers 207 with per-input errors only when every input carries `objectWriteTraceId`, else
 * one bad input fails the whole batch; property values are strings, "" clears a value.
 *
 * Batch inputs naming one record twice: update and upsert reject the whole batch (400 "Duplicate IDs found in batch
 * input", see rejectDuplicateIds), as HubSpot does. For batch read and archive nothing public shows HubSpot
 * rejecting repeated ids, so they stay accepted here [UNVERIFIED]; batch create has no ids, and two inputs with one
 * unique property value are refused (400 DUPLICATE_INPUT) [UNVERIFIED].
 */

/** The part of the generated world this emulator reads (structural, so it does not depend on world internals). */
export interface HubSpotWorldInput {
	sites: Array<{
		customerName: string;
		domain: string;
		state?: string;
		hubspot?: { companyName?: string; domain?: string; city?: string; state?: string; phone?: string };
	}>;
}

export interface HubSpotEmulatorOptions extends EmulatorOptions {
	/** Accepted private app token (default SANDBOX_CREDENTIALS.hubspotToken). */
	token?: string;
	/** 'free' (100 / 10 s, default) or 'pro' (190 / 10 s) for the default ten-secondly window. */
	tier?: 'free' | 'pro';
	/** Daily request allowance per token (default 250,000). */
	dailyLimit?: number;
	/** Max inputs per batch request (default 100) [UNVERIFIED]. */
	maxBatchInputs?: number;
	/** Max `limit` for search (default 200) and list (default 100). */
	maxSearchLimit?: number;
	maxListLimit?: number;
	/** Results one search query can page through (default 10,000); `after + limit` past it is a 400. */
	searchResultCap?: number;
	/** Search requests per second per token (default 4: the lower of the documented figures, 4 and 5). */
	searchRequestsPerSecond?: number;
	/** Whether 429 answers carry Retry-After (default true; not settled by public sources). */
	retryAfterOn429?: boolean;
	/** Order of batch results: as the inputs (default) or reversed (HubSpot does not document an order). */
	batchResultOrder?: 'input' | 'reversed';
	/** Unique-value properties allowed per object type (default 10). */
	maxUniqueProperties?: number;
	/** Refuse a property whose group does not exist (default true). */
	requireExistingGroup?: boolean;
	/** Contacts seeded per company (default 2). */
	contactsPerCompany?: number;
	/** Seed for ids/correlation ids (default 7). */
	seed?: number;
}

type ObjectType = 'companies' | 'contacts';

export interface CrmObject {
	id: string;
	properties: Record<string, string | null>;
	createdAt: string;
	updatedAt: string;
	archived: boolean;
	archivedAt?: string;
}

export interface PropertyDefinition {
	name: string;
	label: string;
	type: string;
	fieldType: string;
	groupName: string;
	description: string;
	hasUniqueValue: boolean;
	hidden: boolean;
	formField: boolean;
	calculated: boolean;
	externalOptions: boolean;
	displayOrder: number;
	options: unknown[];
	createdAt: string;
	updatedAt: string;
	modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
}

const SEED_TIME = Date.parse('2024-01-15T09:00:00.000Z');
/** The account id v2 responses carry (any number; HubSpot's is the portal of the token). */
const HUBSPOT_PORTAL_ID = 62515;
/** The v2 paged list's maximum `limit` (legacy reference, "Get all companies": default 100, maximum 250). */
const V2_MAX_LIMIT = 250;
const TYPES: ObjectType[] = ['companies', 'contacts'];
const SINGULAR: Record<ObjectType, string> = { companies: 'COMPANY', contacts: 'CONTACT' };
const DEFAULT_PROPS: Record<ObjectType, string[]> = {
	companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
	contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
};
const READ_ONLY = new Set(['hs_object_id', 'createdate', 'hs_lastmodifieddate', 'lastmodifieddate']);
const FIRST = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Drew', 'Avery'];
const LAST = ['Nguyen', 'Smith', 'Garcia', 'Patel', 'Johnson', 'Kim', 'Brown', 'Lopez', 'Miller', 'Davis'];
const ROLES = ['Office Manager', 'Owner', 'IT Contact', 'Operations Lead'];

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function property(name: string, label: string, type = 'string', fieldType = 'text', extra: Partial<PropertyDefinition> = {}): PropertyDefinition {
	return {
		name,
		label,
		type,
		fieldType,
		groupName: extra.groupName ?? 'companyinformation',
		description: '',
		hasUniqueValue: false,
		hidden: false,
		formField: true,
		calculated: false,
		externalOptions: false,
		displayOrder: -1,
		options: [],
		createdAt: iso(SEED_TIME),
		updatedAt: iso(SEED_TIME),
		modificationMetadata: { archivable: true, readOnlyDefinition: true, readOnlyValue: false },
		...extra,
	};
}

function builtinProperties(type: ObjectType): PropertyDefinition[] {
	const group = type === 'companies' ? 'companyinformation' : 'contactinformation';
	const ro = { archivable: false, readOnlyDefinition: true, readOnlyValue: true };
	const common = [
		property('hs_object_id', 'Record ID', 'number', 'number', { groupName: group, modificationMetadata: ro }),
		property('createdate', 'Create Date', 'datetime', 'date', { groupName: group, modificationMetadata: ro }),
		property(type === 'companies' ? 'hs_lastmodifieddate' : 'lastmodifieddate', 'Last Modified Date', 'datetime', 'date', { groupName: group, modificationMetadata: ro }),
		property('phone', 'Phone Number', 'string', 'phonenumber', { groupName: group }),
		property('city', 'City', 'string', 'text', { groupName: group }),
		property('state', 'State/Region', 'string', 'text', { groupName: group }),
	];
	if (type === 'companies') {
		return [
			...common,
			property('name', 'Company name', 'string', 'text', { groupName: group }),
			property('domain', 'Company Domain Name', 'string', 'text', { groupName: group, hasUniqueValue: true }),
			property('website', 'Website URL', 'string', 'text', { groupName: group }),
			property('industry', 'Industry', 'enumeration', 'select', { groupName: group }),
			property('description', 'Description', 'string', 'textarea', { groupName: group }),
			property('numberofemployees', 'Number of Employees', 'number', 'number', { groupName: group }),
			property('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { groupName: group }),
		];
	}
	return [
		...common,
		property('hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date', { groupName: group, modificationMetadata: ro }),
		property('email', 'Email', 'string', 'text', { groupName: group, hasUniqueValue: true }),
		property('firstname', 'First Name', 'string', 'text', { groupName: group }),
		property('lastname', 'Last Name', 'string', 'text', { groupName: group }),
		property('jobtitle', 'Job Title', 'string', 'text', { groupName: group }),
		property('company', 'Company Name', 'string', 'text', { groupName: group }),
		property('associatedcompanyid', 'Primary Associated Company ID', 'number', 'number', { groupName: group }),
		property('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { groupName: group }),
	];
}

export interface PropertyGroup {
	name: string;
	label: string;
	displayOrder: number;
	archived: boolean;
}

function builtinGroups(type: ObjectType): PropertyGroup[] {
	const main = type === 'companies' ? 'companyinformation' : 'contactinformation';
	return [
		{ name: main, label: type === 'companies' ? 'Company information' : 'Contact information', displayOrder: -1, archived: false },
		{ name: 'analyticsinformation', label: 'Web analytics history', displayOrder: -1, archived: false },
	];
}

/** Which field types each property type accepts (HubSpot's property guide). */
const FIELD_TYPES: Record<string, string[]> = {
	string: ['text', 'textarea', 'file', 'html', 'phonenumber'],
	number: ['number', 'calculation_equation'],
	date: ['date'],
	datetime: ['date'],
	enumeration: ['checkbox', 'radio', 'select', 'booleancheckbox', 'calculation_equation'],
	bool: ['booleancheckbox'],
};

interface Filter {
	propertyName?: string;
	operator?: string;
	value?: unknown;
	highValue?: unknown;
	values?: unknown[];
}

export class HubSpotEmulator extends Emulator {
	readonly name = 'hubspot';
	readonly objects: Record<ObjectType, Map<string, CrmObject>> = { companies: new Map(), contacts: new Map() };
	readonly properties: Record<ObjectType, Map<string, PropertyDefinition>> = { companies: new Map(), contacts: new Map() };

	/**
	 * Requests to the routes that write (creates, updates, upserts, archives, property and group definitions), whatever
	 * they answered: what "a re-run writes nothing" is measured by. Searches and batch reads are POSTs that only read.
	 */
	writeRequests(): number {
		let n = 0;
		for (const [route, count] of this.counters) if (/^(POST|PATCH|PUT|DELETE) /.test(route) && !/\/search$|\/batch\/read$/.test(route)) n += count;
		return n;
	}
	readonly groups: Record<ObjectType, Map<string, PropertyGroup>> = { companies: new Map(), contacts: new Map() };
	private nextId = 0;
	private rng: () => number;
	private daily = new Map<string, number>();
	private readonly hopts: HubSpotEmulatorOptions;

	constructor(
		private readonly world: HubSpotWorldInput,
		options: HubSpotEmulatorOptions = {},
	) {
		super(options);
		this.hopts = options;
		this.rng = createRng(options.seed ?? 7);
		this.resetState();
		for (const type of TYPES) {
			const base = `/crm/v3/objects/${type}`;
			this.route('GET', base, (req) => this.list(type, req));
			this.route('POST', base, (req) => this.create(type, req));
			this.route('POST', `${base}/search`, (req) => this.search(type, req), { bucket: 'search' });
			this.route('POST', `${base}/batch/read`, (req) => this.batchRead(type, req));
			this.route('POST', `${base}/batch/create`, (req) => this.batchCreate(type, req));
			this.route('POST', `${base}/batch/update`, (req) => this.batchUpdate(type, req));
			this.route('POST', `${base}/batch/upsert`, (req) => this.batchUpsert(type, req));
			this.route('POST', `${base}/batch/archive`, (req) => this.batchArchive(type, req));
			this.route('GET', `${base}/:id`, (req) => this.getOne(type, req));
			this.route('PATCH', `${base}/:id`, (req) => this.patchOne(type, req));
			this.route('DELETE', `${base}/:id`, (req) => this.archiveOne(type, req));
			this.route('GET', `/crm/v3/properties/${type}`, (req) => this.listProperties(type, req));
			this.route('POST', `/crm/v3/properties/${type}`, (req) => this.createProperty(type, req));
			this.route('GET', `/crm/v3/properties/${type}/groups`, () => ({ status: 200, body: { results: [...this.groups[type].values()] } }));
			this.route('POST', `/crm/v3/properties/${type}/groups`, (req) => this.createGroup(type, req));
			this.route('GET', `/crm/v3/properties/${type}/groups/:name`, (req) => this.getGroup(type, req));
			this.route('GET', `/crm/v3/properties/${type}/:name`, (req) => this.getProperty(type, req));
		}
		// Legacy Companies v2 (what n8n's built-in HubSpot node calls), over the same companies as v3 and in the same
		// rate-limit buckets: HubSpot states its limits per app and account, not per endpoint (docs/builtin-nodes.md).
		this.route('GET', '/companies/v2/companies/paged', (req) => this.v2List(req));
		this.route('POST', '/companies/v2/companies', (req) => this.v2Create(req));
		this.route('GET', '/companies/v2/companies/:id', (req) => this.v2Get(req));
		this.route('PUT', '/companies/v2/companies/:id', (req) => this.v2Update(req));
	}

	// ------------------------------------------------------------------ config

	protected defaultRateLimits(): Record<string, RateLimitConfig | null> {
		const opts = this.options as HubSpotEmulatorOptions;
		return {
			default: { kind: 'window', limit: opts.tier === 'pro' ? 190 : 100, windowMs: 10_000 },
			search: { kind: 'window', limit: opts.searchRequestsPerSecond ?? 4, windowMs: 1_000 },
		};
	}

	private get maxBatch(): number {
		return this.hopts.maxBatchInputs ?? 100;
	}

	private get dailyLimit(): number {
		return this.hopts.dailyLimit ?? 250_000;
	}

	// ------------------------------------------------------------------ seed

	resetState(): void {
		this.nextId = 0;
		this.rng = createRng(this.hopts.seed ?? 7);
		this.daily.clear();
		for (const type of TYPES) {
			this.objects[type].clear();
			this.properties[type] = new Map(builtinProperties(type).map((p) => [p.name, p]));
			this.groups[type] = new Map(builtinGroups(type).map((g) => [g.name, g]));
		}
		const seenDomains = new Set<string>();
		const perCompany = this.hopts.contactsPerCompany ?? 2;
		this.world.sites.forEach((site, i) => {
			const hs = site.hubspot ?? {};
			let domain = (hs.domain ?? site.domain).toLowerCase();
			if (seenDomains.has(domain)) domain = `${domain.replace(/\..*$/, '')}-${i}.${domain.split('.').slice(1).join('.') || 'example'}`;
			seenDomains.add(domain);
			const at = SEED_TIME + i * 60_000;
			const company = this.insert('companies', {
				name: hs.companyName ?? site.customerName,
				domain,
				city: hs.city ?? null,
				state: hs.state ?? site.state ?? null,
				phone: hs.phone ?? null,
				website: `https://www.${domain}`,
				lifecyclestage: 'customer',
			}, at);
			for (let c = 0; c < perCompany; c++) {
				const first = FIRST[(i + c * 3) % FIRST.length];
				const last = LAST[(i * 7 + c) % LAST.length];
				this.insert('contacts', {
					email: `${first}.${last}${c ? c + 1 : ''}@${domain}`.toLowerCase(),
					firstname: first,
					lastname: last,
					jobtitle: ROLES[(i + c) % ROLES.length],
					company: company.properties.name,
					associatedcompanyid: company.id,
					phone: hs.phone ?? null,
					lifecyclestage: 'customer',
				}, at + c + 1);
			}
		});
	}

	private insert(type: ObjectType, props: Record<string, string | null>, at = this.now()): CrmObject {
		const id = String((type === 'companies' ? 9_000_000_000 : 1_000_000_000) + ++this.nextId * 101);
		const created = iso(at);
		const properties: Record<string, string | null> = { ...props, hs_object_id: id, createdate: created, hs_lastmodifieddate: created };
		if (type === 'contacts') properties.lastmodifieddate = created;
		const obj: CrmObject = { id, properties, createdAt: created, updatedAt: created, archived: false };
		this.objects[type].set(id, obj);
		return obj;
	}

	state(): unknown {
		return {
			companies: [...this.objects.companies.values()],
			contacts: [...this.objects.contacts.values()],
			customProperties: Object.fromEntries(TYPES.map((t) => [t, [...this.properties[t].values()].filter((p) => !p.modificationMetadata.readOnlyDefinition)])),
			propertyGroups: Object.fromEntries(TYPES.map((t) => [t, [...this.groups[t].values()]])),
		};
	}

	// ------------------------------------------------------------------ errors

	private correlationId(): string {
		const h = randomId(this.rng, 32);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	}

	private error(status: number, category: string, message: string, extra: Record<string, unknown> = {}): HttpError {
		return new HttpError({ status, body: { status: 'error', message, correlationId: this.correlationId(), category, ...extra } });
	}

	private validation(message: string, errors?: Array<{ message: string; code?: string; context?: Record<string, unknown> }>): HttpError {
		return this.error(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});
	}

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const token = bearerToken(req);
		if (token !== (this.hopts.token ?? SANDBOX_CREDENTIALS.hubspotToken)) {
			return {
				status: 401,
				body: {
					status: 'error',
					message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
					correlationId: this.correlationId(),
					category: 'INVALID_AUTHENTICATION',
				},
			};
		}
		req.principal = token;
		const used = (this.daily.get(token) ?? 0) + 1;
		this.daily.set(token, used);
		if (used > this.dailyLimit) {
			return {
				status: 429,
				headers: { ...this.retryAfter(this.msToMidnight()), ...this.limitHeaders(undefined, token) },
				body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', correlationId: this.correlationId(), policyName: 'DAILY' },
			};
		}
		return undefined;
	}

	/** Daily limits reset at midnight in the account's time zone; the sandbox account is on UTC. */
	private msToMidnight(): number {
		const now = this.now();
		const next = new Date(now);
		next.setUTCHours(24, 0, 0, 0);
		return next.getTime() - now;
	}

	private retryAfter(ms: number): Record<string, string> {
		return this.hopts.retryAfterOn429 === false ? {} : { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
	}

	private limitHeaders(decision: RateLimitDecision | undefined, principal: string | undefined): Record<string, string> {
		const headers: Record<string, string> = {
			'X-HubSpot-RateLimit-Daily': String(this.dailyLimit),
			'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.dailyLimit - (this.daily.get(principal ?? '') ?? 0))),
		};
		if (decision) {
			headers['X-HubSpot-RateLimit-Max'] = String(decision.limit);
			headers['X-HubSpot-RateLimit-Remaining'] = String(decision.remaining);
			headers['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(decision.windowMs);
		}
		return headers;
	}

	protected rateLimitHeaders(req: SandboxRequest, decision: RateLimitDecision | undefined): Record<string, string> {
		// Search endpoints are limited separately and do not carry the ten-secondly headers.
		if (req.path.endsWith('/search')) return {};
		return this.limitHeaders(decision, req.principal);
	}

	protected rateLimitedResponse(req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		const search = req.path.endsWith('/search');
		return {
			status: 429,
			headers: {
				...this.retryAfter(decision.retryAfterMs),
				...(search ? {} : this.limitHeaders(decision, req.principal)),
			},
			body: search
				? { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', correlationId: this.correlationId(), policyName: 'SECONDLY' }
				: { status: 'error', message: 'You have reached your ten secondly limit.', errorType: 'RATE_LIMIT', correlationId: this.correlationId(), policyName: 'TEN_SECONDLY_ROLLING' },
		};
	}

	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		if (status === 500) {
			return { status, body: { status: 'error', message: 'internal error', correlationId: this.correlationId(), category: 'INTERNAL_ERROR' } };
		}
		return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status} Service Unavailable</h1></body></html>` };
	}

	protected notFoundResponse(_req: SandboxRequest): SandboxResponse {
		return { status: 404, headers: { 'content-type': 'text/html' }, body: '' };
	}

	// ------------------------------------------------------------------ helpers

	private requestedProps(type: ObjectType, raw: unknown): string[] {
		if (raw === undefined || raw === null || raw === '') return DEFAULT_PROPS[type];
		const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
		return [...new Set([...DEFAULT_PROPS[type], ...list.map((s) => s.trim()).filter(Boolean)])];
	}

	private queryList(req: SandboxRequest, name: string): string[] | undefined {
		const values = req.query.getAll(name).flatMap((v) => v.split(','));
		return values.length ? values : undefined;
	}

	private view(obj: CrmObject, props: string[]): Record<string, unknown> {
		const properties: Record<string, string | null> = {};
		for (const p of props) if (p in obj.properties) properties[p] = obj.properties[p];
		return { id: obj.id, properties, createdAt: obj.createdAt, updatedAt: obj.updatedAt, archived: obj.archived, ...(obj.archivedAt ? { archivedAt: obj.archivedAt } : {}) };
	}

	/** Validate a properties object: known, writable, string-ish values (HubSpot coerces numbers/booleans to strings). */
	private cleanProps(type: ObjectType, raw: unknown): Record<string, string | null> {
		if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
			throw this.validation('Invalid input JSON on line 1: properties must be an object', [{ message: 'properties must be an object', code: 'INVALID_INPUT' }]);
		}
		const out: Record<string, string | null> = {};
		const problems: Array<{ message: string; code: string; context: Record<string, unknown> }> = [];
		for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
			const def = this.properties[type].get(key);
			if (!def) {
				problems.push({ message: `Property "${key}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [key] } });
				continue;
			}
			if (READ_ONLY.has(key)) {
				problems.push({ message: `"${key}" is a read only property; its value cannot be set.`, code: 'READ_ONLY_VALUE', context: { propertyName: [key] } });
				continue;
			}
			if (value !== null && typeof value === 'object') {
				problems.push({ message: `${JSON.stringify(value)} was not a valid value for ${key}`, code: 'INVALID_STRING', context: { propertyName: [key] } });
				continue;
			}
			const str = value === null ? null : String(value);
			if (def.type === 'number' && str !== null && str !== '' && !Number.isFinite(Number(str))) {
				problems.push({ message: `${str} was not a valid number.`, code: 'INVALID_LONG', context: { propertyName: [key] } });
				continue;
			}
			const invalid = str === null || str === '' ? undefined : this.invalidValue(def, str);
			if (invalid) {
				problems.push({ message: invalid.message, code: invalid.code, context: { propertyName: [key] } });
				continue;
			}
			out[key] = str === '' ? null : str;
		}
		if (problems.length) {
			throw this.validation(`Property values were not valid: ${JSON.stringify(problems.map((p) => ({ isValid: false, message: p.message, error: p.code, name: p.context.propertyName })))}`, problems);
		}
		return out;
	}

	/** Typed values: booleans, dates at midnight UTC, date-times, and enumeration values among the options. */
	private invalidValue(def: PropertyDefinition, value: string): { message: string; code: string } | undefined {
		if (def.type === 'bool' && value !== 'true' && value !== 'false') return { message: `${value} was not a valid boolean (true or false).`, code: 'INVALID_BOOLEAN' };
		if (def.type === 'date') {
			const ms = /^\d+$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
			if (!Number.isFinite(ms) || ms % 86_400_000 !== 0) return { message: `${value} is at neither midnight UTC nor a YYYY-MM-DD date.`, code: 'INVALID_DATE' };
		}
		if (def.type === 'datetime' && !/^\d+$/.test(value) && Number.isNaN(Date.parse(value))) return { message: `${value} was not a valid date-time.`, code: 'INVALID_DATE' };
		if (def.type === 'enumeration' && def.options.length > 0) {
			const allowed = (def.options as Array<{ value?: string }>).map((o) => String(o.value));
			const values = def.fieldType === 'checkbox' ? value.split(';') : [value];
			const bad = values.find((v) => !allowed.includes(v));
			if (bad !== undefined) return { message: `${bad} was not one of the allowed options: [${allowed.join(', ')}]`, code: 'INVALID_OPTION' };
		}
		return undefined;
	}

	private uniqueProperty(type: ObjectType, idProperty: string | undefined | null): string | undefined {
		if (!idProperty || idProperty === 'hs_object_id') return undefined;
		const def = this.properties[type].get(idProperty);
		if (!def) throw this.validation(`Property "${idProperty}" does not exist`, [{ message: `Property "${idProperty}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [idProperty] } }]);
		if (!def.hasUniqueValue) {
			throw this.validation(`${idProperty} is not a unique property`, [{ message: `${idProperty} is not a unique property`, code: 'INVALID_ID_PROPERTY', context: { idProperty: [idProperty] } }]);
		}
		return idProperty;
	}

	private find(type: ObjectType, id: string, idProperty?: string, includeArchived = false): CrmObject | undefined {
		const prop = this.uniqueProperty(type, idProperty);
		if (!prop) {
			const obj = this.objects[type].get(id);
			return obj && (includeArchived || !obj.archived) ? obj : undefined;
		}
		const want = id.toLowerCase();
		for (const obj of this.objects[type].values()) if (!obj.archived && obj.properties[prop]?.toLowerCase() === want) return obj;
		return undefined;
	}

	/** Existing live object holding a unique value that `props` would duplicate. */
	private conflict(type: ObjectType, props: Record<string, string | null>, selfId?: string): { obj: CrmObject; prop: string } | undefined {
		for (const def of this.properties[type].values()) {
			if (!def.hasUniqueValue) continue;
			const value = props[def.name];
			if (!value) continue;
			for (const obj of this.objects[type].values()) {
				if (!obj.archived && obj.id !== selfId && obj.properties[def.name]?.toLowerCase() === value.toLowerCase()) return { obj, prop: def.name };
			}
		}
		return undefined;
	}

	private conflictError(type: ObjectType, c: { obj: CrmObject; prop: string }): HttpError {
		const label = type === 'contacts' ? 'Contact' : 'Company';
		return this.error(409, 'CONFLICT', `${label} already exists. Existing ID: ${c.obj.id}`, { context: { [c.prop]: [c.obj.properties[c.prop]] } });
	}

	private apply(obj: CrmObject, type: ObjectType, props: Record<string, string | null>): void {
		Object.assign(obj.properties, props);
		const at = iso(Math.max(this.now(), Date.parse(obj.updatedAt) + 1));
		obj.updatedAt = at;
		obj.properties.hs_lastmodifieddate = at;
		if (type === 'contacts') obj.properties.lastmodifieddate = at;
	}

	private inputs(req: SandboxRequest): Array<Record<string, unknown>> {
		const body = req.body as { inputs?: unknown } | undefined;
		if (!body || !Array.isArray(body.inputs)) {
			throw this.validation('Invalid input JSON on line 1: inputs is required', [{ message: 'inputs is required', code: 'REQUIRED_FIELD', context: { field: ['inputs'] } }]);
		}
		if (body.inputs.length > this.maxBatch) {
			const message = `Batch input limit exceeded: ${body.inputs.length} inputs provided, maximum is ${this.maxBatch}`;
			throw this.validation(message, [{ message, code: 'TOO_MANY_INPUTS', context: { limit: [String(this.maxBatch)] } }]);
		}
		return body.inputs as Array<Record<string, unknown>>;
	}

	/**
	 * HubSpot rejects a whole batch update or upsert that names one record twice, before writing anything, and the
	 * rejection is final (retrying the same batch fails the same way): 400 VALIDATION_ERROR "Duplicate IDs found in
	 * batch input: [id]. IDs must be unique" with `context.ids`. Unique property values name the same record in any
	 * case, as `find` matches them.
	 */
	private rejectDuplicateIds(inputs: Array<{ id: string; idProperty?: string }>): void {
		const seen = new Set<string>();
		const duplicates: string[] = [];
		for (const { id, idProperty } of inputs) {
			const key = idProperty ? `${idProperty}|${id.toLowerCase()}` : `|${id}`;
			if (seen.has(key) && !duplicates.includes(id)) duplicates.push(id);
			seen.add(key);
		}
		if (duplicates.length) {
			throw this.error(400, 'VALIDATION_ERROR', `Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`, { context: { ids: duplicates } });
		}
	}

	private batchResult(status: number, results: unknown[], errors: unknown[], started: number): SandboxResponse {
		const ordered = this.hopts.batchResultOrder === 'reversed' ? [...results].reverse() : results;
		const base = { status: 'COMPLETE', results: ordered, startedAt: iso(started), completedAt: iso(this.now()) };
		if (errors.length) return { status: 207, body: { ...base, numErrors: errors.length, errors } };
		return { status, body: base };
	}

	private intParam(raw: string | null, name: string, max: number, fallback: number): number {
		if (raw === null || raw === '') return fallback;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 1 || n > max) {
			throw this.validation(`${name} must be an integer between 1 and ${max}`, [{ message: `${name} must be between 1 and ${max}`, code: 'INVALID_INTEGER', context: { [name]: [raw] } }]);
		}
		return n;
	}

	// ------------------------------------------------------------------ object endpoints

	private list(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const limit = this.intParam(req.query.get('limit'), 'limit', this.hopts.maxListLimit ?? 100, 10);
		const after = Number(req.query.get('after') ?? '0');
		const archived = req.query.get('archived') === 'true';
		const props = this.requestedProps(type, this.queryList(req, 'properties'));
		const all = [...this.objects[type].values()].filter((o) => o.archived === archived).sort((a, b) => Number(a.id) - Number(b.id));
		const start = Number.isFinite(after) && after > 0 ? all.findIndex((o) => Number(o.id) >= after) : 0;
		const page = start < 0 ? [] : all.slice(start, start + limit);
		const next = start >= 0 ? all[start + limit] : undefined;
		return {
			status: 200,
			body: {
				results: page.map((o) => this.view(o, props)),
				...(next ? { paging: { next: { after: next.id, link: `https://api.hubapi.com/crm/v3/objects/${type}?after=${next.id}` } } } : {}),
			},
		};
	}

	private getOne(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const obj = this.find(type, req.params.id, req.query.get('idProperty') ?? undefined, req.query.get('archived') === 'true');
		if (!obj) throw this.error(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [req.params.id] } });
		return { status: 200, body: this.view(obj, this.requestedProps(type, this.queryList(req, 'properties'))) };
	}

	private create(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const body = (req.body ?? {}) as { properties?: unknown };
		const props = this.cleanProps(type, body.properties ?? {});
		const c = this.conflict(type, props);
		if (c) throw this.conflictError(type, c);
		const obj = this.insert(type, props);
		return { status: 201, body: this.view(obj, Object.keys(obj.properties)) };
	}

	private patchOne(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const obj = this.find(type, req.params.id, req.query.get('idProperty') ?? undefined);
		if (!obj) throw this.error(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [req.params.id] } });
		const props = this.cleanProps(type, ((req.body ?? {}) as { properties?: unknown }).properties ?? {});
		const c = this.conflict(type, props, obj.id);
		if (c) throw this.conflictError(type, c);
		this.apply(obj, type, props);
		return { status: 200, body: this.view(obj, Object.keys(obj.properties)) };
	}

	private archiveOne(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const obj = this.objects[type].get(req.params.id);
		if (obj && !obj.archived) {
			obj.archived = true;
			obj.archivedAt = iso(this.now());
		}
		return { status: 204 };
	}

	private batchRead(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const started = this.now();
		const inputs = this.inputs(req);
		const body = req.body as { idProperty?: string; properties?: string[] };
		const props = this.requestedProps(type, body.properties);
		const missing: string[] = [];
		const results: unknown[] = [];
		for (const input of inputs) {
			const id = String(input.id ?? '');
			const obj = this.find(type, id, body.idProperty);
			if (obj) results.push(this.view(obj, props));
			else missing.push(id);
		}
		const errors = missing.length
			? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not get some ${SINGULAR[type]} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: missing } }]
			: [];
		return this.batchResult(200, results, errors, started);
	}

	/**
	 * Batch create. Without `objectWriteTraceId` on every input, one bad input (an invalid value, a unique value that
	 * exists) fails the whole batch and nothing is created. With one on every input, HubSpot's multi-status mode: the
	 * good inputs are created and each bad one becomes an error naming its `objectWriteTraceId` in `context`, 207.
	 */
	private batchCreate(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const started = this.now();
		const inputs = this.inputs(req);
		const traces = inputs.map((input) => (typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId !== '' ? input.objectWriteTraceId : undefined));
		const multiStatus = inputs.length > 0 && traces.every((t) => t !== undefined);
		const seen = new Map<string, string>();
		const errors: unknown[] = [];
		const planned: Array<{ props: Record<string, string | null>; trace?: string }> = [];
		inputs.forEach((input, i) => {
			try {
				const props = this.cleanProps(type, input.properties ?? {});
				const c = this.conflict(type, props);
				if (c) throw this.conflictError(type, c);
				for (const def of this.properties[type].values()) {
					const v = def.hasUniqueValue ? props[def.name]?.toLowerCase() : undefined;
					if (!v) continue;
					if (seen.has(`${def.name}|${v}`)) throw this.validation(`Duplicate ${def.name} "${v}" in batch inputs`, [{ message: `Duplicate ${def.name} in inputs`, code: 'DUPLICATE_INPUT', context: { [def.name]: [v] } }]);
				}
				for (const def of this.properties[type].values()) {
					const v = def.hasUniqueValue ? props[def.name]?.toLowerCase() : undefined;
					if (v) seen.set(`${def.name}|${v}`, v);
				}
				planned.push({ props, trace: traces[i] });
			} catch (error) {
				if (!multiStatus || !(error instanceof HttpError)) throw error;
				const body = error.response.body as { category?: string; message?: string; errors?: unknown[] };
				errors.push({ status: 'error', category: body.category ?? 'VALIDATION_ERROR', message: body.message ?? 'invalid input', context: { objectWriteTraceId: [traces[i]] }, ...(body.errors ? { errors: body.errors } : {}) });
			}
		});
		const results = planned.map(({ props, trace }) => {
			const obj = this.insert(type, props);
			return { ...this.view(obj, Object.keys(obj.properties)), ...(trace ? { objectWriteTraceId: trace } : {}) };
		});
		return this.batchResult(201, results, errors, started);
	}

	private batchUpdate(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const started = this.now();
		const inputs = this.inputs(req);
		this.rejectDuplicateIds(inputs.map((input) => ({ id: String(input.id ?? ''), idProperty: this.uniqueProperty(type, input.idProperty as string | undefined) })));
		const plans = inputs.map((input) => {
			const id = String(input.id ?? '');
			const obj = this.find(type, id, input.idProperty as string | undefined);
			const props = this.cleanProps(type, input.properties ?? {});
			if (obj) {
				const c = this.conflict(type, props, obj.id);
				if (c) throw this.conflictError(type, c);
			}
			const trace = typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId ? { objectWriteTraceId: input.objectWriteTraceId } : {};
			return { id, obj, props, trace };
		});
		const missing = plans.filter((p) => !p.obj).map((p) => p.id);
		const results = plans
			.filter((p) => p.obj)
			.map((p) => {
				const obj = p.obj as CrmObject;
				this.apply(obj, type, p.props);
				return { ...this.view(obj, Object.keys(obj.properties)), ...p.trace };
			});
		const errors = missing.length
			? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not get some ${SINGULAR[type]} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: missing } }]
			: [];
		return this.batchResult(200, results, errors, started);
	}

	private batchUpsert(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const started = this.now();
		const inputs = this.inputs(req);
		const plans = inputs.map((input) => {
			const idProperty = input.idProperty as string | undefined;
			const prop = this.uniqueProperty(type, idProperty);
			if (!prop) {
				throw this.validation('idProperty must be a unique property', [{ message: 'idProperty is required and must be a property with unique values', code: 'INVALID_ID_PROPERTY', context: { idProperty: [String(idProperty)] } }]);
			}
			const id = String(input.id ?? '');
			if (!id) throw this.validation('id is required', [{ message: 'id is required', code: 'REQUIRED_FIELD', context: { field: ['id'] } }]);
			const trace = typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId ? { objectWriteTraceId: input.objectWriteTraceId } : {};
			return { id, prop, props: this.cleanProps(type, input.properties ?? {}), trace };
		});
		this.rejectDuplicateIds(plans.map(({ id, prop }) => ({ id, idProperty: prop })));
		const results = plans.map(({ id, prop, props, trace }) => {
			const existing = this.find(type, id, prop);
			if (existing) {
				this.apply(existing, type, props);
				return { ...this.view(existing, Object.keys(existing.properties)), new: false, ...trace };
			}
			const obj = this.insert(type, { ...props, [prop]: id });
			return { ...this.view(obj, Object.keys(obj.properties)), new: true, ...trace };
		});
		return this.batchResult(200, results, [], started);
	}

	private batchArchive(type: ObjectType, req: SandboxRequest): SandboxResponse {
		for (const input of this.inputs(req)) {
			const obj = this.objects[type].get(String(input.id ?? ''));
			if (obj && !obj.archived) {
				obj.archived = true;
				obj.archivedAt = iso(this.now());
			}
		}
		return { status: 204 };
	}

	// ------------------------------------------------------------------ search

	private matches(obj: CrmObject, f: Filter): boolean {
		const name = f.propertyName ?? '';
		const raw = name === 'hs_object_id' || name === 'id' ? obj.id : obj.properties[name];
		const has = raw !== undefined && raw !== null && raw !== '';
		const value = f.value === undefined || f.value === null ? '' : String(f.value);
		const cmp = (a: string, b: string): number => {
			const na = Number(a);
			const nb = Number(b);
			if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
			const da = Date.parse(a);
			const db = Date.parse(b);
			if (!Number.isNaN(da) && !Number.isNaN(db) && /\d{4}-\d{2}/.test(a)) return da - db;
			return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
		};
		const str = has ? String(raw) : '';
		switch (f.operator) {
			case 'EQ':
				return has && cmp(str, value) === 0;
			case 'NEQ':
				return !has || cmp(str, value) !== 0;
			case 'LT':
				return has && cmp(str, value) < 0;
			case 'LTE':
				return has && cmp(str, value) <= 0;
			case 'GT':
				return has && cmp(str, value) > 0;
			case 'GTE':
				return has && cmp(str, value) >= 0;
			case 'BETWEEN':
				return has && cmp(str, value) >= 0 && cmp(str, String(f.highValue ?? '')) <= 0;
			case 'IN':
				return has && (f.values ?? []).some((v) => cmp(str, String(v)) === 0);
			case 'NOT_IN':
				return !has || !(f.values ?? []).some((v) => cmp(str, String(v)) === 0);
			case 'HAS_PROPERTY':
				return has;
			case 'NOT_HAS_PROPERTY':
				return !has;
			case 'CONTAINS_TOKEN':
			case 'NOT_CONTAINS_TOKEN': {
				const pattern = new RegExp(`^${value.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
				const tokens = str.toLowerCase().split(/[\s@.,;:/_-]+/).filter(Boolean);
				const hit = has && (pattern.test(str.toLowerCase()) || tokens.some((t) => pattern.test(t)));
				return f.operator === 'CONTAINS_TOKEN' ? hit : !hit;
			}
			default:
				throw this.validation(`Unsupported operator ${String(f.operator)}`, [{ message: `operator ${String(f.operator)} is not valid`, code: 'INVALID_OPERATOR', context: { operator: [String(f.operator)] } }]);
		}
	}

	private search(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const body = (req.body ?? {}) as { filterGroups?: Array<{ filters?: Filter[] }>; sorts?: unknown[]; properties?: string[]; limit?: number; after?: string | number; query?: string };
		const max = this.hopts.maxSearchLimit ?? 200;
		const limit = body.limit ?? 10;
		if (!Number.isInteger(limit) || limit < 1 || limit > max) {
			throw this.validation(`limit must be between 1 and ${max}`, [{ message: `limit must be between 1 and ${max}`, code: 'INVALID_LIMIT', context: { limit: [String(limit)] } }]);
		}
		const groups = body.filterGroups ?? [];
		const totalFilters = groups.reduce((n, g) => n + (g.filters ?? []).length, 0);
		if (groups.length > 5 || groups.some((g) => (g.filters ?? []).length > 10) || totalFilters > 25) {
			throw this.validation('Too many filter groups or filters', [{ message: 'at most 5 filterGroups, 10 filters in a group and 25 filters in all', code: 'TOO_MANY_FILTERS', context: {} }]);
		}
		for (const f of groups.flatMap((g) => g.filters ?? [])) {
			const name = f.propertyName ?? '';
			if (name !== 'id' && !this.properties[type].has(name)) {
				throw this.validation(`There was a problem with the request.`, [{ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [name] } }]);
			}
		}
		const query = body.query?.trim().toLowerCase();
		let found = [...this.objects[type].values()].filter(
			(o) =>
				!o.archived &&
				(groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => this.matches(o, f)))) &&
				(!query || DEFAULT_PROPS[type].some((p) => (o.properties[p] ?? '').toLowerCase().includes(query))),
		);
		found.sort((a, b) => Number(a.id) - Number(b.id));
		for (const sort of [...(body.sorts ?? [])].reverse()) {
			const s = typeof sort === 'string' ? { propertyName: sort.replace(/^-/, ''), direction: sort.startsWith('-') ? 'DESCENDING' : 'ASCENDING' } : (sort as { propertyName: string; direction?: string });
			const dir = s.direction === 'DESCENDING' ? -1 : 1;
			found = [...found].sort((a, b) => {
				const va = a.properties[s.propertyName] ?? '';
				const vb = b.properties[s.propertyName] ?? '';
				const na = Number(va);
				const nb = Number(vb);
				const c = va !== '' && vb !== '' && Number.isFinite(na) && Number.isFinite(nb) ? na - nb : va.localeCompare(vb);
				return c * dir;
			});
		}
		const offset = Number(body.after ?? 0) || 0;
		const cap = this.hopts.searchResultCap ?? 10_000;
		if (offset + limit > cap) {
			throw this.validation(`Paging past ${cap} results is not supported.`, [{ message: `after + limit must be <= ${cap}`, code: 'INVALID_PAGING', context: {} }]);
		}
		const props = this.requestedProps(type, body.properties);
		const page = found.slice(offset, offset + limit);
		const nextAfter = offset + limit < found.length ? String(offset + limit) : undefined;
		return {
			status: 200,
			body: {
				total: found.length,
				results: page.map((o) => this.view(o, props)),
				...(nextAfter ? { paging: { next: { after: nextAfter, link: `?after=${nextAfter}` } } } : {}),
			},
		};
	}

	// ------------------------------------------------------------------ properties

	private listProperties(type: ObjectType, _req: SandboxRequest): SandboxResponse {
		return { status: 200, body: { results: [...this.properties[type].values()] } };
	}

	private getProperty(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const def = this.properties[type].get(req.params.name);
		if (!def) throw this.error(404, 'OBJECT_NOT_FOUND', `Unable to find property ${req.params.name} for object type ${SINGULAR[type].toLowerCase()}`);
		return { status: 200, body: def };
	}

	private getGroup(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const group = this.groups[type].get(req.params.name);
		if (!group) throw this.error(404, 'OBJECT_NOT_FOUND', `Unable to find property group ${req.params.name} for object type ${SINGULAR[type].toLowerCase()}`);
		return { status: 200, body: group };
	}

	private createGroup(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const body = (req.body ?? {}) as Partial<PropertyGroup>;
		const missing = (['name', 'label'] as const).filter((k) => typeof body[k] !== 'string' || body[k] === '');
		if (missing.length) {
			throw this.validation(`Invalid input JSON: missing ${missing.join(', ')}`, missing.map((k) => ({ message: `${k} is required`, code: 'REQUIRED_FIELD', context: { field: [k] } })));
		}
		const name = String(body.name);
		if (!/^[a-z][a-z0-9_]*$/.test(name)) {
			throw this.validation(`Property group name "${name}" is invalid`, [{ message: 'name must be lowercase letters, digits and underscores', code: 'INVALID_PROPERTY_GROUP_NAME', context: { name: [name] } }]);
		}
		if (this.groups[type].has(name)) throw this.error(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`);
		const group: PropertyGroup = { name, label: String(body.label), displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1, archived: false };
		this.groups[type].set(name, group);
		return { status: 201, body: group };
	}

	private createProperty(type: ObjectType, req: SandboxRequest): SandboxResponse {
		const body = (req.body ?? {}) as Partial<PropertyDefinition>;
		const missing = (['name', 'label', 'type', 'fieldType', 'groupName'] as const).filter((k) => typeof body[k] !== 'string' || body[k] === '');
		if (missing.length) {
			throw this.validation(`Invalid input JSON: missing ${missing.join(', ')}`, missing.map((k) => ({ message: `${k} is required`, code: 'REQUIRED_FIELD', context: { field: [k] } })));
		}
		const name = String(body.name);
		if (!/^[a-z][a-z0-9_]*$/.test(name)) {
			throw this.validation(`Property name "${name}" is invalid`, [{ message: 'name must be lowercase letters, digits and underscores', code: 'INVALID_PROPERTY_NAME', context: { name: [name] } }]);
		}
		if (this.properties[type].has(name)) {
			throw this.error(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { subCategory: 'PropertyValidationError.PROPERTY_ALREADY_EXISTS' });
		}
		const fieldTypes = FIELD_TYPES[String(body.type)];
		if (!fieldTypes) {
			throw this.validation(`Property type "${String(body.type)}" is not valid`, [{ message: `type must be one of ${Object.keys(FIELD_TYPES).join(', ')}`, code: 'INVALID_PROPERTY_TYPE', context: { type: [String(body.type)] } }]);
		}
		if (!fieldTypes.includes(String(body.fieldType))) {
			throw this.validation(`fieldType "${String(body.fieldType)}" is not valid for type "${String(body.type)}"`, [{ message: `fieldType must be one of ${fieldTypes.join(', ')}`, code: 'INVALID_FIELD_TYPE', context: { fieldType: [String(body.fieldType)] } }]);
		}
		if ((this.hopts.requireExistingGroup ?? true) && !this.groups[type].has(String(body.groupName))) {
			throw this.validation(`Property group "${String(body.groupName)}" does not exist`, [{ message: `group ${String(body.groupName)} does not exist`, code: 'GROUP_DOESNT_EXIST', context: { groupName: [String(body.groupName)] } }]);
		}
		const uniques = [...this.properties[type].values()].filter((p) => p.hasUniqueValue && !p.modificationMetadata.readOnlyDefinition).length;
		if (body.hasUniqueValue === true && uniques >= (this.hopts.maxUniqueProperties ?? 10)) {
			throw this.validation(`At most ${this.hopts.maxUniqueProperties ?? 10} unique value properties per object`, [{ message: 'too many unique value properties', code: 'TOO_MANY_UNIQUE_PROPERTIES', context: {} }]);
		}
		const at = iso(this.now());
		const def = property(name, String(body.label), String(body.type), String(body.fieldType), {
			groupName: String(body.groupName),
			description: body.description ?? '',
			hasUniqueValue: body.hasUniqueValue === true,
			hidden: body.hidden === true,
			formField: body.formField === true,
			options: Array.isArray(body.options) ? body.options : [],
			createdAt: at,
			updatedAt: at,
			modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
		});
		this.properties[type].set(name, def);
		return { status: 201, body: def };
	}

	// ------------------------------------------------------------------ legacy Companies v2

	/**
	 * A company as the v2 API renders it: numeric `companyId`, and each property as `{value, timestamp, source,
	 * sourceId, versions}` (legacy reference, "Create a company" response example; docs/builtin-nodes.md [H2]).
	 */
	private v2View(obj: CrmObject, only?: string[]): Record<string, unknown> {
		const timestamp = Date.parse(obj.updatedAt);
		const properties: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(obj.properties)) {
			if (value === null || (only && !only.includes(name))) continue;
			properties[name] = { value, timestamp, source: 'API', sourceId: null, versions: [{ name, value, timestamp, source: 'API', sourceVid: [] }] };
		}
		return { portalId: HUBSPOT_PORTAL_ID, companyId: Number(obj.id), isDeleted: obj.archived, properties, additionalDomains: [], stateChanges: [], mergeAudits: [] };
	}

	private v2Error(status: number, message: string, extra: Record<string, unknown> = {}): HttpError {
		return new HttpError({ status, body: { status: 'error', message, correlationId: this.correlationId(), ...extra, requestId: this.correlationId() } });
	}

	/**
	 * v2 bodies carry `properties: [{name, value}]`. The values go through the same checks as v3 writes; a refusal is
	 * answered in the v2 form, `validationResults: [{isValid, message, error, name}]`.
	 */
	private v2Props(req: SandboxRequest): Record<string, string | null> {
		const body = req.body as { properties?: unknown } | undefined;
		const list = body?.properties;
		if (!Array.isArray(list) || list.some((p) => !p || typeof p !== 'object' || typeof (p as { name?: unknown }).name !== 'string')) {
			throw this.v2Error(400, 'Invalid input JSON: properties must be an array of {name, value}');
		}
		const record: Record<string, unknown> = {};
		for (const p of list as Array<{ name: string; value?: unknown }>) record[p.name] = p.value ?? null;
		try {
			return this.cleanProps('companies', record);
		} catch (error) {
			const problems = (((error as HttpError).response?.body ?? {}) as { errors?: Array<{ message: string; code?: string; context?: { propertyName?: string[] } }> }).errors ?? [];
			throw this.v2Error(400, 'Property values were not valid', {
				validationResults: problems.map((p) => ({ isValid: false, message: p.message, error: p.code, name: p.context?.propertyName?.[0] })),
			});
		}
	}

	private v2Find(req: SandboxRequest): CrmObject {
		const obj = /^\d+$/.test(req.params.id) ? this.objects.companies.get(req.params.id) : undefined;
		if (!obj || obj.archived) throw this.v2Error(404, 'resource not found');
		return obj;
	}

	/** `GET /companies/v2/companies/paged`: `limit` 1..250 (default 100), `offset` = the last companyId seen, `has-more`. */
	private v2List(req: SandboxRequest): SandboxResponse {
		const raw = req.query.get('limit');
		const limit = raw === null || raw === '' ? 100 : Number(raw);
		if (!Number.isInteger(limit) || limit < 1 || limit > V2_MAX_LIMIT) throw this.v2Error(400, `limit must be between 1 and ${V2_MAX_LIMIT}`);
		const offset = Number(req.query.get('offset') ?? '0');
		if (!Number.isFinite(offset) || offset < 0) throw this.v2Error(400, 'offset must be a company id');
		const props = this.queryList(req, 'properties') ?? [];
		const all = [...this.objects.companies.values()].filter((o) => !o.archived && Number(o.id) > offset).sort((a, b) => Number(a.id) - Number(b.id));
		const page = all.slice(0, limit);
		const last = page[page.length - 1];
		return { status: 200, body: { companies: page.map((o) => this.v2View(o, props)), 'has-more': all.length > limit, offset: last ? Number(last.id) : offset } };
	}

	private v2Get(req: SandboxRequest): SandboxResponse {
		return { status: 200, body: this.v2View(this.v2Find(req)) };
	}

	private v2Create(req: SandboxRequest): SandboxResponse {
		const props = this.v2Props(req);
		const c = this.conflict('companies', props);
		if (c) throw this.v2Error(409, `A company with ${c.prop} ${c.obj.properties[c.prop]} already exists. Existing ID: ${c.obj.id}`);
		return { status: 200, body: this.v2View(this.insert('companies', props)) };
	}

	private v2Update(req: SandboxRequest): SandboxResponse {
		const obj = this.v2Find(req);
		const props = this.v2Props(req);
		const c = this.conflict('companies', props, obj.id);
		if (c) throw this.v2Error(409, `A company with ${c.prop} ${c.obj.properties[c.prop]} already exists. Existing ID: ${c.obj.id}`);
		this.apply(obj, 'companies', props);
		return { status: 200, body: this.v2View(obj) };
	}
}
