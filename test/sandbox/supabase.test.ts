import { createClient } from '@supabase/supabase-js';
import { SANDBOX_CREDENTIALS } from './credentials';
import { LOCAL_DATABASE_URL, SupabaseEmulator } from './supabase';

const KEY = SANDBOX_CREDENTIALS.supabaseServiceKey;
const SCHEMA = [
	`create table integration_logs (
		id bigint generated always as identity primary key,
		source text not null,
		external_id text not null,
		status text not null default 'ok',
		attempts integer not null default 0,
		note text,
		created_at timestamptz not null default now(),
		unique (source, external_id)
	)`,
];

jest.setTimeout(60_000);

/** supabase-js builds a realtime client eagerly and Node 20 has no global WebSocket; realtime is not emulated. */
class NoWebSocket {
	constructor() {
		throw new Error('realtime is not emulated');
	}
}
const CLIENT_OPTIONS = {
	auth: { persistSession: false, autoRefreshToken: false },
	realtime: { transport: NoWebSocket as unknown as NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport'] },
};

describe('SupabaseEmulator on the local PostgreSQL server', () => {
	let emulator: SupabaseEmulator;
	const client = () => createClient(emulator.url, KEY, CLIENT_OPTIONS);

	beforeAll(async () => {
		emulator = new SupabaseEmulator({ databaseUrl: LOCAL_DATABASE_URL, schemaSql: SCHEMA });
		await emulator.start();
	});
	afterAll(async () => {
		await emulator.stop();
	});
	beforeEach(async () => {
		await emulator.query('truncate integration_logs restart identity');
	});

	it('uses the configured server and its own schema', () => {
		expect(emulator.databaseSource).toBe('url');
		expect(emulator.schema).toMatch(/^sbx_/);
	});

	it('inserts (minimal and representation) and selects with filters, order and limit', async () => {
		const sb = client();
		const minimal = await sb.from('integration_logs').insert({ source: 'unifi', external_id: 'a' });
		expect(minimal.error).toBeNull();
		expect(minimal.status).toBe(201);
		expect(minimal.data).toBeNull();
		const inserted = await sb
			.from('integration_logs')
			.insert([
				{ source: 'unifi', external_id: 'b', attempts: 3 },
				{ source: 'ninja', external_id: 'c', attempts: 1, note: 'x' },
				{ source: 'ninja', external_id: 'd', attempts: 5 },
			])
			.select('id, source, external_id, attempts, status');
		expect(inserted.error).toBeNull();
		expect(inserted.data).toEqual([
			{ id: 2, source: 'unifi', external_id: 'b', attempts: 3, status: 'ok' },
			{ id: 3, source: 'ninja', external_id: 'c', attempts: 1, status: 'ok' },
			{ id: 4, source: 'ninja', external_id: 'd', attempts: 5, status: 'ok' },
		]);

		const ordered = await sb.from('integration_logs').select('external_id').order('attempts', { ascending: false }).limit(2);
		expect(ordered.data).toEqual([{ external_id: 'd' }, { external_id: 'b' }]);

		const filtered = await sb.from('integration_logs').select('external_id').eq('source', 'ninja').gte('attempts', 2);
		expect(filtered.data).toEqual([{ external_id: 'd' }]);
		const inList = await sb.from('integration_logs').select('external_id').in('external_id', ['a', 'c', 'zz']).order('id');
		expect(inList.data).toEqual([{ external_id: 'a' }, { external_id: 'c' }]);
		const nulls = await sb.from('integration_logs').select('external_id').is('note', null).neq('source', 'unifi');
		expect(nulls.data).toEqual([{ external_id: 'd' }]);
		const like = await sb.from('integration_logs').select('external_id').ilike('source', 'NIN%').order('external_id', { ascending: false });
		expect(like.data).toEqual([{ external_id: 'd' }, { external_id: 'c' }]);
		const counted = await sb.from('integration_logs').select('*', { count: 'exact' }).range(0, 1);
		expect(counted.count).toBe(4);
		expect(counted.data).toHaveLength(2);
		const single = await sb.from('integration_logs').select('external_id').eq('external_id', 'c').single();
		expect(single.data).toEqual({ external_id: 'c' });
	});

	it('upserts with on_conflict (merge and ignore duplicates)', async () => {
		const sb = client();
		await sb.from('integration_logs').insert({ source: 'hubspot', external_id: 'x', attempts: 1 });
		const merged = await sb
			.from('integration_logs')
			.upsert([{ source: 'hubspot', external_id: 'x', attempts: 7 }, { source: 'hubspot', external_id: 'y', attempts: 2 }], { onConflict: 'source,external_id' })
			.select('external_id, attempts');
		expect(merged.error).toBeNull();
		expect(merged.data).toEqual([{ external_id: 'x', attempts: 7 }, { external_id: 'y', attempts: 2 }]);
		const ignored = await sb
			.from('integration_logs')
			.upsert({ source: 'hubspot', external_id: 'x', attempts: 99 }, { onConflict: 'source,external_id', ignoreDuplicates: true })
			.select();
		expect(ignored.error).toBeNull();
		expect(ignored.data).toEqual([]);
		const rows = await emulator.query<{ external_id: string; attempts: number }>('select external_id, attempts from integration_logs order by external_id');
		expect(rows).toEqual([{ external_id: 'x', attempts: 7 }, { external_id: 'y', attempts: 2 }]);
	});

	it('updates and deletes with filters', async () => {
		const sb = client();
		await sb.from('integration_logs').insert([{ source: 's', external_id: '1' }, { source: 's', external_id: '2' }]);
		const updated = await sb.from('integration_logs').update({ status: 'failed' }).eq('external_id', '2').select('external_id, status');
		expect(updated.data).toEqual([{ external_id: '2', status: 'failed' }]);
		const deleted = await sb.from('integration_logs').delete().eq('status', 'ok');
		expect(deleted.error).toBeNull();
		expect(deleted.status).toBe(204);
		expect(await emulator.query('select external_id from integration_logs')).toEqual([{ external_id: '2' }]);
	});

	it('answers PostgreSQL errors in PostgREST shape', async () => {
		const sb = client();
		await sb.from('integration_logs').insert({ source: 'u', external_id: 'dup' });
		const dup = await sb.from('integration_logs').insert({ source: 'u', external_id: 'dup' });
		expect(dup.status).toBe(409);
		expect(dup.data).toBeNull();
		expect(dup.error).toEqual({
			code: '23505',
			details: 'Key (source, external_id)=(u, dup) already exists.',
			hint: null,
			message: 'duplicate key value violates unique constraint "integration_logs_source_external_id_key"',
		});
		const notNull = await sb.from('integration_logs').insert({ source: 'u' });
		expect(notNull.status).toBe(400);
		expect(notNull.error?.code).toBe('23502');
		const badInt = await sb.from('integration_logs').select('id').eq('attempts', 'abc');
		expect(badInt.status).toBe(400);
		expect(badInt.error?.code).toBe('22P02');
		const noTable = await sb.from('nope').select('*');
		expect(noTable.status).toBe(404);
		expect(noTable.error).toEqual({ code: '42P01', details: null, hint: null, message: 'relation "public.nope" does not exist' });
		const noColumn = await sb.from('integration_logs').select('bogus');
		expect(noColumn.status).toBe(400);
		expect(noColumn.error?.code).toBe('42703');
	});

	it('describes its tables at /rest/v1/ (OpenAPI, as n8n\'s Supabase credential test and pickers read it)', async () => {
		const headers = { apikey: KEY, authorization: `Bearer ${KEY}`, prefer: 'return=representation' };
		const res = await fetch(`${emulator.url}/rest/v1/`, { headers });
		expect(res.status).toBe(200);
		const doc = (await res.json()) as { paths: Record<string, unknown>; definitions: Record<string, { properties: Record<string, { type: string }> }> };
		expect(Object.keys(doc.paths)).toEqual(['/', '/integration_logs']);
		expect(doc.definitions.integration_logs.properties.attempts).toEqual({ format: 'integer', type: 'integer' });
		expect((await fetch(`${emulator.url}/rest/v1/`, { headers: { prefer: 'return=representation' } })).status).toBe(401);
	});

	it('refuses a schema profile other than public (PGRST106), as a project without exposed schemas does', async () => {
		const headers = { apikey: KEY, 'accept-profile': 'ops' };
		const res = await fetch(`${emulator.url}/rest/v1/integration_logs`, { headers });
		expect(res.status).toBe(406);
		expect(((await res.json()) as { code: string }).code).toBe('PGRST106');
		const write = await fetch(`${emulator.url}/rest/v1/integration_logs`, {
			method: 'POST',
			headers: { apikey: KEY, 'content-profile': 'ops', 'content-type': 'application/json' },
			body: JSON.stringify({ source: 's', external_id: 'x' }),
		});
		expect(write.status).toBe(406);
	});

	it('rejects a bad key with the gateway 401', async () => {
		const bad = createClient(emulator.url, 'wrong-key', CLIENT_OPTIONS);
		const res = await bad.from('integration_logs').select('*');
		expect(res.status).toBe(401);
		expect(res.error).toMatchObject({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
	});

	it('injects faults through core and drops its schema on stop', async () => {
		emulator.scriptFaults([{ status: 503 }]);
		const raw = await fetch(`${emulator.url}/rest/v1/integration_logs?select=*`, { headers: { apikey: KEY, authorization: `Bearer ${KEY}` } });
		expect(raw.status).toBe(503);
		const other = new SupabaseEmulator({ databaseUrl: LOCAL_DATABASE_URL, schemaSql: ['create table t (id int primary key)'] });
		await other.start();
		expect(other.schema).not.toBe(emulator.schema);
		const schema = other.schema;
		await other.stop();
		const left = await emulator.query('select 1 from information_schema.schemata where schema_name = $1', [schema]);
		expect(left).toEqual([]);
	});
});

describe('SupabaseEmulator on an embedded PostgreSQL', () => {
	it('starts its own server, serves supabase-js, and stops it', async () => {
		const emulator = new SupabaseEmulator({ embedded: true, schemaSql: ['create table kv (k text primary key, v text)'] });
		await emulator.start();
		try {
			expect(emulator.databaseSource).toBe('embedded');
			const sb = createClient(emulator.url, KEY, CLIENT_OPTIONS);
			const up = await sb.from('kv').upsert([{ k: 'a', v: '1' }, { k: 'a2', v: '2' }]).select();
			expect(up.error).toBeNull();
			const read = await sb.from('kv').select('v').eq('k', 'a2');
			expect(read.data).toEqual([{ v: '2' }]);
			const [version] = await emulator.query<{ server_version: string }>('show server_version');
			expect(version.server_version).toMatch(/^17\./);
		} finally {
			await emulator.stop();
		}
	});
});
