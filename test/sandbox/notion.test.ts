import { APIResponseError, Client, LogLevel, UnknownHTTPResponseError } from '@notionhq/client';
import { SANDBOX_CREDENTIALS } from './credentials';
import { NotionEmulator, SANDBOX_PARENT_PAGE_ID, SANDBOX_PARENT_PAGE_TITLE } from './notion';

const TOKEN = SANDBOX_CREDENTIALS.notionToken;
type Any = Record<string, any>;

describe('NotionEmulator', () => {
	let em: NotionEmulator;
	let notion: Client;
	const client = (auth: string = TOKEN, extra: Any = {}) => new Client({ auth, baseUrl: em.url, notionVersion: '2025-09-03', logLevel: LogLevel.ERROR, ...extra });
	const raw = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
		const res = await fetch(`${em.url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'Notion-Version': '2025-09-03', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Any };
	};
	const createDb = async (title = 'Devices') => {
		const db = (await notion.databases.create({
			parent: { type: 'page_id', page_id: SANDBOX_PARENT_PAGE_ID },
			title: [{ type: 'text', text: { content: title } }],
			initial_data_source: {
				properties: {
					Name: { title: {} },
					Score: { number: { format: 'number' } },
					Notes: { rich_text: {} },
					Kind: { select: { options: [{ name: 'Server', color: 'blue' }, { name: 'Workstation' }] } },
					Tags: { multi_select: {} },
					State: { status: {} },
					Seen: { date: {} },
					Online: { checkbox: {} },
					Site: { url: {} },
					Contact: { email: {} },
				},
			},
		})) as Any;
		return { databaseId: db.id as string, dataSourceId: db.data_sources[0].id as string, db };
	};
	const title = (content: string) => ({ title: [{ type: 'text' as const, text: { content } }] });
	const expectApiError = async (promise: Promise<unknown>, status: number, code: string, message?: string | RegExp) => {
		const error = await promise.then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(APIResponseError);
		const e = error as APIResponseError;
		expect(e.status).toBe(status);
		expect(e.code).toBe(code);
		if (message !== undefined) expect(e.message).toMatch(message);
		return e;
	};

	beforeEach(async () => {
		em = new NotionEmulator({ rateLimits: { default: null } });
		await em.start();
		notion = client();
	});
	afterEach(async () => {
		await em.stop();
	});

	it('answers users/me with the bot user and serves the seeded parent page', async () => {
		const me = (await notion.users.me({})) as Any;
		expect(me).toMatchObject({ object: 'user', type: 'bot' });
		const page = (await notion.pages.retrieve({ page_id: SANDBOX_PARENT_PAGE_ID })) as Any;
		expect(page).toMatchObject({ object: 'page', id: SANDBOX_PARENT_PAGE_ID, in_trash: false, parent: { type: 'workspace' } });
		expect(page.properties.title.title[0].plain_text).toBe(SANDBOX_PARENT_PAGE_TITLE);
		expect(page.url).toBe(`https://www.notion.so/MSP-Ops-Sandbox-${SANDBOX_PARENT_PAGE_ID.replace(/-/g, '')}`);
	});

	it('rejects a bad token with an SDK-recognised unauthorized error and a missing version with missing_version', async () => {
		const e = await expectApiError(client('wrong-token').users.me({}), 401, 'unauthorized', 'API token is invalid.');
		expect(JSON.parse(e.body)).toEqual({ object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.', request_id: expect.any(String) });
		const res = await fetch(`${em.url}/v1/users/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ object: 'error', status: 400, code: 'missing_version' });
		const bad = await raw('GET', '/v1/users/me', undefined, { 'Notion-Version': '1999-01-01' });
		expect(bad.status).toBe(400);
		expect(bad.body.code).toBe('validation_error');
	});

	it('creates, retrieves and renames databases; data sources expose property ids, types and options', async () => {
		const { databaseId, dataSourceId, db } = await createDb();
		expect(db).toMatchObject({ object: 'database', parent: { type: 'page_id', page_id: SANDBOX_PARENT_PAGE_ID }, in_trash: false });
		expect(db.data_sources).toEqual([{ id: dataSourceId, name: 'Devices' }]);
		expect(db.title[0].plain_text).toBe('Devices');

		const got = (await notion.databases.retrieve({ database_id: databaseId })) as Any;
		expect(got.data_sources[0].id).toBe(dataSourceId);

		const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
		expect(ds).toMatchObject({ object: 'data_source', id: dataSourceId, parent: { type: 'database_id', database_id: databaseId } });
		expect(ds.properties.Name).toMatchObject({ id: 'title', name: 'Name', type: 'title', title: {} });
		expect(ds.properties.Score).toMatchObject({ type: 'number', number: { format: 'number' } });
		expect(typeof ds.properties.Score.id).toBe('string');
		expect(ds.properties.Kind.select.options.map((o: Any) => [o.name, typeof o.id, typeof o.color])).toEqual([
			['Server', 'string', 'string'],
			['Workstation', 'string', 'string'],
		]);
		expect(ds.properties.Kind.select.options[0].color).toBe('blue');
		expect(ds.properties.State.status.options.map((o: Any) => o.name)).toEqual(['Not started', 'In progress', 'Done']);

		// Retrieving a data source id as a database (and vice versa) is a validation error, unknown ids 404.
		await expectApiError(notion.databases.retrieve({ database_id: dataSourceId }), 400, 'validation_error', /data source/);
		await expectApiError(notion.dataSources.retrieve({ data_source_id: '0123456789abcdef0123456789abcdef' }), 404, 'object_not_found');

		const renamed = (await notion.databases.update({ database_id: databaseId, title: [{ text: { content: 'Devices v2' } }] })) as Any;
		expect(renamed.title[0].plain_text).toBe('Devices v2');
		expect(em.findDataSources('Devices v2')).toEqual([{ databaseId, dataSourceId, databaseTitle: 'Devices v2', name: 'Devices' }]);
		expect(em.findDataSources('Devices')).toEqual([]);
	});

	it('creates a database without a title property with a default Name title, and accepts legacy top-level properties', async () => {
		const res = await raw('POST', '/v1/databases', { parent: { type: 'page_id', page_id: SANDBOX_PARENT_PAGE_ID }, title: [{ text: { content: 'Legacy' } }], properties: { Score: { number: {} } } });
		expect(res.status).toBe(200);
		const ds = (await notion.dataSources.retrieve({ data_source_id: res.body.data_sources[0].id })) as Any;
		expect(Object.keys(ds.properties).sort()).toEqual(['Name', 'Score']);
		expect(ds.properties.Name.type).toBe('title');
		const missingParent = await raw('POST', '/v1/databases', { parent: { type: 'page_id', page_id: '0123456789abcdef0123456789abcdef' }, title: [] });
		expect(missingParent.status).toBe(404);
		expect(missingParent.body.code).toBe('object_not_found');
	});

	it('updates data source schemas: adds properties and select options, renames, and removes properties', async () => {
		const { dataSourceId } = await createDb();
		const ds0 = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
		const serverId = ds0.properties.Kind.select.options[0].id;
		const updated = (await notion.dataSources.update({
			data_source_id: dataSourceId,
			properties: {
				Owner: { rich_text: {} },
				Kind: { select: { options: [{ name: 'Server' }, { name: 'Workstation' }, { name: 'Printer', color: 'red' }] } },
				Notes: { name: 'Comments' },
				Contact: null,
			},
		} as never)) as Any;
		expect(updated.properties.Owner.type).toBe('rich_text');
		expect(updated.properties.Kind.select.options.map((o: Any) => o.name)).toEqual(['Server', 'Workstation', 'Printer']);
		expect(updated.properties.Kind.select.options[0].id).toBe(serverId);
		expect(updated.properties.Comments).toMatchObject({ type: 'rich_text', id: ds0.properties.Notes.id });
		expect(updated.properties.Notes).toBeUndefined();
		expect(updated.properties.Contact).toBeUndefined();
		await expectApiError(notion.dataSources.update({ data_source_id: dataSourceId, properties: { Nope: null } } as never), 400, 'validation_error', 'Nope is not a property that exists.');
	});

	it('creates, retrieves and partially updates pages with Notion-shaped property values', async () => {
		const { databaseId, dataSourceId } = await createDb();
		const page = (await notion.pages.create({
			parent: { data_source_id: dataSourceId },
			properties: {
				Name: title('Core Switch'),
				Score: { number: 42.5 },
				Notes: { rich_text: [{ text: { content: 'rack ' } }, { text: { content: 'A', link: { url: 'https://example.com' } }, annotations: { bold: true } }] },
				Kind: { select: { name: 'Server' } },
				Tags: { multi_select: [{ name: 'core' }, { name: 'network' }] },
				State: { status: { name: 'In progress' } },
				Seen: { date: { start: '2024-05-01' } },
				Online: { checkbox: true },
				Site: { url: 'https://acme.example' },
				Contact: { email: 'it@acme.example' },
			},
		} as never)) as Any;
		expect(page.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(page.url).toBe(`https://www.notion.so/Core-Switch-${page.id.replace(/-/g, '')}`);
		expect(page.parent).toEqual({ type: 'data_source_id', data_source_id: dataSourceId, database_id: databaseId });
		expect(page).toMatchObject({ object: 'page', in_trash: false, archived: false });
		expect(page.created_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
		const p = page.properties;
		expect(p.Name).toEqual({
			id: 'title',
			type: 'title',
			title: [
				{
					type: 'text',
					text: { content: 'Core Switch', link: null },
					annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' },
					plain_text: 'Core Switch',
					href: null,
				},
			],
		});
		expect(p.Notes.rich_text.map((r: Any) => r.plain_text).join('')).toBe('rack A');
		expect(p.Notes.rich_text[1]).toMatchObject({ href: 'https://example.com', annotations: { bold: true } });
		expect(p.Score).toMatchObject({ type: 'number', number: 42.5 });
		expect(p.Kind.select).toMatchObject({ name: 'Server', color: 'blue' });
		expect(p.Tags.multi_select.map((o: Any) => o.name)).toEqual(['core', 'network']);
		expect(p.State.status.name).toBe('In progress');
		expect(p.Seen.date).toEqual({ start: '2024-05-01', end: null, time_zone: null });
		expect(p.Online.checkbox).toBe(true);
		expect(p.Site.url).toBe('https://acme.example');
		expect(p.Contact.email).toBe('it@acme.example');

		// Multi-select options written to a page are created on the schema.
		const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
		expect(ds.properties.Tags.multi_select.options.map((o: Any) => o.name)).toEqual(['core', 'network']);

		const updated = (await notion.pages.update({ page_id: page.id, properties: { Score: { number: null }, Kind: { select: { name: 'Router' } } } } as never)) as Any;
		expect(updated.properties.Score.number).toBeNull();
		expect(updated.properties.Kind.select.name).toBe('Router');
		expect(updated.properties.Name.title[0].plain_text).toBe('Core Switch');
		const got = (await notion.pages.retrieve({ page_id: page.id.replace(/-/g, '') })) as Any;
		expect(got.properties.Kind.select.name).toBe('Router');

		expect(em.rows(dataSourceId)).toEqual([
			{
				pageId: page.id,
				in_trash: false,
				created_time: page.created_time,
				last_edited_time: expect.any(String),
				properties: {
					Name: 'Core Switch',
					Score: null,
					Notes: 'rack A',
					Kind: 'Router',
					Tags: ['core', 'network'],
					State: 'In progress',
					Seen: '2024-05-01',
					Online: true,
					Site: 'https://acme.example',
					Contact: 'it@acme.example',
				},
			},
		]);
		expect(em.getStats()).toMatchObject({ pageCreates: 1, pageUpdates: 1, databaseCreates: 1 });
	});

	it('validates property values like Notion: types, unknown names, 2000-char text, 100-item arrays, status options', async () => {
		const { dataSourceId } = await createDb();
		const create = (properties: Any) => notion.pages.create({ parent: { data_source_id: dataSourceId }, properties } as never);
		await expectApiError(create({ Score: { number: 'abc' } }), 400, 'validation_error', 'body failed validation: body.properties.Score.number should be a number or `null`, instead was `"abc"`.');
		await expectApiError(create({ Missing: { rich_text: [] } }), 400, 'validation_error', 'Missing is not a property that exists.');
		await expectApiError(create({ Score: { rich_text: [] } }), 400, 'validation_error', 'Score is expected to be number.');
		await expectApiError(
			create({ Notes: { rich_text: [{ text: { content: 'x'.repeat(2345) } }] } }),
			400,
			'validation_error',
			'body failed validation: body.properties.Notes.rich_text[0].text.content.length should be ≤ `2000`, instead was `2345`.',
		);
		await expectApiError(
			create({ Tags: { multi_select: Array.from({ length: 101 }, (_, i) => ({ name: `t${i}` })) } }),
			400,
			'validation_error',
			'body.properties.Tags.multi_select.length should be ≤ `100`, instead was `101`.',
		);
		await expectApiError(create({ State: { status: { name: 'Nope' } } }), 400, 'validation_error', /Status option "Nope" does not exist/);
		await expectApiError(create({ Online: { checkbox: 'yes' } }), 400, 'validation_error', /body.properties.Online.checkbox should be a boolean/);
		await expectApiError(create({ Seen: { date: { start: 'yesterday' } } }), 400, 'validation_error', /Seen.date.start should be a valid ISO 8601 date string/);
		// A failing request writes nothing.
		expect(em.rows(dataSourceId)).toHaveLength(0);
		expect(em.getStats().pageCreates).toBe(0);
		const ok = (await create({ Notes: { rich_text: [{ text: { content: 'x'.repeat(2000) } }] } })) as Any;
		expect(ok.properties.Notes.rich_text[0].plain_text).toHaveLength(2000);
	});

	it('trashes pages, hides them from queries, and refuses edits while trashed', async () => {
		const { dataSourceId } = await createDb();
		const a = (await notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('A') } })) as Any;
		const b = (await notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('B') } })) as Any;
		const trashed = (await notion.pages.update({ page_id: a.id, in_trash: true })) as Any;
		expect(trashed).toMatchObject({ in_trash: true, archived: true });
		await notion.pages.update({ page_id: b.id, archived: true } as never);
		await notion.pages.update({ page_id: b.id, archived: false } as never);
		const q = (await notion.dataSources.query({ data_source_id: dataSourceId })) as Any;
		expect(q.results.map((r: Any) => r.id)).toEqual([b.id]);
		await expectApiError(notion.pages.update({ page_id: a.id, properties: { Name: title('A2') } }), 400, 'validation_error', /archived/);
		expect(((await notion.pages.retrieve({ page_id: a.id })) as Any).in_trash).toBe(true);
		expect(em.rows(dataSourceId, true).map((r) => [r.properties.Name, r.in_trash])).toEqual([
			['A', true],
			['B', false],
		]);
		expect(em.getStats()).toMatchObject({ pageTrashes: 2, pageUpdates: 1 });
	});

	describe('query', () => {
		let dataSourceId: string;
		beforeEach(async () => {
			({ dataSourceId } = await createDb());
			em.seedRows(
				dataSourceId,
				Array.from({ length: 250 }, (_, i) => ({
					Name: `Device ${String(i).padStart(3, '0')}`,
					Score: i,
					Notes: i % 10 === 0 ? '' : `note ${i % 7}`,
					Kind: i % 3 === 0 ? 'Server' : i % 3 === 1 ? 'Workstation' : null,
					Tags: i % 2 ? ['odd'] : ['even', 'core'],
					State: i % 5 === 0 ? 'Done' : 'Not started',
					Seen: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
					Online: i % 4 === 0,
					Site: i % 50 === 0 ? null : `https://site${i}.example`,
					Contact: `it${i}@example.com`,
				})),
			);
		});
		const ids = (q: Any) => q.results.map((r: Any) => r.properties.Name.title[0].plain_text);
		const all = async (args: Any) => {
			const out: Any[] = [];
			let cursor: string | undefined;
			let calls = 0;
			do {
				const q = (await notion.dataSources.query({ data_source_id: dataSourceId, ...args, start_cursor: cursor })) as Any;
				calls++;
				out.push(...q.results);
				cursor = q.has_more ? q.next_cursor : undefined;
			} while (cursor);
			return { rows: out, calls };
		};

		it('pages through results with cursors (default and maximum page size 100)', async () => {
			const first = (await notion.dataSources.query({ data_source_id: dataSourceId })) as Any;
			expect(first).toMatchObject({ object: 'list', has_more: true, type: 'page_or_data_source' });
			expect(first.results).toHaveLength(100);
			expect(first.next_cursor).toMatch(/^[0-9a-f-]{36}$/);
			const { rows, calls } = await all({});
			expect(calls).toBe(3);
			expect(new Set(rows.map((r) => r.id)).size).toBe(250);
			const small = await all({ page_size: 30 });
			expect(small.calls).toBe(9);
			const error = await expectApiError(notion.dataSources.query({ data_source_id: dataSourceId, page_size: 101 }), 400, 'validation_error');
			expect(error.message).toBe('body failed validation: body.page_size should be ≤ `100`, instead was `101`.');
			await expectApiError(notion.dataSources.query({ data_source_id: dataSourceId, start_cursor: 'bogus' }), 400, 'validation_error');
		});

		it('filters on title, rich_text, number, select, multi_select, status, date, checkbox, url and email, with and/or nesting', async () => {
			const count = async (filter: Any) => (await all({ filter })).rows.length;
			expect(await count({ property: 'Name', title: { equals: 'Device 007' } })).toBe(1);
			expect(await count({ property: 'Name', title: { starts_with: 'device 00' } })).toBe(10);
			expect(await count({ property: 'Name', title: { contains: '24' } })).toBe(13); // 024, 124, 224, 240-249
			expect(await count({ property: 'Notes', rich_text: { is_empty: true } })).toBe(25);
			expect(await count({ property: 'Notes', rich_text: { does_not_contain: 'note' } })).toBe(25);
			expect(await count({ property: 'Score', number: { greater_than: 199 } })).toBe(50);
			expect(await count({ property: 'Score', number: { less_than_or_equal_to: 9 } })).toBe(10);
			expect(await count({ property: 'Kind', select: { equals: 'Server' } })).toBe(84);
			expect(await count({ property: 'Kind', select: { is_empty: true } })).toBe(83);
			expect(await count({ property: 'Kind', select: { does_not_equal: 'Server' } })).toBe(166);
			expect(await count({ property: 'Tags', multi_select: { contains: 'core' } })).toBe(125);
			expect(await count({ property: 'State', status: { equals: 'Done' } })).toBe(50);
			expect(await count({ property: 'Seen', date: { on_or_after: '2024-01-28' } })).toBe(8);
			expect(await count({ property: 'Seen', date: { before: '2024-01-02' } })).toBe(9);
			expect(await count({ property: 'Seen', date: { equals: '2024-01-01' } })).toBe(9);
			expect(await count({ property: 'Online', checkbox: { equals: true } })).toBe(63);
			expect(await count({ property: 'Site', url: { is_empty: true } })).toBe(5);
			expect(await count({ property: 'Contact', email: { ends_with: '7@example.com' } })).toBe(25);
			expect(
				await count({
					and: [
						{ property: 'Kind', select: { equals: 'Server' } },
						{ or: [{ property: 'Online', checkbox: { equals: true } }, { property: 'Score', number: { less_than: 30 } }] },
					],
				}),
			).toBe(28); // i%3==0 and (i%4==0 or i<30): 21 + 10 - 3
			await expectApiError(notion.dataSources.query({ data_source_id: dataSourceId, filter: { property: 'Nope', rich_text: { equals: 'x' } } }), 400, 'validation_error', /Could not find property with name or id: Nope/);
		});

		it('sorts by property and timestamp, and limits properties with filter_properties', async () => {
			const desc = (await notion.dataSources.query({ data_source_id: dataSourceId, sorts: [{ property: 'Score', direction: 'descending' }], page_size: 3 })) as Any;
			expect(ids(desc)).toEqual(['Device 249', 'Device 248', 'Device 247']);
			const byKind = (await all({ sorts: [{ property: 'Kind', direction: 'ascending' }, { property: 'Score', direction: 'descending' }] })).rows;
			expect(byKind[0].properties.Kind.select.name).toBe('Server');
			expect(byKind[0].properties.Score.number).toBe(249);
			expect(byKind[byKind.length - 1].properties.Kind.select).toBeNull(); // empties last
			const byCreated = (await notion.dataSources.query({ data_source_id: dataSourceId, sorts: [{ timestamp: 'created_time', direction: 'descending' }], page_size: 1 })) as Any;
			expect(ids(byCreated)).toEqual(['Device 249']);
			const rows = em.rows(dataSourceId);
			await notion.pages.update({ page_id: rows[5].pageId, properties: { Score: { number: 1000 } } });
			const byEdited = (await notion.dataSources.query({ data_source_id: dataSourceId, sorts: [{ timestamp: 'last_edited_time', direction: 'descending' }], page_size: 2 })) as Any;
			expect(ids(byEdited)).toEqual(['Device 005', 'Device 249']);

			const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
			const limited = (await notion.dataSources.query({ data_source_id: dataSourceId, filter_properties: [ds.properties.Score.id, 'title'], page_size: 1 })) as Any;
			expect(Object.keys(limited.results[0].properties).sort()).toEqual(['Name', 'Score']);
		});

		it('keeps equals lookups (served from an equality index) consistent with writes, trash and renamed options', async () => {
			const find = async (filter: Any) => ids((await notion.dataSources.query({ data_source_id: dataSourceId, filter: filter as never })) as Any);
			expect(await find({ property: 'Name', title: { equals: 'Device 010' } })).toEqual(['Device 010']);
			const target = em.rows(dataSourceId)[10].pageId;
			await notion.pages.update({ page_id: target, properties: { Name: title('Renamed'), Score: { number: 5 } } });
			expect(await find({ property: 'Name', title: { equals: 'Device 010' } })).toEqual([]);
			expect(await find({ property: 'Name', title: { equals: 'Renamed' } })).toEqual(['Renamed']);
			expect(await find({ property: 'Score', number: { equals: 5 } })).toEqual(['Device 005', 'Renamed']);
			expect(await find({ and: [{ property: 'Score', number: { equals: 5 } }, { property: 'Kind', select: { is_empty: true } }] })).toEqual(['Device 005']);
			const created = (await notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('Renamed') } })) as Any;
			expect(await find({ property: 'Name', title: { equals: 'Renamed' } })).toEqual(['Renamed', 'Renamed']);
			await notion.pages.update({ page_id: created.id, in_trash: true });
			expect(await find({ property: 'Name', title: { equals: 'Renamed' } })).toEqual(['Renamed']);
			expect(await find({ property: 'Kind', select: { equals: 'Server' } })).toHaveLength(84);
			await notion.dataSources.update({ data_source_id: dataSourceId, properties: { Kind: { select: { options: [{ name: 'Server' }, { name: 'Workstation' }] } } } } as never);
			const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
			const serverId = ds.properties.Kind.select.options[0].id;
			await notion.dataSources.update({ data_source_id: dataSourceId, properties: { Kind: { select: { options: [{ id: serverId, name: 'Host' }, { name: 'Workstation' }] } } } } as never);
			expect(await find({ property: 'Kind', select: { equals: 'Server' } })).toHaveLength(0);
			expect((await all({ filter: { property: 'Kind', select: { equals: 'Host' } } })).rows).toHaveLength(84);
		});

		it('queries 10,000 rows in 100-row pages quickly', async () => {
			const big = em.seedDatabase({ title: 'Big', properties: { Name: { title: {} }, N: { number: {} } } });
			em.seedRows(
				big.dataSourceId,
				Array.from({ length: 10_000 }, (_, i) => ({ Name: `Row ${i}`, N: i })),
			);
			const started = Date.now();
			let cursor: string | undefined;
			let total = 0;
			let calls = 0;
			do {
				const q = (await notion.dataSources.query({ data_source_id: big.dataSourceId, start_cursor: cursor, filter: { property: 'N', number: { greater_than_or_equal_to: 0 } } })) as Any;
				total += q.results.length;
				calls++;
				cursor = q.next_cursor ?? undefined;
			} while (cursor);
			expect(total).toBe(10_000);
			expect(calls).toBe(100);
			expect(Date.now() - started).toBeLessThan(10_000);
		});
	});

	it('answers 429 rate_limited with an integer Retry-After that the SDK recognises and retries', async () => {
		em.setRateLimit('default', { kind: 'bucket', ratePerSec: 2, burst: 1 });
		const { dataSourceId } = await createDb(); // takes the only burst token
		em.clearLog();
		const result = (await notion.dataSources.query({ data_source_id: dataSourceId })) as Any;
		expect(result.object).toBe('list');
		const statuses = em.requestLog.map((r) => r.status);
		expect(statuses[0]).toBe(429);
		expect(statuses[statuses.length - 1]).toBe(200);

		em.setRateLimit('default', { kind: 'bucket', ratePerSec: 0.2, burst: 1 });
		await notion.users.me({});
		const res = await raw('GET', '/v1/users/me');
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
		expect(res.body).toEqual({ object: 'error', status: 429, code: 'rate_limited', message: 'You have been rated limited. Please try again in a few minutes.', request_id: expect.any(String) });
		const noRetry = client(TOKEN, { retry: { maxRetries: 0 } });
		await expectApiError(noRetry.users.me({}), 429, 'rate_limited');
	}, 20_000);

	it('injects Notion-shaped 5xx/529 faults the SDK retries (GET) and ambiguous writes that land server-side', async () => {
		em.scriptFaults([{ status: 500 }, { status: 503 }], /GET \/v1\/users\/me/);
		const fast = client(TOKEN, { retry: { maxRetries: 2, initialRetryDelayMs: 10, maxRetryDelayMs: 20 } });
		expect(((await fast.users.me({})) as Any).type).toBe('bot');
		expect(em.requestLog.map((r) => r.status)).toEqual([500, 503, 200]);

		em.clearLog();
		em.setOverloadRate(1);
		await expectApiError(client(TOKEN, { retry: { maxRetries: 1, initialRetryDelayMs: 10, maxRetryDelayMs: 20 } }).users.me({}), 529, 'service_overload');
		expect(em.requestLog.map((r) => r.status)).toEqual([529, 529]);
		em.setOverloadRate(0);

		const { dataSourceId } = await createDb();
		em.failAfterWrite(1);
		const e = await fast.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('Ambiguous') } }).then(
			() => undefined,
			(err: unknown) => err,
		);
		expect(e).toBeInstanceOf(UnknownHTTPResponseError);
		expect((e as UnknownHTTPResponseError).status).toBe(502);
		expect(em.rows(dataSourceId).map((r) => r.properties.Name)).toEqual(['Ambiguous']);
		expect(em.getStats().ambiguousWrites).toBe(1);

		// Forced malformed payloads: a cut-off JSON body makes the SDK throw a parse error; a corrupted field passes through.
		em.malformNext('GET /v1/users/me', 'invalid-json');
		await expect(fast.users.me({})).rejects.toThrow(SyntaxError);
		em.malformNext('POST /v1/data_sources/:id/query');
		expect(((await fast.dataSources.query({ data_source_id: dataSourceId })) as Any).results).toBe('malformed-results');

		// POST 500s are not retried by the SDK.
		em.clearLog();
		em.scriptFaults([{ status: 500 }], /POST \/v1\/pages/);
		await expectApiError(fast.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('x') } }), 500, 'internal_server_error');
		expect(em.requestLog).toHaveLength(1);
	});

	it('serves state and assertion helpers over /__sandbox controls and resets to the seeded parent page', async () => {
		const { databaseId, dataSourceId } = await createDb('Controls');
		await notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('One'), Score: { number: 1 } } });
		const ctl = async (method: string, path: string, body?: unknown) => {
			const res = await fetch(`${em.url}/__sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
			const text = await res.text();
			return { status: res.status, body: text ? JSON.parse(text) : undefined };
		};
		expect((await ctl('GET', 'data-sources?database_title=Controls')).body).toEqual([{ databaseId, dataSourceId, databaseTitle: 'Controls', name: 'Controls' }]);
		const rows = (await ctl('GET', 'rows?database_title=Controls')).body;
		expect(rows).toHaveLength(1);
		expect(rows[0].properties).toMatchObject({ Name: 'One', Score: 1 });
		expect((await ctl('GET', 'stats')).body).toMatchObject({ pageCreates: 1, databaseCreates: 1, writes: 2 });
		const seeded = (await ctl('POST', 'seed-database', { title: 'Seeded', properties: { Name: { title: {} }, Tag: { select: {} } }, rows: [{ Name: 'a', Tag: 'x' }, { Name: 'b' }] })).body;
		expect(seeded.pageIds).toHaveLength(2);
		const state = (await ctl('GET', 'state')).body;
		expect(state.databases.map((d: Any) => [d.title, d.dataSources[0].rows])).toEqual([
			['Controls', 1],
			['Seeded', 2],
		]);
		expect((await ctl('POST', 'fail-after-write', { count: 1, status: 504 })).status).toBe(204);
		await expectApiError(notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('Two') } }), 504, 'gateway_timeout');
		expect(em.rows(dataSourceId)).toHaveLength(2);

		expect((await ctl('POST', 'reset')).status).toBe(204);
		expect(em.databases.size).toBe(0);
		expect(((await notion.pages.retrieve({ page_id: SANDBOX_PARENT_PAGE_ID })) as Any).id).toBe(SANDBOX_PARENT_PAGE_ID);
		await expectApiError(notion.dataSources.retrieve({ data_source_id: dataSourceId }), 404, 'object_not_found');
	});

	it('keeps the legacy 2022-06-28 database query path', async () => {
		const { databaseId, dataSourceId } = await createDb();
		em.seedRows(dataSourceId, [{ Name: 'a' }, { Name: 'b' }]);
		const legacy = await raw('POST', `/v1/databases/${databaseId}/query`, { page_size: 1 }, { 'Notion-Version': '2022-06-28' });
		expect(legacy.status).toBe(200);
		expect(legacy.body.results[0].parent).toEqual({ type: 'database_id', database_id: databaseId });
		expect(legacy.body.has_more).toBe(true);
		const db = await raw('GET', `/v1/databases/${databaseId}`, undefined, { 'Notion-Version': '2022-06-28' });
		expect(db.body.properties.Name.type).toBe('title');
		const modern = await raw('POST', `/v1/databases/${databaseId}/query`, {});
		expect(modern.status).toBe(400);
		expect(modern.body.code).toBe('invalid_request_url');
	});

	it("serves the requests n8n's built-in Notion node sends at Notion-Version 2021-08-16 (docs/builtin-nodes.md) over the same rows", async () => {
		const { databaseId, dataSourceId } = await createDb();
		const v = { 'Notion-Version': '2021-08-16', authorization: `Bearer ${TOKEN} ` };
		const db = await raw('GET', `/v1/databases/${databaseId}`, undefined, v);
		expect(db.status).toBe(200);
		expect(db.body.properties.Name.type).toBe('title');
		expect(db.body.data_sources).toBeUndefined();
		const created = await raw('POST', '/v1/pages', { parent: { database_id: databaseId }, properties: { Name: { title: [{ text: { content: 'srv-1' } }] }, Notes: { rich_text: [{ text: { content: 'n' } }] }, Score: { type: 'number', number: 7 }, Kind: { type: 'select', select: { name: 'Server' } } }, children: [] }, v);
		expect(created.status).toBe(200);
		expect(created.body.parent).toEqual({ type: 'database_id', database_id: databaseId });
		const patched = await raw('PATCH', `/v1/pages/${created.body.id}`, { properties: { Score: { type: 'number', number: 8 } } }, v);
		expect(patched.status).toBe(200);
		// The node's Return All: no page_size, `sorts: []`, loops while has_more !== false (so has_more must be a boolean).
		const query = await raw('POST', `/v1/databases/${databaseId}/query`, { sorts: [] }, v);
		expect(query.status).toBe(200);
		expect(query.body.has_more).toBe(false);
		expect(query.body.results.map((r: Any) => r.properties.Score.number)).toEqual([8]);
		expect(em.rows(dataSourceId).map((r) => r.properties)).toEqual([expect.objectContaining({ Name: 'srv-1', Score: 8, Kind: 'Server' })]);
		// The strictness is the same as at 2025-09-03: page_size over 100 and unknown properties are refused.
		expect((await raw('POST', `/v1/databases/${databaseId}/query`, { page_size: 101 }, v)).body.code).toBe('validation_error');
		const unknown = await raw('POST', '/v1/pages', { parent: { database_id: databaseId }, properties: { Nope: { rich_text: [] } } }, v);
		expect(unknown.status).toBe(400);
		expect(unknown.body.code).toBe('validation_error');
		// Versions Notion does not serve are refused.
		expect((await raw('GET', `/v1/databases/${databaseId}`, undefined, { 'Notion-Version': '2021-08-15' })).body.code).toBe('validation_error');
	});

	it('fails database read, write, query and page create by database_id before 2025-09-03 once the database has a second data source', async () => {
		const { databaseId, dataSourceId } = await createDb();
		em.seedDataSource(databaseId, { name: 'Archive', properties: { Name: { title: {} } } });
		const v = { 'Notion-Version': '2021-08-16' };
		for (const [method, path, body] of [
			['GET', `/v1/databases/${databaseId}`, undefined],
			['PATCH', `/v1/databases/${databaseId}`, { title: [{ text: { content: 'x' } }] }],
			['POST', `/v1/databases/${databaseId}/query`, {}],
			['POST', '/v1/pages', { parent: { database_id: databaseId }, properties: { Name: { title: [] } } }],
		] as Array<[string, string, unknown]>) {
			const res = await raw(method, path, body, v);
			expect([method, path, res.status, res.body.code]).toEqual([method, path, 400, 'validation_error']);
		}
		// At 2025-09-03 the data sources stay reachable.
		expect((await raw('POST', `/v1/data_sources/${dataSourceId}/query`, {})).status).toBe(200);
		expect((await raw('GET', `/v1/databases/${databaseId}`)).body.data_sources).toHaveLength(2);
	});

	describe('strict like Notion (documented contract)', () => {
		it('caps one query at the per-query result limit: has_more ends, every page says incomplete, a new filter starts a new budget', async () => {
			const small = new NotionEmulator({ rateLimits: { default: null }, queryResultLimit: 5, timestampPrecisionMs: 1 });
			await small.start();
			try {
				const c = new Client({ auth: TOKEN, baseUrl: small.url, notionVersion: '2025-09-03', logLevel: LogLevel.ERROR });
				const db = (await c.databases.create({
					parent: { type: 'page_id', page_id: SANDBOX_PARENT_PAGE_ID },
					title: [{ type: 'text', text: { content: 'Capped' } }],
					initial_data_source: { properties: { Name: { title: {} } } },
				})) as Any;
				const dsId = db.data_sources[0].id as string;
				small.seedRows(dsId, Array.from({ length: 8 }, (_, i) => ({ Name: `r${i}` })));
				const first = (await c.dataSources.query({ data_source_id: dsId, page_size: 3 })) as Any;
				expect(first.request_status).toEqual({ type: 'incomplete', incomplete_reason: 'query_result_limit_reached' });
				expect(first.has_more).toBe(true);
				const second = (await c.dataSources.query({ data_source_id: dsId, page_size: 3, start_cursor: first.next_cursor })) as Any;
				expect(second.results).toHaveLength(2);
				expect(second.has_more).toBe(false);
				expect(second.next_cursor).toBeNull();
				expect(second.request_status).toEqual({ type: 'incomplete', incomplete_reason: 'query_result_limit_reached' });
				// A different filter is a different query with a budget of its own.
				const rest = (await c.dataSources.query({ data_source_id: dsId, filter: { property: 'Name', title: { equals: 'r7' } } })) as Any;
				expect(rest.results).toHaveLength(1);
				expect(rest.request_status).toBeUndefined();
				small.setQueryResultLimit(undefined);
				const all = (await c.dataSources.query({ data_source_id: dsId })) as Any;
				expect(all.results).toHaveLength(8);
				expect(all.request_status).toBeUndefined();
			} finally {
				await small.stop();
			}
		});

		it('rejects "" for url and email (null clears them; phone_number follows the same rule)', async () => {
			const { dataSourceId } = await createDb();
			for (const [prop, type] of [['Site', 'url'], ['Contact', 'email']] as const) {
				await expectApiError(
					notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('x'), [prop]: { [type]: '' } } as never }),
					400,
					'validation_error',
					/should be a non-empty string or `null`/,
				);
			}
			const ok = (await notion.pages.create({ parent: { data_source_id: dataSourceId }, properties: { Name: title('x'), Site: { url: null } } as never })) as Any;
			expect(ok.properties.Site.url).toBeNull();
		});

		it('never changes the options or the name of a status property through the API, keyed by name or by id', async () => {
			const { dataSourceId } = await createDb();
			const ds = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
			const stateId = ds.properties.State.id as string;
			for (const key of ['State', stateId]) {
				await expectApiError(
					notion.dataSources.update({ data_source_id: dataSourceId, properties: { [key]: { status: { options: [{ name: 'Blocked' }] } } } as never }),
					400,
					'validation_error',
					/Cannot set the options of status property/,
				);
				await expectApiError(
					notion.dataSources.update({ data_source_id: dataSourceId, properties: { [key]: { name: 'Stage' } } as never }),
					400,
					'validation_error',
					/Cannot update the name of status property/,
				);
			}
			await expectApiError(
				notion.dataSources.update({ data_source_id: dataSourceId, properties: { Phase: { status: { options: [{ name: 'A' }] } } } as never }),
				400,
				'validation_error',
			);
			const after = (await notion.dataSources.retrieve({ data_source_id: dataSourceId })) as Any;
			expect(after.properties.State.status.options.map((o: Any) => o.name)).toEqual(['Not started', 'In progress', 'Done']);
			// A new status property without options gets Notion's defaults.
			const added = (await notion.dataSources.update({ data_source_id: dataSourceId, properties: { Phase: { status: {} } } as never })) as Any;
			expect(added.properties.Phase.status.options.map((o: Any) => o.name)).toEqual(['Not started', 'In progress', 'Done']);
		});
	});
});
