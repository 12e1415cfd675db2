import fc from 'fast-check';
import type { z } from 'zod';
import { isMspOpsError, MspOpsError, ValidationError } from '../../lib/errors';
import { registerSecret, resetRateLimiters } from '../../lib/http';
import * as ninja from '../../lib/ninjaone';
import { parseNotionResponse } from '../../lib/notion/responses';
import * as notionResponses from '../../lib/notion/responses';
import * as hubspotSchemas from '../../lib/hubspot/schemas';
import * as unifi from '../../lib/unifi';
import { parseWith } from '../../lib/validation';
import { HubSpotClient, hubspotText, hubspotValuesEqual, syncHubSpotRecords, type HubSpotSyncRow, type HubSpotSyncValue } from '../../lib/hubspot';
import { toNotionValue, WRITABLE_TYPES, type Canonical, type WritableType } from '../../lib/notion/properties';
import { OPS_LOG_TABLES, SupabaseOpsLog, type OpsLogTable } from '../../lib/opslog';
import type { DataSourceSchema, PropertySchema } from '../../lib/notion/dataSource';
import { buildDesiredRow, existingRowFromPage, NOTION_VALUE_RULES, planSync, type DesiredRow, type ExistingRow, type FailedRow } from '../../lib/notion/rowSync';
import { planRecords, type DesiredRecord, type ExistingRecord, type FailedInput, type Plan, type PlanOptions } from '../../lib/sync';
import { checkerSignature, evaluateChange, normaliseIdentity, signApprovalRequest, verifyApproval } from '../../lib/gate';
import type { ServiceName } from '../../lib/errors';
import { startSandbox, type Sandbox } from '../sandbox';
import type { Emulator } from '../sandbox/core';
import { reliabilitySeed, reliabilityTally } from './report';

/**
 * Reliability, area "bad input": a seeded, generated corpus of malformed and hostile input for every place where
 * data from outside enters lib/ (service responses, change requests, property values, sync inputs). Each property
 * says what must hold for every case; test/reliability/README.md lists them. Seed: RELIABILITY_SEED (default in
 * report.ts); a failure prints fast-check's seed and path to replay it.
 */

jest.setTimeout(120_000);

const SEED = reliabilitySeed();
const tally = reliabilityTally('bad-input');
process.stdout.write(`seed of reliability bad-input: ${SEED} (set RELIABILITY_SEED to change it)\n`);

/** A seed per property, derived from the run's seed, so that adding a property does not reshuffle the others. */
function seedFor(name: string): number {
	let h = SEED | 0;
	for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
	return h | 0;
}

const runs = (name: string, numRuns: number) => ({ seed: seedFor(name), numRuns, endOnFailure: false });

// ------------------------------------------------------------------------------------------------ fake secrets

/** Recognisable fake secrets planted in inputs: none of them may ever appear in an error message. */
const FAKE_TOKEN = 'rlb-fake-secret-token-7f3a9c2e4b1d8a6f';
const FAKE_BEARER = 'rlbFakeBearer0123456789abcdef';
registerSecret(FAKE_TOKEN);

/** Strings that carry a secret: registered values and secret-looking fragments redact() must catch. */
const secretCarriers = (extra: string) => [
	FAKE_TOKEN,
	`Bearer ${FAKE_BEARER}`,
	`token=${FAKE_TOKEN}`,
	extra,
	`x-api-key: ${extra}`,
	`${'x'.repeat(60)}${extra}${'y'.repeat(40)}`,
];

/** Every secret in `secrets` (and the planted bearer value) is absent from `text`, also as a long fragment. */
function assertNoSecret(text: string, secrets: string[]): void {
	for (const secret of [...secrets, FAKE_BEARER]) {
		expect(text).not.toContain(secret);
		// A secret cut where a message shortens a value must not leak its first part either.
		if (secret.length >= 24) expect(text).not.toContain(secret.slice(0, 16));
	}
}

// ------------------------------------------------------------------------------------------------ hostile values

const ZERO_WIDTH = '\u200b\u200c\u200d\ufeff';
const RTL = '\u202e\u2067';
const HOSTILE_STRINGS = [
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'hasOwnProperty',
	'',
	' ',
	'\u0000',
	'a\u0000b',
	`x${ZERO_WIDTH}y`,
	`${RTL}gpj.exe`,
	'\ud800',
	'\udfff lone',
	'\u0007\u001b[31m\r\n\t',
	'😀'.repeat(3),
	'{"a":1}',
	'<script>alert(1)</script>',
	"'; DROP TABLE sites; --",
	'%s%n%x',
	'${7*7}',
	'1e3',
	'-0',
	'NaN',
	'2026-02-30',
	'x'.repeat(2001),
];

const hostileString = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
	{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
	{ weight: 1, arbitrary: fc.constantFrom(...secretCarriers(FAKE_TOKEN)) },
);

const weirdNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e309, -1e309, Number.MAX_SAFE_INTEGER + 2, 1.5, -1, 0, 2 ** 53, 5e-324);

/** A deeply nested object (a payload built to blow the stack of a naive recursive walk). */
function deepObject(depth: number): unknown {
	let value: unknown = { end: true };
	for (let i = 0; i < depth; i++) value = i % 2 ? { nested: value } : [value];
	return value;
}

// ------------------------------------------------------------------------------------------------ payload mutations

type Path = Array<string | number>;

/** Paths of every value inside `value` (the root is []), containers and leaves, depth first. */
function pathsOf(value: unknown, path: Path = [], out: Path[] = [], depth = 0): Path[] {
	out.push(path);
	if (depth > 12 || out.length > 4000) return out;
	if (Array.isArray(value)) value.slice(0, 6).forEach((v, i) => pathsOf(v, [...path, i], out, depth + 1));
	else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out, depth + 1);
	return out;
}

const MUTATIONS = ['remove', 'null', 'string', 'number', 'boolean', 'array', 'object', 'nan', 'infinity', 'hugeArray', 'extraField', 'deep', 'control', 'secret', 'hostile', 'weirdNumber', 'emptyString', 'duplicateArray'] as const;
type MutationKind = (typeof MUTATIONS)[number];

interface Mutation {
	kind: MutationKind;
	pick: number;
	text: string;
	number: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
	kind: fc.constantFrom(...MUTATIONS),
	pick: fc.nat(),
	text: hostileString,
	number: weirdNumber,
});

function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
	Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A mutated deep copy of `sample`; `secret` is the client's own credential, planted by 'secret' mutations. */
function mutate(sample: unknown, mutations: Mutation[], secret: string): unknown {
	let root: unknown = structuredClone(sample);
	for (const m of mutations) {
		const paths = pathsOf(root);
		const path = paths[m.pick % paths.length];
		const parentPath = path.slice(0, -1);
		const key = path[path.length - 1];
		let parent: unknown = root;
		for (const part of parentPath) parent = (parent as Record<string | number, unknown>)[part];
		const current = path.length ? (parent as Record<string | number, unknown>)[key] : root;
		let next: unknown;
		switch (m.kind) {
			case 'remove':
				if (path.length && parent && typeof parent === 'object') {
					if (Array.isArray(parent)) parent.splice(Number(key), 1);
					else delete (parent as Record<string, unknown>)[key];
				}
				continue;
			case 'null':
				next = null;
				break;
			case 'string':
				next = typeof current === 'string' ? `${current} ${m.text}` : String(m.text);
				break;
			case 'number':
				next = typeof current === 'number' ? -current - 1 : m.pick;
				break;
			case 'boolean':
				next = m.pick % 2 === 0;
				break;
			case 'array':
				next = [current];
				break;
			case 'object':
				next = { value: current };
				break;
			case 'nan':
				next = NaN;
				break;
			case 'infinity':
				next = m.pick % 2 ? Infinity : -Infinity;
				break;
			case 'hugeArray':
				next = Array.from({ length: 5_000 + (m.pick % 5_000) }, (_, i) => (Array.isArray(current) && current.length ? current[i % current.length] : i));
				break;
			case 'extraField': {
				const target = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : undefined;
				if (target) {
					// Secrets are planted in values, never as field names (redaction covers values; a name is the schema's).
					const name = m.text && !secretCarriers(secret).some((c) => m.text.includes(c)) && !m.text.includes(FAKE_TOKEN) ? m.text : '__proto__';
					setOwn(target, name, { polluted: true, note: FAKE_TOKEN });
					setOwn(target, '__proto__', { polluted: true });
					continue;
				}
				next = { extra: m.text, value: current };
				break;
			}
			case 'deep':
				next = deepObject(300 + (m.pick % 700));
				break;
			case 'control':
				next = `\u0000\u0001\u001f\u007f\u2028\u2029${typeof current === 'string' ? current : ''}\r\n`;
				break;
			case 'secret': {
				const carriers = secretCarriers(secret);
				next = carriers[m.pick % carriers.length];
				break;
			}
			case 'hostile':
				next = m.text;
				break;
			case 'weirdNumber':
				next = m.number;
				break;
			case 'emptyString':
				next = '';
				break;
			case 'duplicateArray':
				next = Array.isArray(current) ? [...current, ...current] : current;
				break;
		}
		if (!path.length) root = next;
		else setOwn(parent as Record<string | number, unknown>, key, next);
	}
	return root;
}

/** A payload as it arrives over HTTP: what JSON can carry of `value` (NaN and Infinity become null). */
const overJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

function timed<T>(run: () => T, limitMs = 2_000): T {
	const started = performance.now();
	const result = run();
	const took = performance.now() - started;
	if (took > limitMs) throw new Error(`case took ${Math.round(took)} ms (limit ${limitMs} ms): a hang`);
	return result;
}

/** The error of a rejected input: typed, for the right service, naming a field, without secrets. */
function expectTypedError(error: unknown, service: ServiceName, secrets: string[], kind?: typeof ValidationError): asserts error is MspOpsError {
	if (!isMspOpsError(error)) throw error;
	if (kind) expect(error).toBeInstanceOf(kind);
	expect(error.service).toBe(service);
	assertNoSecret(error.message, secrets);
	assertNoSecret(JSON.stringify(error.toJSON()), secrets);
}

// ------------------------------------------------------------------------------------------------ 1. service responses

interface ResponseTarget {
	name: string;
	service: ServiceName;
	sample: () => unknown;
	parse: (data: unknown) => unknown;
	schema: z.ZodTypeAny;
}

describe('reliability bad-input: malformed API payloads', () => {
	let sandbox: Sandbox;
	const samples = new Map<string, unknown>();

	type Dispatch = (input: { method: string; path: string; query?: URLSearchParams }, options: { trusted?: string }) => Promise<{ status: number; body?: unknown } | undefined>;
	async function sampleOf(emulator: Dispatch, path: string, query = ''): Promise<unknown> {
		const response = await emulator({ method: 'GET', path, query: new URLSearchParams(query) }, { trusted: 'reliability' });
		if (!response || response.status !== 200) throw new Error(`no sample for ${path}: ${response?.status}`);
		return typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifi', 'ninjaone', 'hubspot'], workspace: false });
		const u = sandbox.unifi!;
		const n = sandbox.ninjaone!;
		const uni = u.dispatch.bind(u);
		const nin = n.dispatch.bind(n);
		samples.set('unifi.sites', await sampleOf(uni, '/v1/sites', 'pageSize=3'));
		samples.set('unifi.hosts', await sampleOf(uni, '/v1/hosts', 'pageSize=3'));
		samples.set('unifi.devices', await sampleOf(uni, '/v1/devices', 'pageSize=2'));
		samples.set('ninja.organizations', await sampleOf(nin, '/v2/organizations', 'pageSize=3'));
		samples.set('ninja.devices', await sampleOf(nin, '/v2/devices', 'pageSize=3'));
		samples.set('ninja.health', await sampleOf(nin, '/v2/queries/device-health', 'pageSize=3'));
		samples.set('ninja.alerts', ((await sampleOf(nin, '/v2/alerts')) as unknown[]).slice(0, 3));
	});
	afterAll(async () => {
		await sandbox?.stop();
	});

	const page = {
		object: 'page',
		id: '1f2e3d4c-5b6a-4789-9abc-def012345678',
		url: 'https://www.notion.so/Site-1f2e3d4c5b6a47899abcdef012345678',
		created_time: '2026-01-05T08:00:00.000Z',
		last_edited_time: '2026-01-06T08:00:00.000Z',
		in_trash: false,
		properties: {
			'Site ID': { id: 'a1', type: 'rich_text', rich_text: [{ type: 'text', plain_text: 'site-001', text: { content: 'site-001' } }] },
			Name: { id: 'title', type: 'title', title: [{ type: 'text', plain_text: 'Acme HQ', text: { content: 'Acme HQ' } }] },
			Score: { id: 'b2', type: 'number', number: 87.5 },
			Status: { id: 'c3', type: 'select', select: { name: 'Healthy' } },
			Due: { id: 'd4', type: 'date', date: { start: '2026-01-31', end: null, time_zone: null } },
		},
	};
	const notionSamples = {
		page,
		query: { object: 'list', results: [page, { ...page, id: '2f2e3d4c-5b6a-4789-9abc-def012345678' }], next_cursor: 'cursor-1', has_more: true, request_status: { type: 'complete' } },
		dataSource: {
			object: 'data_source',
			id: '3f2e3d4c-5b6a-4789-9abc-def012345678',
			properties: { 'Site ID': { id: 'a1', name: 'Site ID', type: 'rich_text' }, Name: { id: 'title', name: 'Name', type: 'title' }, Status: { id: 'c3', name: 'Status', type: 'select', select: { options: [{ name: 'Healthy' }] } } },
		},
		database: { object: 'database', id: '4f2e3d4c-5b6a-4789-9abc-def012345678', data_sources: [{ id: '3f2e3d4c-5b6a-4789-9abc-def012345678', name: 'Sites' }] },
		search: { object: 'list', results: [{ object: 'data_source', id: '3f2e3d4c-5b6a-4789-9abc-def012345678' }], next_cursor: null, has_more: false },
	};
	const company = { id: '101', properties: { name: 'Acme', domain: 'acme.example', msp_health_score: '87' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', archived: false };
	const hubspotSamples = {
		objectPage: { results: [company, { ...company, id: '102' }], paging: { next: { after: '102', link: 'https://api.hubapi.com/x' } } },
		searchPage: { total: 2, results: [company], paging: { next: { after: '1' } } },
		batch: { status: 'COMPLETE', results: [{ ...company, new: false }], errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'not found', context: { ids: ['x'] } }], numErrors: 1 },
		properties: {
			results: [{ name: 'domain', label: 'Domain', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true, options: [], modificationMetadata: { readOnlyValue: false } }],
		},
	};

	const unifiParse = (schema: z.ZodTypeAny, path: string) => (data: unknown) => parseWith(schema, data, { what: `UniFi Site Manager GET ${path} response`, service: 'unifi', operation: 'test' });
	const ninjaParse = (schema: z.ZodTypeAny, path: string) => (data: unknown) => parseWith(schema, data, { what: `NinjaOne GET ${path} response`, service: 'ninjaone', operation: 'test' });
	const hubspotParse = (schema: z.ZodTypeAny) => (data: unknown) => parseWith(schema, data, { what: 'HubSpot response', service: 'hubspot', operation: 'test' });
	const notionParse = (schema: z.ZodTypeAny, operation: string) => (data: unknown) => parseNotionResponse(schema, data, operation);

	const targets: ResponseTarget[] = [
		{ name: 'unifi sites', service: 'unifi', sample: () => samples.get('unifi.sites'), schema: unifi.siteListResponseSchema, parse: unifiParse(unifi.siteListResponseSchema, '/v1/sites') },
		{ name: 'unifi hosts', service: 'unifi', sample: () => samples.get('unifi.hosts'), schema: unifi.hostListResponseSchema, parse: unifiParse(unifi.hostListResponseSchema, '/v1/hosts') },
		{ name: 'unifi devices', service: 'unifi', sample: () => samples.get('unifi.devices'), schema: unifi.deviceListResponseSchema, parse: unifiParse(unifi.deviceListResponseSchema, '/v1/devices') },
		{ name: 'ninjaone organizations', service: 'ninjaone', sample: () => samples.get('ninja.organizations'), schema: ninja.organizationListSchema, parse: ninjaParse(ninja.organizationListSchema, '/v2/organizations') },
		{ name: 'ninjaone devices', service: 'ninjaone', sample: () => samples.get('ninja.devices'), schema: ninja.deviceListSchema, parse: ninjaParse(ninja.deviceListSchema, '/v2/devices') },
		{ name: 'ninjaone device health', service: 'ninjaone', sample: () => samples.get('ninja.health'), schema: ninja.deviceHealthResponseSchema, parse: ninjaParse(ninja.deviceHealthResponseSchema, '/v2/queries/device-health') },
		{ name: 'ninjaone alerts', service: 'ninjaone', sample: () => samples.get('ninja.alerts'), schema: ninja.alertListSchema, parse: ninjaParse(ninja.alertListSchema, '/v2/alerts') },
		{ name: 'notion page', service: 'notion', sample: () => notionSamples.page, schema: notionResponses.pageSchema, parse: notionParse(notionResponses.pageSchema, 'getPage') },
		{ name: 'notion query', service: 'notion', sample: () => notionSamples.query, schema: notionResponses.queryResponseSchema, parse: notionParse(notionResponses.queryResponseSchema, 'queryDataSource') },
		{ name: 'notion data source', service: 'notion', sample: () => notionSamples.dataSource, schema: notionResponses.dataSourceSchema, parse: notionParse(notionResponses.dataSourceSchema, 'getDataSource') },
		{ name: 'notion database', service: 'notion', sample: () => notionSamples.database, schema: notionResponses.databaseSchema, parse: notionParse(notionResponses.databaseSchema, 'getDatabase') },
		{ name: 'notion search', service: 'notion', sample: () => notionSamples.search, schema: notionResponses.searchResponseSchema, parse: notionParse(notionResponses.searchResponseSchema, 'search') },
		{ name: 'hubspot object page', service: 'hubspot', sample: () => hubspotSamples.objectPage, schema: hubspotSchemas.objectPageSchema, parse: hubspotParse(hubspotSchemas.objectPageSchema) },
		{ name: 'hubspot search page', service: 'hubspot', sample: () => hubspotSamples.searchPage, schema: hubspotSchemas.searchPageSchema, parse: hubspotParse(hubspotSchemas.searchPageSchema) },
		{ name: 'hubspot batch', service: 'hubspot', sample: () => hubspotSamples.batch, schema: hubspotSchemas.batchResponseSchema, parse: hubspotParse(hubspotSchemas.batchResponseSchema) },
		{ name: 'hubspot properties', service: 'hubspot', sample: () => hubspotSamples.properties, schema: hubspotSchemas.propertyListSchema, parse: hubspotParse(hubspotSchemas.propertyListSchema) },
	];

	it.each(targets.map((t) => [t.name, t] as const))('%s: parsed into the documented shape or a ValidationError naming the field', (_name, target) => {
		const sample = target.sample();
		// The unmutated sample parses: otherwise every case below would be a rejection and prove nothing.
		expect(() => target.parse(sample)).not.toThrow();
		fc.assert(
			fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (mutations, viaJson) =>
				tally.check(() => {
					const mutated = mutate(sample, mutations, FAKE_TOKEN);
					const payload = viaJson ? overJson(mutated) : mutated;
					let parsed: unknown;
					try {
						parsed = timed(() => target.parse(payload));
					} catch (error) {
						expectTypedError(error, target.service, [FAKE_TOKEN], ValidationError);
						const e = error as ValidationError;
						expect(typeof e.field).toBe('string');
						expect(e.field!.length).toBeGreaterThan(0);
						expect(e.message).toContain(e.field!);
						return;
					}
					// Parsed: it has the documented shape (parsing it again gives the same).
					expect(target.schema.safeParse(parsed).success).toBe(true);
				}),
			),
			runs(`response ${target.name}`, 100),
		);
		expect(Object.prototype).not.toHaveProperty('polluted');
	});
});

// ------------------------------------------------------------------------------------------------ 2. real clients

const fastSleep = () => Promise.resolve();

/** Rejects when `promise` has not settled within `ms`: a client that never returns is a hang, not a pass. */
async function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms: a hang`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

const RAW_BODIES = ['', 'null', '[]', '{}', '"text"', '{"data": [', '<html><head><title>502 Bad Gateway</title></head></html>', `{"message":"token=${FAKE_TOKEN}"}`, '\u0000\u0001', '{"data":null,"nextToken":7}'];

describe('reliability bad-input: malformed answers to the real clients (emulators)', () => {
	let sandbox: Sandbox;
	const samples = new Map<string, unknown>();

	interface ClientTarget {
		name: string;
		service: ServiceName;
		emulator: () => Pick<Emulator, 'scriptFaults' | 'clearScriptedFaults'>;
		route: RegExp;
		sample: string;
		secret: () => string;
		call: () => Promise<unknown>;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifi', 'ninjaone', 'hubspot'], workspace: false });
		const get = async (emu: { dispatch: (...args: never[]) => unknown }, key: string, path: string, query = '') => {
			const response = (await (emu.dispatch as unknown as (i: unknown, o: unknown) => Promise<{ status: number; body?: unknown }>)(
				{ method: 'GET', path, query: new URLSearchParams(query) },
				{ trusted: 'reliability' },
			)) as { status: number; body?: unknown };
			samples.set(key, response.body);
		};
		await get(sandbox.unifi!, 'sites', '/v1/sites', 'pageSize=3');
		await get(sandbox.unifi!, 'hosts', '/v1/hosts', 'pageSize=3');
		await get(sandbox.unifi!, 'host', `/v1/hosts/${encodeURIComponent(sandbox.world.sites[0].unifi.hostId)}`);
		await get(sandbox.ninjaone!, 'organizations', '/v2/organizations', 'pageSize=3');
		await get(sandbox.ninjaone!, 'device', `/v2/device/${sandbox.world.ninjaOrganizations[0].devices[0].id}`);
		await get(sandbox.ninjaone!, 'health', '/v2/queries/device-health', 'pageSize=3');
		samples.set('companies', { results: [{ id: '1', properties: { name: 'Acme', domain: 'acme.example' }, createdAt: '2026-01-01T00:00:00Z', archived: false }], paging: { next: { after: '1' } } });
		for (const [key, value] of samples) if (value === undefined) throw new Error(`no sample for ${key}`);
	});
	afterAll(async () => {
		await sandbox?.stop();
	});

	const unifiClient = () => new unifi.UnifiSiteManagerClient({ apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi, sleep: fastSleep, retry: { retries: 0 }, pageSize: 3 });
	const ninjaClient = () =>
		new ninja.NinjaOneClient({
			clientId: sandbox.credentials.ninjaClientId,
			clientSecret: sandbox.credentials.ninjaClientSecret,
			region: 'custom',
			baseUrl: sandbox.urls.ninjaone,
			sleep: fastSleep,
			retry: { retries: 0 },
			pageSize: 3,
		});
	const hubspotClient = () => new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot, sleep: fastSleep, retry: { retries: 0 } });

	const clientTargets = (): ClientTarget[] => {
		const u = () => sandbox.unifi!;
		const n = () => sandbox.ninjaone!;
		const h = () => sandbox.hubspot!;
		const unifiKey = () => sandbox.credentials.unifiApiKey;
		const ninjaSecret = () => sandbox.credentials.ninjaClientSecret;
		const hubspotToken = () => sandbox.credentials.hubspotToken;
		return [
			{ name: 'UniFi listSites', service: 'unifi', emulator: u, route: /^GET \/v1\/sites$/, sample: 'sites', secret: unifiKey, call: () => unifiClient().listSites({ limit: 5 }) },
			{ name: 'UniFi listHosts', service: 'unifi', emulator: u, route: /^GET \/v1\/hosts$/, sample: 'hosts', secret: unifiKey, call: () => unifiClient().listHosts() },
			{ name: 'UniFi getHost', service: 'unifi', emulator: u, route: /^GET \/v1\/hosts\/:id$/, sample: 'host', secret: unifiKey, call: () => unifiClient().getHost(sandbox.world.sites[0].unifi.hostId) },
			{ name: 'UniFi getSite', service: 'unifi', emulator: u, route: /^GET \/v1\/sites$/, sample: 'sites', secret: unifiKey, call: () => unifiClient().getSite('no-such-site') },
			{ name: 'NinjaOne listOrganizations', service: 'ninjaone', emulator: n, route: /^GET \/v2\/organizations$/, sample: 'organizations', secret: ninjaSecret, call: () => ninjaClient().listOrganizations({ limit: 6 }) },
			{ name: 'NinjaOne getDevice', service: 'ninjaone', emulator: n, route: /^GET \/v2\/device\/:id$/, sample: 'device', secret: ninjaSecret, call: () => ninjaClient().getDevice(sandbox.world.ninjaOrganizations[0].devices[0].id) },
			{ name: 'NinjaOne listDeviceHealth', service: 'ninjaone', emulator: n, route: /^GET \/v2\/queries\/device-health$/, sample: 'health', secret: ninjaSecret, call: () => ninjaClient().listDeviceHealth({ limit: 5 }) },
			{ name: 'HubSpot list', service: 'hubspot', emulator: h, route: /^GET \/crm\/v3\/objects\/companies$/, sample: 'companies', secret: hubspotToken, call: () => hubspotClient().list('companies', { limit: 3 }) },
		];
	};

	it('every client resolves with its documented shape or rejects with a typed error for its service, in time and without secrets', async () => {
		const targets = clientTargets();
		await fc.assert(
			fc.asyncProperty(fc.nat({ max: targets.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.nat({ max: 9 }), async (which, mutations, raw) => {
				const target = targets[which];
				await tally.checkAsync(async () => {
					resetRateLimiters();
					const emulator = target.emulator();
					emulator.clearScriptedFaults();
					const secret = target.secret();
					// Mostly mutated real answers; one in ten a raw body (cut JSON, an HTML page, nothing).
					const body = raw === 0 ? RAW_BODIES[mutations[0].pick % RAW_BODIES.length] : overJson(mutate(samples.get(target.sample), mutations, secret));
					emulator.scriptFaults([{ status: 200, body }], target.route);
					try {
						const result = await withinMs(target.call(), 10_000, target.name);
						expect(result && typeof result === 'object').toBe(true);
					} catch (error) {
						expectTypedError(error, target.service, [secret, FAKE_TOKEN]);
					} finally {
						emulator.clearScriptedFaults();
					}
				});
			}),
			runs('clients', 320),
		);
	});
});

// ------------------------------------------------------------------------------------------------ 3. ops log rows

describe('reliability bad-input: ops log rows (lib/opslog)', () => {
	// Plainly not a real key: the writer masks the key it was given, whatever its format.
	const SERVICE_KEY = 'rlb-fake-supabase-service-key-not-a-real-key';
	const validRows: Record<OpsLogTable, Record<string, unknown>> = {
		integration_logs: { workflow_id: 'wf1', execution_id: 'exec-1', service: 'notion', operation: 'upsert', level: 'error', message: 'Notion answered 429', context: { itemIndex: 3 } },
		api_metrics: { service: 'notion', operation: 'queryDataSource', method: 'POST', status: 200, ok: true, duration_ms: 120, retries: 0, rate_limited: false },
		workflow_execution_logs: { workflow_name: 'Daily Health Sync', execution_id: 'exec-1', pipeline: 'Daily Health Sync', status: 'success', started_at: '2026-11-28T06:00:00.000Z', finished_at: '2026-11-28T06:00:39.100Z', items_read: 98 },
		change_approvals: { change_hash: 'c'.repeat(64), maker: 'maker@msp.example', checker: 'checker@msp.example', decision: 'approved', risk: 'HIGH', site_count: 12 },
		config_change_audit: { change_hash: 'c'.repeat(64), site_id: 'site-1', change_type: 'vlan', action: 'requested', actor: 'maker@msp.example', after_state: { vlan: 30 } },
	};
	const tables = Object.keys(validRows) as OpsLogTable[];

	it('writes the valid rows only, reports each refused row by table, index and field, and never sends or shows a secret', async () => {
		const rowArb = fc.record({ table: fc.constantFrom(...tables), mutations: fc.array(mutationArb, { maxLength: 3 }) });
		await fc.assert(
			fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 6 }), async (rows) => {
				await tally.checkAsync(async () => {
					const sent: Array<{ table: string; rows: Array<Record<string, unknown>> }> = [];
					const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
						const url = new URL(String(input instanceof Request ? input.url : input));
						sent.push({ table: url.pathname.split('/').pop()!, rows: JSON.parse(String(init?.body ?? '[]')) as Array<Record<string, unknown>> });
						return new Response(null, { status: 201 });
					}) as typeof fetch;
					const log = new SupabaseOpsLog({ url: 'https://rlbfake.supabase.co', serviceKey: SERVICE_KEY, fetch: fakeFetch });
					const batch: Partial<Record<OpsLogTable, Array<Record<string, unknown>>>> = {};
					for (const { table, mutations } of rows) (batch[table] ??= []).push(mutate(validRows[table], mutations, SERVICE_KEY) as Record<string, unknown>);
					const result = await withinMs(log.write(batch), 10_000, 'ops log write');
					for (const failure of result.failures) {
						expect(failure.code).toBe('invalid_row');
						expect(failure.message).toMatch(new RegExp(`^Supabase ops log: ${failure.table} row \\d+ not written: `));
						assertNoSecret(failure.message, [SERVICE_KEY, FAKE_TOKEN]);
					}
					for (const { table, rows: written } of sent) {
						const schema = OPS_LOG_TABLES[table as OpsLogTable];
						for (const row of written) expect(schema.safeParse(row).success).toBe(true);
						assertNoSecret(JSON.stringify(written), [SERVICE_KEY, FAKE_TOKEN]);
					}
					for (const table of tables) {
						const given = batch[table]?.length ?? 0;
						const refused = result.failures.filter((f) => f.table === table).reduce((n, f) => n + f.rows, 0);
						expect((result.written[table] ?? 0) + refused).toBe(given);
					}
				});
			}),
			runs('opslog', 150),
		);
		expect(Object.prototype).not.toHaveProperty('polluted');
	});
});

// ------------------------------------------------------------------------------------------------ 4. existing Notion rows

describe('reliability bad-input: existing Notion rows from query pages', () => {
	const schema: DataSourceSchema = {
		id: 'ds-1',
		title: 'Sites',
		properties: {
			'Site ID': { id: 'a1', name: 'Site ID', type: 'rich_text' },
			Name: { id: 'title', name: 'Name', type: 'title' },
			Score: { id: 'b2', name: 'Score', type: 'number' },
			Status: { id: 'c3', name: 'Status', type: 'select', options: ['Healthy'] },
			Due: { id: 'd4', name: 'Due', type: 'date' },
			Tags: { id: 'e5', name: 'Tags', type: 'multi_select' },
			Done: { id: 'f6', name: 'Done', type: 'checkbox' },
		},
	};
	const page = {
		object: 'page',
		id: '1f2e3d4c-5b6a-4789-9abc-def012345678',
		created_time: '2026-01-05T08:00:00.000Z',
		properties: {
			'Site ID': { id: 'a1', type: 'rich_text', rich_text: [{ type: 'text', plain_text: 'site-001', text: { content: 'site-001' } }] },
			Name: { id: 'title', type: 'title', title: [{ type: 'text', plain_text: 'Acme HQ', text: { content: 'Acme HQ' } }] },
			Score: { id: 'b2', type: 'number', number: 87.5 },
			Status: { id: 'c3', type: 'select', select: { name: 'Healthy' } },
			Due: { id: 'd4', type: 'date', date: { start: '2026-01-31T08:00:00', end: null, time_zone: 'Europe/Berlin' } },
			Tags: { id: 'e5', type: 'multi_select', multi_select: [{ name: 'a' }, { name: 'b' }] },
			Done: { id: 'f6', type: 'checkbox', checkbox: false },
		},
	};
	const names = Object.keys(schema.properties);

	it('an existing row is read with its key, or the page is refused with a ValidationError naming the property', () => {
		expect(existingRowFromPage(parseNotionResponse(notionResponses.pageSchema, page, 'queryDataSource'), schema, 'Site ID', names).key).toBe('site-001');
		fc.assert(
			fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) =>
				tally.check(() => {
					const mutated = overJson(mutate(page, mutations, FAKE_TOKEN));
					try {
						const row = timed(() => existingRowFromPage(parseNotionResponse(notionResponses.pageSchema, mutated, 'queryDataSource'), schema, 'Site ID', names));
						expect(row.key === null || (typeof row.key === 'string' && row.key.trim() === row.key && row.key !== '')).toBe(true);
						for (const name of names) expect(Object.prototype.hasOwnProperty.call(row.values, name)).toBe(true);
					} catch (error) {
						expectTypedError(error, 'notion', [FAKE_TOKEN], ValidationError);
						expect((error as ValidationError).field).toBeTruthy();
					}
				}),
			),
			runs('existing notion rows', 200),
		);
	});
});

// ------------------------------------------------------------------------------------------------ 5. the Maker/Checker Gate

const CHANGE_FIELDS = ['maker', 'sites', 'changeType', 'risk', 'description', 'rollbackPlan', 'vlanIds', 'wifi'];
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ownValue = (o: Record<string, unknown>, k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const nonBlank = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/**
 * An independent reading of docs/maker-checker.md: why `input` must not be approved without a checker, or undefined
 * when the rules say it is approved automatically (default settings: reserved 1 and 4095, bulk above 10 sites,
 * HIGH and CRITICAL need a rollback plan and an approval).
 */
function whyNotAutoApproved(input: unknown): string | undefined {
	if (!isPlain(input)) return 'not an object';
	const unknown = Object.keys(input).filter((k) => !CHANGE_FIELDS.includes(k));
	if (unknown.length) return `unknown field ${unknown[0]}`;
	const maker = ownValue(input, 'maker');
	if (typeof maker !== 'string' || normaliseIdentity(maker) === '') return 'maker';
	const sites = ownValue(input, 'sites');
	if (!Array.isArray(sites) || sites.length === 0 || !sites.every(nonBlank)) return 'sites malformed';
	if (new Set(sites.map((s: string) => s.trim())).size !== sites.length) return 'duplicate site';
	if (sites.length > 10) return 'bulk change';
	const risk = ownValue(input, 'risk');
	if (risk === 'HIGH' || risk === 'CRITICAL') return 'risk needs approval';
	if (risk !== 'LOW' && risk !== 'MEDIUM') return 'risk malformed';
	if (!nonBlank(ownValue(input, 'changeType'))) return 'changeType';
	if (!nonBlank(ownValue(input, 'description'))) return 'description';
	const plan = ownValue(input, 'rollbackPlan');
	if (plan !== undefined && plan !== null && typeof plan !== 'string') return 'rollbackPlan';
	const vlans = ownValue(input, 'vlanIds');
	if (vlans !== undefined && vlans !== null) {
		if (!Array.isArray(vlans)) return 'vlanIds malformed';
		for (const id of vlans) {
			if (typeof id !== 'number' || !Number.isInteger(id)) return 'vlan id malformed';
			if (id === 1 || id === 4095) return 'reserved vlan';
			if (!(id >= 1 && id <= 4094)) return 'vlan out of range';
		}
	}
	const wifi = ownValue(input, 'wifi');
	if (wifi !== undefined && wifi !== null) {
		if (!isPlain(wifi)) return 'wifi malformed';
		for (const [name, value] of Object.entries(wifi)) {
			if (name.trim() === '') return 'wifi name';
			if (!(typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) return 'wifi value';
		}
	}
	return undefined;
}

const SITE_POOL = Array.from({ length: 15 }, (_, i) => `site-${i + 1}`);
const identityArb = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom('alice@msp.example', ' Alice@MSP.example ', 'bob@msp.example') },
	{ weight: 1, arbitrary: fc.constantFrom('', '   ', ZERO_WIDTH, `a${ZERO_WIDTH}lice@msp.example`, null, 42) },
	{ weight: 1, arbitrary: hostileString },
);
const sitesArb = fc.oneof(
	{ weight: 5, arbitrary: fc.uniqueArray(fc.constantFrom(...SITE_POOL), { minLength: 1, maxLength: 13 }) },
	{ weight: 1, arbitrary: fc.array(fc.constantFrom(...SITE_POOL, ' site-1 ', ''), { maxLength: 13 }) },
	{ weight: 1, arbitrary: fc.array(fc.oneof(hostileString, fc.integer(), fc.constant(null)), { maxLength: 12 }) },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>('site-1', null, {}, 12) },
);
const riskArb = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL') },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>('low', 'High', '', 'URGENT', null, 3, ['HIGH'], ' HIGH') },
);
const vlanIdArb = fc.oneof(
	{ weight: 4, arbitrary: fc.integer({ min: -5, max: 4_100 }) },
	{ weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 4094, 4095, 4096, -1, 10, 30) },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>(1.5, NaN, Infinity, -0, 1e309, '10', null, [10], true) },
);
const textArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('vlan', 'wifi', 'Move guests to VLAN 30', 'Restore the saved config') }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 7, ['x'], {}) });
const wifiArb = fc.oneof(
	fc.dictionary(fc.oneof(fc.constantFrom('ssid', 'passphrase', 'hidden', 'channel', ' ', '__proto__', 'constructor'), fc.constantFrom(...HOSTILE_STRINGS), fc.string()), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constantFrom<unknown>(NaN, Infinity, null, { name: 'x' }, FAKE_TOKEN)), { maxKeys: 4 }),
	fc.constantFrom<unknown>({}, null, 'Guest', [['ssid', 'Guest']]),
);
const changeArb: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 12,
		arbitrary: fc
			.record({
				maker: identityArb,
				sites: sitesArb,
				changeType: textArb,
				risk: riskArb,
				description: textArb,
				rollbackPlan: fc.oneof({ weight: 3, arbitrary: fc.constant('Restore the saved config') }, { weight: 2, arbitrary: fc.constantFrom<unknown>(undefined, null, '', '   ', `${ZERO_WIDTH}`) }, { weight: 1, arbitrary: hostileString }),
				vlanIds: fc.oneof(fc.constant(undefined), fc.array(vlanIdArb, { maxLength: 5 }), fc.constantFrom<unknown>(null, 30, '30')),
				wifi: fc.oneof(fc.constant(undefined), wifiArb),
				omit: fc.subarray(CHANGE_FIELDS, { maxLength: 2 }),
				extra: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('vlanID', 'vlanIDs', 'Risk', '__proto__', 'constructor', 'approved', 'decision', 'checker', 'sites ') }),
			})
			.map(({ omit, extra, ...fields }) => {
				const change: Record<string, unknown> = {};
				// Rare omissions, so that most requests are complete and the approval rules themselves are reached.
				for (const [key, value] of Object.entries(fields)) if (value !== undefined && !(omit.length === 1 && omit.includes(key))) change[key] = value;
				if (extra !== undefined) setOwn(change, extra, extra === 'approved' ? true : 'approve');
				return change;
			}),
	},
	{ weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, [], 'approve', 42, true, { __proto__: { risk: 'LOW' } }) },
);

describe('reliability bad-input: change requests for the Maker/Checker Gate', () => {
	it('an invalid change is never approved, one that needs a checker never is without one, and the decision is deterministic', () => {
		let approved = 0;
		let needsApproval = 0;
		let rejected = 0;
		fc.assert(
			fc.property(changeArb, (input) =>
				tally.check(() => {
					const result = timed(() => evaluateChange(input));
					const why = whyNotAutoApproved(input);
					// Exactly the documented rules: approved when none applies, never when one does.
					if (why) expect({ decision: result.decision, why }).not.toEqual({ decision: 'approved', why });
					else expect({ decision: result.decision, reasons: result.reasons }).toMatchObject({ decision: 'approved' });
					if (why === 'bulk change' || why === 'risk needs approval') expect(result.decision).not.toBe('approved');
					if (result.decision === 'rejected') expect(result.reasons.length).toBeGreaterThan(0);
					if (result.decision === 'approved') {
						expect(result.request!.sites.length).toBeLessThanOrEqual(10);
						expect(['LOW', 'MEDIUM']).toContain(result.request!.risk);
					}
					// Reserved VLANs and a missing rollback plan are named reasons, with their field.
					if (isPlain(input) && Array.isArray(input.vlanIds)) {
						input.vlanIds.forEach((id, index) => {
							if (id === 1 || id === 4095) expect(result.reasons).toContainEqual(expect.objectContaining({ code: 'reservedVlan', field: `vlanIds[${index}]` }));
							else if (typeof id === 'number' && Number.isInteger(id) && !(id >= 1 && id <= 4094)) expect(result.reasons).toContainEqual(expect.objectContaining({ code: 'vlanOutOfRange', field: `vlanIds[${index}]` }));
						});
					}
					if (isPlain(input) && (input.risk === 'HIGH' || input.risk === 'CRITICAL') && !nonBlank(input.rollbackPlan) && (input.rollbackPlan === undefined || input.rollbackPlan === null || typeof input.rollbackPlan === 'string')) {
						expect(result.decision).toBe('rejected');
						expect(result.reasons).toContainEqual(expect.objectContaining({ code: 'rollbackPlanMissing', field: 'rollbackPlan' }));
					}
					for (const reason of result.reasons) assertNoSecret(reason.message, [FAKE_TOKEN]);
					// Deterministic: the same input, a copy of it and its fields in another order decide the same.
					expect(evaluateChange(input)).toEqual(result);
					if (isPlain(input)) {
						const reordered: Record<string, unknown> = {};
						for (const key of Object.keys(input).reverse()) setOwn(reordered, key, structuredClone(input[key]));
						const again = evaluateChange(reordered);
						expect(again.decision).toBe(result.decision);
						expect(again.changeHash).toBe(result.changeHash);
					}
					if (result.decision === 'approved') approved++;
					else if (result.decision === 'needsApproval') needsApproval++;
					else rejected++;
				}),
			),
			runs('gate change requests', 900),
		);
		// The corpus reaches every decision (a corpus of rejections only would prove nothing about approvals).
		expect(approved).toBeGreaterThan(30);
		expect(needsApproval).toBeGreaterThan(30);
		expect(rejected).toBeGreaterThan(30);
		expect(Object.prototype).not.toHaveProperty('risk');
	});

	it('a change that needs a checker is approved only by an allowed checker who is not the maker, through their own link, in time', () => {
		const SECRET = 'reliability-gate-signing-secret-0123456789abcdef';
		const change = { maker: 'alice@msp.example', sites: SITE_POOL.slice(0, 12), changeType: 'vlan', risk: 'HIGH', description: 'Move guests to VLAN 30', rollbackPlan: 'Restore the saved config', vlanIds: [30] };
		const evaluation = evaluateChange(change);
		expect(evaluation.decision).toBe('needsApproval');
		const hash = evaluation.changeHash!;
		const payload = { v: 1 as const, changeHash: hash, maker: change.maker, checkers: ['bob@msp.example', 'carol@msp.example', 'Alice@MSP.example'], executionId: 'exec-1', expiresAt: '2026-03-02T12:00:00Z', nonce: '6f1c2b9e-8a51-4f7d-9b0e-3c4d5e6f7a8b' };
		const token = signApprovalRequest(payload, SECRET);
		const otherToken = signApprovalRequest({ ...payload, changeHash: 'b'.repeat(64) }, SECRET);
		const foreignToken = signApprovalRequest(payload, 'another-signing-secret-0123456789abcdefghij');
		const [body, signature] = token.split('.');
		const tampered = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString('utf8')), checkers: ['mallory@msp.example'] }), 'utf8').toString('base64url')}.${signature}`;

		/** Mostly the value of a real approval, else one of the ways it can be wrong. */
		const mostly = <T>(good: T, ...bad: T[]) => fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
		const verifyArb = fc.record({
			token: mostly('valid', 'otherChange', 'otherSecret', 'tampered', 'garbage', 'missing', 'secret'),
			checker: fc.oneof(
				{ weight: 3, arbitrary: fc.constantFrom<unknown>('bob@msp.example', ' Bob@MSP.example ', `bob${ZERO_WIDTH}@msp.example`, 'carol@msp.example') },
				{ weight: 1, arbitrary: fc.constantFrom<unknown>('alice@msp.example', 'ALICE@msp.example', `a${ZERO_WIDTH}lice@msp.example`, 'mallory@msp.example', '', null, 7) },
			),
			signedFor: mostly('same', 'bob@msp.example', 'alice@msp.example', 'garbage', 'missing'),
			decision: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>('approve', ' APPROVE ') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('reject', 'yes', '', null, undefined, true, FAKE_TOKEN) }),
			changeHash: mostly('same', 'other'),
			executionId: mostly('exec-1', 'exec-2', ''),
			minutesAfterExpiry: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -600, max: 0 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }) }),
			extra: mostly<string | undefined>(undefined, 'approved', '__proto__'),
		});
		let approvedCount = 0;
		fc.assert(
			fc.property(verifyArb, (v) =>
				tally.check(() => {
					const tokens: Record<string, string | undefined> = { valid: token, otherChange: otherToken, otherSecret: foreignToken, tampered, garbage: 'not.a-token', missing: undefined, secret: SECRET };
					const checker = typeof v.checker === 'string' ? v.checker : undefined;
					const signFor = v.signedFor === 'same' ? checker : v.signedFor;
					const sig = v.signedFor === 'missing' ? undefined : v.signedFor === 'garbage' ? 'AAAA' : signFor ? checkerSignature(SECRET, token, normaliseIdentity(signFor)) : undefined;
					const input: Record<string, unknown> = {
						token: tokens[v.token],
						checker: v.checker,
						checkerSignature: sig,
						decision: v.decision,
						current: { changeHash: v.changeHash === 'same' ? hash : 'c'.repeat(64), executionId: v.executionId },
					};
					if (v.extra) setOwn(input, v.extra, v.extra === 'approved' ? true : { decision: 'approve' });
					const now = new Date(Date.parse(payload.expiresAt) + v.minutesAfterExpiry * 60_000);
					const result = timed(() => verifyApproval(input, SECRET, now));
					const normalised = checker === undefined ? '' : normaliseIdentity(checker);
					const shouldApprove =
						v.token === 'valid' &&
						normalised !== '' &&
						normalised !== 'alice@msp.example' &&
						['bob@msp.example', 'carol@msp.example'].includes(normalised) &&
						sig !== undefined &&
						v.signedFor !== 'garbage' &&
						normaliseIdentity(signFor ?? '') === normalised &&
						typeof v.decision === 'string' &&
						v.decision.trim().toLowerCase() === 'approve' &&
						v.changeHash === 'same' &&
						v.executionId === 'exec-1' &&
						v.minutesAfterExpiry <= 0 &&
						v.extra === undefined;
					expect({ decision: result.decision, shouldApprove }).toEqual({ decision: shouldApprove ? 'approved' : 'rejected', shouldApprove });
					if (result.decision === 'approved') {
						approvedCount++;
						expect(result.checker).not.toBe(normaliseIdentity(change.maker));
					} else expect(result.reasons.length).toBeGreaterThan(0);
					for (const reason of result.reasons) assertNoSecret(reason.message, [SECRET, FAKE_TOKEN]);
					expect(verifyApproval(input, SECRET, now)).toEqual(result);
				}),
			),
			runs('gate verify approval', 600),
		);
		expect(approvedCount).toBeGreaterThan(20);
	});
});

// ------------------------------------------------------------------------------------------------ 6. Notion and HubSpot values

const LONG_TEXTS = ['x'.repeat(2_000), 'x'.repeat(2_001), '😀'.repeat(1_500), `${'y'.repeat(1_999)}😀z`, 'z'.repeat(2_000 * 100), 'z'.repeat(2_000 * 100 + 1), `${'\ud83d'.repeat(2_500)}`];
const DATE_TEXTS = ['2026-02-30', '2026-02-28', '2024-02-29', '2026-13-01', '2026-00-10', '2026-01-31T25:00:00', '2026-01-31T08:00:00Z', '2026-01-31T08:00:00+05:30', '2026-03-29T02:30:00', '2026-01-31 08:00', ' 2026-01-31 ', '31.01.2026', '2026-1-3', '10000-01-01', '0000-01-01', 'T08:00'];
const NUMBER_TEXTS = ['1e3', '-0', '1e309', '0x10', '1,5', '1.5', ' 42 ', '-3.5', '.5', '5.', '+7', 'Infinity', '١٢٣'];

const anyValueArb: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 3, arbitrary: hostileString },
	{ weight: 2, arbitrary: fc.constantFrom<unknown>(...LONG_TEXTS) },
	{ weight: 2, arbitrary: fc.constantFrom<unknown>(...DATE_TEXTS, ...NUMBER_TEXTS) },
	{ weight: 3, arbitrary: fc.constantFrom<unknown>('ops@msp.example', ' Ops@MSP.example ', 'a@b', 'a@@b', '@b', `o${ZERO_WIDTH}ps@msp.example`, 'https://msp.example/a', 'https://msp.example/a b', '+49 30 1234567', `${'a'.repeat(2_000)}@b`, 'javascript:alert(1)') },
	{ weight: 2, arbitrary: weirdNumber },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, 0, 1, '', 'true', 'off', BigInt(12), new Date('2026-01-31T08:00:00Z'), new Date('nope')) },
	{ weight: 2, arbitrary: fc.array(fc.oneof(hostileString, fc.constantFrom('a', 'b', 'A', 'a,b', ' a ', 'x'.repeat(101))), { maxLength: 8 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 95, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => `option-${i}`)) },
	{ weight: 1, arbitrary: fc.integer({ min: 95, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => ({ id: `page-${i}` }))) },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>({ start: '2026-01-31', end: '2026-02-30' }, { start: '2026-01-31' }, { end: '2026-01-31' }, { start: null }, { start: { start: '2026-01-31' } }, [{ plain_text: 'a' }, { plain_text: 'b' }], [{ plain_text: 1 }], [{ id: 'p1' }, { id: '' }], { name: 'Healthy' }, { name: 7 }) },
	{ weight: 1, arbitrary: fc.constantFrom<unknown>(JSON.parse('{"__proto__": {"polluted": true}, "name": "x", "start": "2026-01-31"}'), JSON.parse('[{"__proto__": {"polluted": true}, "id": "p1"}]'), Object.create(null), deepObject(500)) },
);
/** Values a workflow plausibly maps to each type, valid or nearly so, so that every type also has its accepted cases. */
const PLAUSIBLE: Record<WritableType, unknown[]> = {
	title: ['Acme HQ', ' Acme ', 42, true, ...LONG_TEXTS],
	rich_text: ['site-001', '', `a${ZERO_WIDTH}b`, [{ plain_text: 'a' }, { plain_text: 'b' }], ...LONG_TEXTS],
	number: [1, -3.5, '1.5', ' 42 ', '', null, -0, 1e300, ...NUMBER_TEXTS],
	select: ['Healthy', ' Healthy ', { name: 'Degraded' }, 'a,b', 'x'.repeat(100), 'x'.repeat(101), 7, ''],
	status: ['Healthy', 'Not started', { name: 'Done' }, 'a,b', 'x'.repeat(101), ''],
	multi_select: [['a', 'b'], 'a, b', ['a', 'a', ' a '], [{ name: 'x' }], Array.from({ length: 100 }, (_, i) => `o${i}`), Array.from({ length: 101 }, (_, i) => `o${i}`), ''],
	date: [...DATE_TEXTS, { start: '2026-01-31', end: '2026-02-01' }, { start: '2026-01-31T08:00:00', end: null }, new Date('2026-01-31T08:00:00Z'), new Date('nope'), ''],
	checkbox: [true, false, 'yes', 'off', 'TRUE', 1, 0, 2, '', null, 'maybe'],
	url: ['https://msp.example/a', ' https://msp.example ', 'https://msp.example/a b', '', `https://${'a'.repeat(2_000)}`],
	email: ['ops@msp.example', ' Ops@MSP.example ', 'a@b', 'a@@b', '@b', '', `${'a'.repeat(2_000)}@b`],
	phone_number: ['+49 30 1234567', 4930123, '', ' 030 123 '],
	relation: ['1f2e3d4c-5b6a-4789-9abc-def012345678', '1f2e3d4c5b6a47899abcdef012345678, 1F2E3D4C-5B6A-4789-9ABC-DEF012345678', [{ id: 'p1' }, { id: 'p2' }], Array.from({ length: 101 }, (_, i) => `p${i}`), ['p1', ' ']],
};

const propertyNameArb = fc.constantFrom('Name', 'Site ID', '__proto__', 'constructor', 'toString', `Site${ZERO_WIDTH}ID`, `${RTL}Status`, 'a'.repeat(300), '\u0000', '');

/** Notion's documented limits, written out here rather than imported, so a change of lib's constants is caught. */
const TEXT_CHUNK = 2_000;
const MAX_ARRAY = 100;
const MAX_OPTION_NAME = 100;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Whether `write` is what Notion accepts for `type` (its documented limits: 2,000 characters per text object, 100 items). */
function assertNotionAccepts(type: WritableType, write: Record<string, unknown>, canonical: unknown): void {
	expect(Object.keys(write)).toEqual([type]);
	const inner = write[type];
	// Only JSON goes to Notion: no NaN, no Infinity, nothing that does not survive the trip.
	expect(JSON.parse(JSON.stringify(write))).toEqual(JSON.parse(JSON.stringify(write)));
	if (JSON.stringify(write).includes('null')) expect(inner === null || type === 'date' || Array.isArray(inner)).toBe(true);
	switch (type) {
		case 'title':
		case 'rich_text': {
			const chunks = inner as Array<{ type: string; text: { content: string } }>;
			expect(chunks.length).toBeLessThanOrEqual(MAX_ARRAY);
			chunks.forEach((chunk, i) => {
				expect(chunk.type).toBe('text');
				expect(chunk.text.content.length).toBeGreaterThan(0);
				expect(chunk.text.content.length).toBeLessThanOrEqual(TEXT_CHUNK);
				const next = chunks[i + 1]?.text.content;
				if (next) expect(isHigh(chunk.text.content.charCodeAt(chunk.text.content.length - 1)) && isLow(next.charCodeAt(0))).toBe(false);
			});
			expect(chunks.map((c) => c.text.content).join('')).toBe(canonical);
			break;
		}
		case 'number':
			expect(inner === null || (typeof inner === 'number' && Number.isFinite(inner))).toBe(true);
			break;
		case 'select':
		case 'status':
		case 'multi_select': {
			const options = (type === 'multi_select' ? inner : inner === null ? [] : [inner]) as Array<{ name: string }>;
			expect(options.length).toBeLessThanOrEqual(MAX_ARRAY);
			expect(new Set(options.map((o) => o.name)).size).toBe(options.length);
			for (const { name } of options) {
				expect(typeof name).toBe('string');
				expect(name.trim()).toBe(name);
				expect(name.length).toBeGreaterThan(0);
				expect(name.length).toBeLessThanOrEqual(MAX_OPTION_NAME);
				if (type !== 'status') expect(name).not.toContain(',');
			}
			break;
		}
		case 'date': {
			if (inner === null) break;
			const { start, end, ...rest } = inner as { start: string; end?: string };
			expect(rest).toEqual({});
			for (const when of end === undefined ? [start] : [start, end]) {
				expect(typeof when).toBe('string');
				if (/^\d{4}-\d{2}-\d{2}$/.test(when)) expect(new Date(`${when}T00:00:00Z`).toISOString().slice(0, 10)).toBe(when);
				else {
					expect(when).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
					expect(Number.isNaN(Date.parse(when))).toBe(false);
				}
			}
			break;
		}
		case 'checkbox':
			expect(typeof inner).toBe('boolean');
			break;
		case 'url':
		case 'email':
		case 'phone_number':
			if (inner === null) break;
			expect(typeof inner).toBe('string');
			expect((inner as string).length).toBeGreaterThan(0);
			expect((inner as string).length).toBeLessThanOrEqual(TEXT_CHUNK);
			if (type === 'email') expect(inner).toMatch(/^[^\s@]+@[^\s@]+$/);
			if (type === 'url') expect(inner).not.toMatch(/\s/);
			break;
		case 'relation': {
			const ids = inner as Array<{ id: string }>;
			expect(ids.length).toBeLessThanOrEqual(MAX_ARRAY);
			for (const { id } of ids) expect(typeof id === 'string' && id.trim() === id && id !== '').toBe(true);
			break;
		}
	}
}

describe('reliability bad-input: Notion property values and HubSpot values', () => {
	afterAll(() => {
		// No generated __proto__ key reached Object.prototype.
		expect(Object.prototype).not.toHaveProperty('polluted');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it.each(WRITABLE_TYPES.map((t) => [t]))('toNotionValue(%s): a value Notion accepts, or a ValidationError naming the property', (type) => {
		let accepted = 0;
		let refused = 0;
		fc.assert(
			fc.property(fc.oneof(anyValueArb, fc.constantFrom(...PLAUSIBLE[type])), propertyNameArb, fc.option(fc.nat({ max: 500 }), { nil: undefined }), (value, property, itemIndex) =>
				tally.check(() => {
					let converted: ReturnType<typeof toNotionValue>;
					try {
						converted = timed(() => toNotionValue(type, value, { property, itemIndex, zone: 'Europe/Berlin' }));
					} catch (error) {
						expectTypedError(error, 'notion', [FAKE_TOKEN], ValidationError);
						const e = error as ValidationError;
						expect(e.field).toBe(property);
						expect(e.itemIndex).toBe(itemIndex);
						expect(e.message.startsWith(`Property '${property}'`)).toBe(true);
						refused++;
						return;
					}
					assertNotionAccepts(type, converted.write, converted.canonical);
					// The same value converts the same way (no state carried between calls).
					expect(toNotionValue(type, value, { property, itemIndex, zone: 'Europe/Berlin' })).toEqual(converted);
					accepted++;
				}),
			),
			runs(`notion value ${type}`, 120),
		);
		expect(accepted).toBeGreaterThan(10);
		expect(refused + accepted).toBe(120);
		// Text that fits 100 chunks of 2,000 is split; one character more is refused (the documented limits).
		if (type === 'title' || type === 'rich_text') {
			expect((toNotionValue(type, 'z'.repeat(200_000), { property: 'p' }).write[type] as unknown[]).length).toBe(100);
			expect(() => toNotionValue(type, 'z'.repeat(200_001), { property: 'p' })).toThrow(ValidationError);
		}
	});

	it('HubSpot values: compared as HubSpot stores them, deterministically, without throwing', () => {
		const valueArb = fc.oneof(hostileString, weirdNumber, fc.double(), fc.boolean(), fc.constantFrom<unknown>(null, undefined, '', '17.0', '17', 'TRUE', 'true', '1e3', '-0', '0'));
		fc.assert(
			fc.property(valueArb, valueArb, (a, b) =>
				tally.check(() => {
					const x = a as HubSpotSyncValue;
					const y = b as HubSpotSyncValue;
					const equal = hubspotValuesEqual(x, y);
					expect(typeof equal).toBe('boolean');
					expect(hubspotValuesEqual(x, y)).toBe(equal);
					// Two values that show as the same text are equal; both empty are equal; empty and non-empty never are.
					const tx = hubspotText(x);
					const ty = hubspotText(y);
					if (tx === ty) expect(equal).toBe(true);
					if ((tx === null) !== (ty === null)) expect(equal).toBe(false);
					expect(hubspotValuesEqual(y, x)).toBe(equal);
				}),
			),
			runs('hubspot values', 300),
		);
	});
});

describe('reliability bad-input: HubSpot sync rows (dry run against the emulator)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['hubspot'], workspace: false });
	});
	afterAll(async () => {
		await sandbox?.stop();
	});

	it('one result per row at its index; a bad row fails alone with a typed error; never two creates for one key', async () => {
		const domains = sandbox.world.sites.slice(0, 4).map((s) => (s.hubspot?.domain ?? s.domain).toLowerCase());
		const keyArb = fc.oneof(
			{ weight: 4, arbitrary: fc.constantFrom(...domains, ` ${domains[0].toUpperCase()} `, 'new-1.example', 'NEW-1.example', 'new-2.example') },
			{ weight: 1, arbitrary: fc.oneof(hostileString, fc.constantFrom<unknown>(null, undefined, 42, '', '   ')) },
		);
		const propsArb = fc.oneof(
			{
				weight: 6,
				arbitrary: fc.dictionary(
					fc.constantFrom('name', 'city', 'msp_health_score', 'domain', '__proto__', 'constructor', 'toString'),
					fc.oneof(hostileString, weirdNumber, fc.boolean(), fc.constantFrom<unknown>(null, undefined, ['a'], { a: 1 }, '1e3', 'x'.repeat(70_000))),
					{ maxKeys: 4 },
				),
			},
			{ weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, 'name=x', ['name'], JSON.parse('{"__proto__": {"polluted": true}, "name": "p"}')) },
		);
		const rowArb = fc.oneof({ weight: 8, arbitrary: fc.record({ key: keyArb, properties: propsArb }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'acme.example', [], {}) });
		await fc.assert(
			fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 8 }), async (rows) => {
				await tally.checkAsync(async () => {
					resetRateLimiters();
					const client = new HubSpotClient({ token: sandbox.credentials.hubspotToken, baseUrl: sandbox.urls.hubspot, sleep: fastSleep, retry: { retries: 0 } });
					let results: Awaited<ReturnType<typeof syncHubSpotRecords>>;
					try {
						results = await withinMs(syncHubSpotRecords(client, 'companies', { uniqueProperty: 'domain', rows: rows as HubSpotSyncRow[], dryRun: true }), 10_000, 'HubSpot sync');
					} catch (error) {
						// Only a failure of the whole read may throw, and then typed.
						expectTypedError(error, 'hubspot', [sandbox.credentials.hubspotToken, FAKE_TOKEN]);
						return;
					}
					expect(results.map((r) => r.index)).toEqual(rows.map((_, i) => i));
					const creates = new Set<string>();
					for (const result of results) {
						if (result.action === 'failed') {
							expect(isMspOpsError(result.error)).toBe(true);
							expect(result.error!.itemIndex).toBe(result.index);
							expect(result.error!.service).toBe('hubspot');
							assertNoSecret(result.error!.message, [sandbox.credentials.hubspotToken, FAKE_TOKEN]);
							continue;
						}
						expect(['wouldCreate', 'wouldUpdate', 'unchanged']).toContain(result.action);
						const key = result.key.trim().toLowerCase();
						expect(key).not.toBe('');
						if (result.action === 'wouldCreate') {
							expect(creates.has(key)).toBe(false);
							creates.add(key);
						}
						// What would be written is exactly what the row asked for: each changed property is the row's own.
						const own = (rows[result.index] as HubSpotSyncRow).properties ?? {};
						for (const name of result.changed) expect(Object.prototype.hasOwnProperty.call(own, name)).toBe(true);
						if (result.changes) expect(Object.keys(result.changes).sort()).toEqual([...result.changed].sort());
						// And nothing the row asked for is lost: a create writes every non-empty property but the key.
						if (result.action === 'wouldCreate') {
							const wanted = Object.keys(own).filter((name) => name !== 'domain' && hubspotText(own[name] as HubSpotSyncValue) !== null);
							expect([...result.changed].sort()).toEqual(wanted.sort());
						}
					}
				});
			}),
			runs('hubspot sync rows', 120),
		);
	});
});

// ------------------------------------------------------------------------------------------------ 7. item -> sync plan

const KEY_POOL = ['site-1', 'site-2', 'SITE-1', ' site-1', 'site-3', '__proto__', 'constructor', 'toString', `site${ZERO_WIDTH}-1`, `${RTL}site`, '\u0000', 'ü', 'u\u0308'];
const FIELD_POOL = ['Name', 'Score', 'Status', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Site ID'];

/** What every plan must satisfy, whatever went in. */
function assertPlanSound(plan: Plan<unknown>, existing: Array<ExistingRecord<unknown>>, desired: Array<DesiredRecord<unknown> | FailedInput>, options: PlanOptions): void {
	// One planned record per input, in input order.
	expect(plan.records.map((r) => r.index)).toEqual(desired.map((d) => d.index));
	const written = new Set<string>();
	for (const record of plan.records) {
		const input = desired.find((d) => d.index === record.index)!;
		if (record.action === 'failed') {
			// Every failure is the item's own typed error.
			expect(isMspOpsError(record.error)).toBe(true);
			expect(record.error!.itemIndex ?? record.index).toBe(record.index);
			continue;
		}
		expect('error' in input).toBe(false);
		const key = record.key!;
		// Never two creates (or a create and an update) for one key.
		expect(written.has(key)).toBe(false);
		written.add(key);
		if (record.action === 'create') {
			expect(record.target).toBeUndefined();
			expect(existing.some((e) => e.key === key)).toBe(false);
		} else {
			expect(record.target!.key).toBe(key);
			if ((options.onDuplicate ?? 'fail') === 'fail') expect(existing.filter((e) => e.key === key)).toHaveLength(1);
		}
		// The diff names exactly the input's own fields that change, each with its own entry.
		const values = (input as DesiredRecord<unknown>).values;
		for (const name of record.changed) {
			expect(Object.prototype.hasOwnProperty.call(values, name)).toBe(true);
			expect(Object.prototype.hasOwnProperty.call(record.changes, name)).toBe(true);
		}
		expect(Object.keys(record.changes).sort()).toEqual([...record.changed].sort());
		if (record.action === 'unchanged') expect(record.changed).toEqual([]);
		if (record.action === 'update') expect(record.changed.length).toBeGreaterThan(0);
		if (record.action === 'create') {
			const nonEmpty = Object.keys(values).filter((name) => !NOTION_VALUE_RULES.isEmpty(values[name] as Canonical));
			expect([...record.changed].sort()).toEqual(nonEmpty.sort());
		}
		for (const name of record.changed) {
			const before = record.target ? (Object.prototype.hasOwnProperty.call(record.target.values, name) ? record.target.values[name] : undefined) : undefined;
			expect(record.changes[name].from).toEqual(before === undefined ? null : NOTION_VALUE_RULES.display(before as Canonical));
		}
	}
	// Mirror mode archives only keyed records the input does not name, and never when an input failed before its key.
	const wanted = new Set(desired.map((d) => d.key).filter((k) => k !== undefined));
	for (const record of plan.archive) {
		expect(record.key).not.toBeNull();
		expect(wanted.has(record.key!)).toBe(false);
	}
	if (!options.mirror || plan.archiveSkipped) expect(plan.archive).toEqual([]);
}

describe('reliability bad-input: item -> sync plan (lib/sync, lib/notion/rowSync)', () => {
	const canonicalArb: fc.Arbitrary<Canonical> = fc.oneof(
		fc.constantFrom<Canonical>(null, '', 'a', 'A', 0, -0, 1, true, false, [], ['a'], ['a', 'b'], { start: '2026-01-31', end: null }, { start: 1769846400000, end: null }),
		hostileString,
		fc.double({ noNaN: true }),
	);
	const valuesArb = fc.dictionary(fc.constantFrom(...FIELD_POOL), canonicalArb, { maxKeys: 5 });
	const keyArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEY_POOL) }, { weight: 1, arbitrary: hostileString });

	it('planRecords: no crash, failures per item, never two rows for one key, the diff is the input own fields', () => {
		const existingArb = fc.array(
			fc.record({ id: fc.uuid(), key: fc.oneof({ weight: 5, arbitrary: keyArb }, { weight: 1, arbitrary: fc.constant(null) }), values: valuesArb, createdTime: fc.constantFrom(undefined, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'garbage') }),
			{ maxLength: 12 },
		);
		const desiredArb = fc.array(
			fc.oneof(
				{ weight: 6, arbitrary: fc.record({ key: keyArb, values: valuesArb }) },
				{ weight: 1, arbitrary: fc.record({ key: fc.option(keyArb, { nil: undefined }), failed: fc.constant(true) }) },
			),
			{ maxLength: 12 },
		);
		const optionsArb = fc.record({ mirror: fc.boolean(), onDuplicate: fc.constantFrom<'fail' | 'updateOldest'>('fail', 'updateOldest'), maxArchiveShare: fc.constantFrom(0, 0.2, 1), allowMassArchive: fc.boolean() });
		fc.assert(
			fc.property(existingArb, desiredArb, optionsArb, (existing, entries, options) =>
				tally.check(() => {
					const desired = entries.map((entry, index): DesiredRecord<unknown> | FailedInput =>
						'failed' in entry
							? { index, key: entry.key, error: new ValidationError(`item ${index} failed`, { service: 'notion', itemIndex: index }) }
							: { index, key: entry.key, values: entry.values },
					);
					const plan = timed(() => planRecords(existing as Array<ExistingRecord<Canonical>>, desired as Array<DesiredRecord<Canonical> | FailedInput>, NOTION_VALUE_RULES, options));
					assertPlanSound(plan as Plan<unknown>, existing, desired, options);
					// Deterministic.
					expect(planRecords(existing as Array<ExistingRecord<Canonical>>, desired as Array<DesiredRecord<Canonical> | FailedInput>, NOTION_VALUE_RULES, options)).toEqual(plan);
				}),
			),
			runs('plan records', 400),
		);
	});

	it('Notion rows: generated items through buildDesiredRow and planSync; every failure is the item own, every property written is the item own', () => {
		const names = ['Site ID', 'Name', 'Score', 'Status', 'Tags', 'Due', 'Done', 'Link', '__proto__', 'constructor', 'toString'];
		const types: WritableType[] = ['rich_text', 'title', 'number', 'select', 'multi_select', 'date', 'checkbox', 'url', 'rich_text', 'number', 'rich_text'];
		const properties: Record<string, PropertySchema> = {};
		names.forEach((name, i) => setOwn(properties, name, { id: `p${i}`, name, type: types[i] }));
		const schema: DataSourceSchema = { id: 'ds-1', title: 'Sites', properties };
		const fieldArb = fc.constantFrom(...names, 'site id', 'SCORE', 'unknown', 'hasOwnProperty');
		const itemArb = fc.record({
			fields: fc.dictionary(fieldArb, anyValueArb, { maxKeys: 6 }),
			key: fc.oneof(keyArb, fc.constantFrom<unknown>(null, '', 42, ['site-1'])),
			explicit: fc.option(fc.dictionary(fc.constantFrom(...names, 'Nope', 'constructor'), anyValueArb, { maxKeys: 2 }), { nil: undefined }),
		});
		const existingArb = fc.array(fc.record({ id: fc.uuid(), key: fc.oneof(keyArb, fc.constant(null)), values: fc.dictionary(fc.constantFrom(...names), canonicalArb, { maxKeys: 4 }) }), { maxLength: 6 });
		fc.assert(
			fc.property(fc.array(itemArb, { maxLength: 8 }), existingArb, fc.boolean(), (items, existing, mirror) =>
				tally.check(() => {
					const desired: Array<DesiredRow | FailedRow> = items.map((item, index) => {
						const fields = { ...item.fields };
						setOwn(fields, 'Site ID', item.key);
						try {
							return buildDesiredRow(schema, { keyProperty: 'Site ID', timeZone: 'Europe/Berlin' }, { fields, explicit: item.explicit }, index);
						} catch (error) {
							if (!isMspOpsError(error)) throw error;
							expect(error.itemIndex).toBe(index);
							expect(error.service).toBe('notion');
							return { index, error };
						}
					});
					for (const row of desired) {
						if ('error' in row) continue;
						expect(row.key.trim()).toBe(row.key);
						expect(row.key).not.toBe('');
						// Every input field that names a writable property exactly is converted, under its own name.
						const item = items[row.index];
						for (const name of Object.keys(item.fields)) if (Object.prototype.hasOwnProperty.call(properties, name) && item.fields[name] !== undefined) expect(Object.prototype.hasOwnProperty.call(row.properties, name)).toBe(true);
						for (const name of Object.keys(row.properties)) expect(Object.prototype.hasOwnProperty.call(properties, name)).toBe(true);
					}
					const plan = timed(() => planSync(existing as ExistingRow[], desired, { mirror }));
					expect(plan.rows.map((r) => r.index)).toEqual(desired.map((d) => d.index));
					const keys = new Set<string>();
					for (const row of plan.rows) {
						if (row.action === 'failed') {
							expect(isMspOpsError(row.error)).toBe(true);
							expect(row.writes).toEqual({});
							continue;
						}
						expect(keys.has(row.key!)).toBe(false);
						keys.add(row.key!);
						expect(Object.keys(row.writes).sort()).toEqual([...row.changed].sort());
						const source = desired.find((d) => d.index === row.index) as DesiredRow;
						for (const name of row.changed) expect(row.writes[name]).toBe(source.properties[name].write);
					}
				}),
			),
			runs('notion rows plan', 250),
		);
		expect(Object.prototype).not.toHaveProperty('polluted');
	});
});
