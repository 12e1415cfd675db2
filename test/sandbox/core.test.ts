import { Emulator, type SandboxRequest, type SandboxResponse } from './core';

/** The smallest emulator: a counter that POST /items increments; no auth, no rate limits. */
class CounterEmulator extends Emulator {
	readonly name = 'counter';
	items = 0;
	constructor() {
		super();
		this.route('POST', '/items', () => ({ status: 201, body: { items: ++this.items } }));
		this.route('GET', '/items', () => ({ status: 200, body: { items: this.items } }));
	}
	protected authenticate(): SandboxResponse | undefined {
		return undefined;
	}
	protected rateLimitedResponse(): SandboxResponse {
		return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
	}
	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		return { status, body: { error: `server error ${status}` } };
	}
	protected notFoundResponse(): SandboxResponse {
		return { status: 404, body: { error: 'not found' } };
	}
	state(): unknown {
		return { items: this.items };
	}
	resetState(): void {
		this.items = 0;
	}
}

describe('Emulator core', () => {
	let em: CounterEmulator;
	beforeEach(async () => {
		em = new CounterEmulator();
		await em.start();
	});
	afterEach(() => em.stop());

	const post = () => fetch(`${em.url}/items`, { method: 'POST' });

	it('a lost response applies the write, then resets the connection or answers 502', async () => {
		em.scriptFaults([{ lostResponse: true, as: 'reset' }, { lostResponse: true, as: 502 }], /^POST /);
		await expect(post()).rejects.toThrow();
		expect(em.items).toBe(1);
		const gateway = await post();
		expect(gateway.status).toBe(502);
		expect(em.items).toBe(2);
		expect((await post()).status).toBe(201);
		expect(em.items).toBe(3);
		expect(em.requestLog.map((e) => [e.status, e.fault])).toEqual([
			[0, 'lost response (reset)'],
			[502, 'lost response (502)'],
			[201, undefined],
		]);
	});

	it('lostResponseRate loses about that share of answers, both kinds, deterministically by seed, every write applied', async () => {
		const run = async () => {
			em.reset();
			em.setFaults({ seed: 3, lostResponseRate: 0.5 });
			const outcomes: string[] = [];
			for (let i = 0; i < 40; i++) {
				const res = await post().then(
					(r) => String(r.status),
					() => 'reset',
				);
				outcomes.push(res);
			}
			return outcomes;
		};
		const first = await run();
		expect(em.items).toBe(40);
		const lost = first.filter((o) => o !== '201').length;
		expect(lost).toBeGreaterThan(10);
		expect(lost).toBeLessThan(30);
		expect(new Set(first)).toEqual(new Set(['201', '502', 'reset']));
		expect(await run()).toEqual(first);
	});

	it('onRequest sees an accepted request before its handler runs, not a rate-limited one, and stops after unsubscribing', async () => {
		const seen: Array<[string, number]> = [];
		const off = em.onRequest((r) => seen.push([r.route, em.items]));
		await post();
		await fetch(`${em.url}/items`);
		await fetch(`${em.url}/nowhere`);
		em.setRateLimit('default', { kind: 'window', limit: 0, windowMs: 60_000 });
		expect((await post()).status).toBe(429);
		em.setRateLimit('default', null);
		off();
		await post();
		// The POST was seen with the counter still at 0: the listener runs while the request is in flight.
		expect(seen).toEqual([
			['POST /items', 0],
			['GET /items', 1],
		]);
	});
});
